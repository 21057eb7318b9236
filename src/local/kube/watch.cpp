#include "watch_impl.hpp"

#include "object_rules.hpp"
#include "status.hpp"
#include "store.hpp"
#include "wire.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

namespace amlk8s::local::kube {

namespace {

std::vector<boost::json::object> current_objects(const api_server::state& s, const watch_stream::impl& w) {
  std::vector<boost::json::object> out;
  auto b = s.buckets.find(w.type.key());
  if (b == s.buckets.end()) return out;
  for (const auto& [k, stored] : b->second)
    if (w.matches(stored.object)) out.push_back(stored.object);
  return out;
}

std::string bookmark_line(const watch_stream::impl& w, std::uint64_t rv, bool initial_end) {
  boost::json::object meta;
  meta["resourceVersion"] = std::to_string(rv);
  meta["creationTimestamp"] = nullptr;
  if (initial_end) {
    boost::json::object annotations;
    annotations[wire::initial_events_end_annotation] = "true";
    meta["annotations"] = std::move(annotations);
  }
  boost::json::object object;
  object["kind"] = w.type.kind;
  object["apiVersion"] = w.type.api_version();
  object["metadata"] = std::move(meta);
  boost::json::object event;
  event["type"] = "BOOKMARK";
  event["object"] = std::move(object);
  return boost::json::serialize(event) + "\n";
}

std::string expired_line(std::uint64_t requested, std::uint64_t oldest) {
  // §2.7: a too-old resourceVersion ends the watch with an ERROR event carrying a 410 Status.
  auto error = detail::expired("too old resource version: " + std::to_string(requested) + " (" + std::to_string(oldest) + ")");
  boost::json::object event;
  event["type"] = "ERROR";
  event["object"] = error.status();
  return boost::json::serialize(event) + "\n";
}

// The event type a log entry becomes for this watch, or "" when the watch does not see it. An
// object that starts or stops matching the selectors is ADDED or DELETED, as the watch cache does.
std::string_view visible_as(const watch_stream::impl& w, const detail::event_record& e) {
  if (e.key != w.type.key()) return {};
  bool now = w.matches(*e.object);
  bool before = e.previous && w.matches(*e.previous);
  if (e.type == "ADDED") return now ? "ADDED" : "";
  if (e.type == "DELETED") return now || before ? "DELETED" : "";
  if (now && before) return "MODIFIED";
  if (now) return "ADDED";
  if (before) return "DELETED";
  return {};
}

}  // namespace

void watch_stream::impl::notify() {
  std::lock_guard<std::recursive_mutex> lock(notify_mutex);
  if (on_ready) {
    auto f = on_ready;  // the hook may replace itself
    f();
  }
}

bool watch_stream::impl::matches(const boost::json::object& object) const {
  if (type.namespaced && !ns.empty() && detail::meta_string(object, "namespace") != ns) return false;
  return labels.matches(object) && fields.matches(object);
}

std::string watch_stream::impl::line(std::string_view event_type, const boost::json::object& object) const {
  boost::json::object out = object;
  detail::set_api_version(out, type);
  boost::json::object event;
  event["type"] = event_type;
  if (as_table) {
    boost::json::object meta;
    meta["resourceVersion"] = detail::meta_string(out, "resourceVersion");
    event["object"] = detail::make_table(type, {out}, format, std::move(meta), state->now());
  } else {
    event["object"] = std::move(out);
  }
  return boost::json::serialize(event) + "\n";
}

watch_stream::watch_stream(std::shared_ptr<impl> state) : impl_(std::move(state)) {}

watch_stream::~watch_stream() {
  std::lock_guard<std::recursive_mutex> lock(impl_->notify_mutex);
  impl_->on_ready = nullptr;
}

std::vector<std::string> watch_stream::poll(std::size_t max) {
  std::vector<std::string> out;
  auto& w = *impl_;
  std::lock_guard<std::mutex> lock(w.state->mutex);
  const auto& s = *w.state;
  if (!w.errored && w.cursor < s.compacted_rv) {
    // The reader fell behind the log's capacity: it must list again.
    w.pending.push_back(expired_line(w.cursor, s.compacted_rv));
    w.errored = true;
  }
  while (out.size() < max && !w.pending.empty()) {
    out.push_back(std::move(w.pending.front()));
    w.pending.pop_front();
  }
  if (!w.errored) {
    auto it = std::upper_bound(s.log.begin(), s.log.end(), w.cursor,
                               [](std::uint64_t rv, const detail::event_record& e) { return rv < e.rv; });
    for (; it != s.log.end() && out.size() < max; ++it) {
      w.cursor = it->rv;
      auto type = visible_as(w, *it);
      if (!type.empty()) out.push_back(w.line(type, *it->object));
    }
  }
  if (w.errored && w.pending.empty()) w.finished = true;
  return out;
}

void watch_stream::on_ready(std::function<void()> notify) {
  std::lock_guard<std::recursive_mutex> lock(impl_->notify_mutex);
  impl_->on_ready = std::move(notify);
}

bool watch_stream::finished() const { return impl_->finished; }

std::optional<std::chrono::seconds> watch_stream::timeout() const { return impl_->timeout; }

std::optional<std::string> watch_stream::bookmark() {
  auto& w = *impl_;
  if (!w.allow_bookmarks || w.finished) return std::nullopt;
  std::lock_guard<std::mutex> lock(w.state->mutex);
  const auto& s = *w.state;
  if (w.errored || !w.pending.empty() || w.cursor < s.compacted_rv) return std::nullopt;
  auto it = std::upper_bound(s.log.begin(), s.log.end(), w.cursor,
                             [](std::uint64_t rv, const detail::event_record& e) { return rv < e.rv; });
  for (; it != s.log.end(); ++it)
    if (!visible_as(w, *it).empty()) return std::nullopt;  // events first: poll
  w.cursor = std::max(w.cursor, s.rv);
  return bookmark_line(w, s.rv, false);
}

namespace detail {

std::unique_ptr<watch_stream> open_watch(const std::shared_ptr<api_server::state>& s, const resource_type& type,
                                         const watch_query& query) {
  auto w = std::make_shared<watch_stream::impl>();
  w->state = s;
  w->type = type;
  w->ns = type.namespaced ? query.ns : std::string();
  w->labels = label_selector::parse(query.label_selector);
  w->fields = field_selector::parse(query.field_selector, type);
  w->allow_bookmarks = query.allow_bookmarks;
  w->as_table = query.as_table;
  w->format.api_version = query.table_api_version;
  w->format.include = query.table_object;
  w->timeout = query.timeout;

  const auto& rv_text = query.resource_version;
  bool from_now = rv_text.empty() || rv_text == "0";
  std::uint64_t rv = 0;
  if (!from_now) {
    auto [ptr, ec] = std::from_chars(rv_text.data(), rv_text.data() + rv_text.size(), rv);
    if (ec != std::errc() || ptr != rv_text.data() + rv_text.size())
      throw bad_request("resourceVersion: Invalid value: " + quoted(rv_text) + ": must be a valid resource version");
  }
  if (from_now || query.send_initial_events) {
    // §2.7: with no resourceVersion (or "0") the watch starts with ADDED events for what exists.
    for (const auto& object : current_objects(*s, *w)) w->pending.push_back(w->line("ADDED", object));
    w->cursor = s->rv;
    if (query.send_initial_events && query.allow_bookmarks) w->pending.push_back(bookmark_line(*w, s->rv, true));
  } else if (rv < s->compacted_rv) {
    w->pending.push_back(expired_line(rv, s->compacted_rv));
    w->errored = true;
  } else {
    w->cursor = rv;
  }
  s->watchers.push_back(w);
  return std::make_unique<watch_stream>(std::move(w));
}

}  // namespace detail
}  // namespace amlk8s::local::kube
