// The state of one open watch (see amlk8s/local/kube/watch.hpp).
#pragma once

#include <amlk8s/local/kube/watch.hpp>

#include "selectors.hpp"
#include "state.hpp"
#include "table.hpp"

#include <atomic>
#include <deque>
#include <mutex>

namespace amlk8s::local::kube {

struct watch_stream::impl {
  std::shared_ptr<api_server::state> state;
  detail::resource_type type;
  std::string ns;
  detail::label_selector labels;
  detail::field_selector fields;
  bool allow_bookmarks = false;
  bool as_table = false;
  detail::table_format format;
  std::optional<std::chrono::seconds> timeout;

  // Guarded by state->mutex.
  std::uint64_t cursor = 0;        ///< the rv of the last event looked at
  std::deque<std::string> pending; ///< lines ready before the log is read (initial events, errors)
  bool errored = false;

  std::atomic<bool> finished{false};
  // Held while on_ready runs, so that a destroyed stream's hook is never called afterwards;
  // recursive because a hook may destroy its own stream.
  std::recursive_mutex notify_mutex;
  std::function<void()> on_ready;

  /// Calls on_ready, if set.
  void notify();
  /// True when `object` passes the namespace and selectors.
  bool matches(const boost::json::object& object) const;
  /// One WatchEvent line.
  std::string line(std::string_view type, const boost::json::object& object) const;
};

namespace detail {

/// Opens a watch of `type`; the caller holds s->mutex. Throws api_error for a bad query.
std::unique_ptr<watch_stream> open_watch(const std::shared_ptr<api_server::state>& s, const resource_type& type,
                                         const watch_query& query);

}  // namespace detail
}  // namespace amlk8s::local::kube
