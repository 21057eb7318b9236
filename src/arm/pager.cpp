// ARM paging: contracts/arm-extensions.md §1.5 and §1.9 ("follow nextLink verbatim; stop when
// null/missing; never re-append api-version"), contracts/aml-workspace-and-auth.md §1.8 (also stop on
// an empty nextLink).
#include <amlk8s/arm/pager.hpp>

#include "arm/blocking.hpp"
#include "arm/redact.hpp"

#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>

#include <unordered_set>

namespace amlk8s::arm {

namespace asio = boost::asio;
namespace json = boost::json;

struct pager::state {
  state(client c, request f, pager_options o) : cl(std::move(c)), first(std::move(f)), options(std::move(o)) {}

  client cl;
  request first;
  pager_options options;
  std::string next_link;                  // the next page's URL once the first page was read
  std::unordered_set<std::string> visited;  // every URL read, to stop a nextLink loop
  std::size_t pages = 0;
  bool finished = false;
  bool busy = false;
  diagnostics diag;
};

namespace {

error_code protocol_failure(pager::state& st, const response& res, std::string message) {
  st.diag.http_status = res.status;
  if (auto id = res.headers.get("x-ms-request-id")) st.diag.request_id = std::string(*id);
  st.diag.client_message = std::move(message);
  return make_error_code(errc::protocol_error);
}

// Splits a list answer into a page and moves the pager on; see pager.hpp for the rules.
error_code read_page(pager::state& st, response res, page& out) {
  if (!res.body.is_object()) {
    st.finished = true;
    out.raw = std::move(res);
    return protocol_failure(st, out.raw, "a list answer must be a JSON object");
  }
  auto& body = res.body.get_object();
  if (auto it = body.find(st.options.items_key); it != body.end()) {
    if (it->value().is_array()) {
      out.items = std::move(it->value().get_array());
    } else if (!it->value().is_null()) {
      st.finished = true;
      out.raw = std::move(res);
      return protocol_failure(st, out.raw, "'" + st.options.items_key + "' in a list answer is not an array");
    }
    body.erase(st.options.items_key);
  }
  std::string next;
  if (auto it = body.find(st.options.next_link_key); it != body.end() && !it->value().is_null()) {
    if (!it->value().is_string()) {
      st.finished = true;
      out.raw = std::move(res);
      return protocol_failure(st, out.raw, "'" + st.options.next_link_key + "' in a list answer is not a string");
    }
    next = std::string(it->value().get_string());
  }
  ++st.pages;
  out.raw = std::move(res);
  if (next.empty()) {
    st.finished = true;
    st.next_link.clear();
    return {};
  }
  if (st.visited.count(next) != 0) {
    st.finished = true;
    return protocol_failure(st, out.raw,
                            "the service sent a nextLink that was already read (" + detail::shorten(next, 200) +
                                "); stopped after " + std::to_string(st.pages) + " pages instead of looping");
  }
  if (st.pages >= st.options.max_pages) {
    st.finished = true;
    return protocol_failure(st, out.raw,
                            "the list goes on past " + std::to_string(st.options.max_pages) +
                                " pages (pager_options::max_pages)");
  }
  st.visited.insert(next);
  st.next_link = next;
  out.next_link = std::move(next);
  return {};
}

struct page_op {
  explicit page_op(std::shared_ptr<pager::state> s) : st(std::move(s)) {}

  std::shared_ptr<pager::state> st;
  bool started = false;
  bool completing = false;
  bool release = true;
  error_code final_ec;

  template <class Self>
  void operator()(Self& self) {
    if (completing) return finish(self, final_ec, page{});
    if (started) return;
    started = true;
    if (st->busy) return post_finish(self, make_error_code(errc::invalid_argument), false);
    if (st->finished) return post_finish(self, {}, false);
    st->busy = true;
    st->diag.clear();
    request r;
    if (st->pages == 0) {
      r = st->first;
      std::string url;
      diagnostics ignored;
      if (!st->cl.url_for(r, url, ignored)) st->visited.insert(std::move(url));
    } else {
      r.method = http::verb::get;
      r.path = st->next_link;
      r.verbatim = true;
    }
    // Take what the call needs before `self` (which owns st) is moved into it.
    const client& cl = st->cl;
    diagnostics& diag = st->diag;
    cl.async_send_erased(std::move(r), diag, std::move(self));
  }

  template <class Self>
  void operator()(Self& self, error_code ec, response res) {
    page out;
    if (ec) {
      // The page can be asked for again (a 429 after the retries, a dropped connection).
      out.raw = std::move(res);
      return finish(self, ec, std::move(out));
    }
    ec = read_page(*st, std::move(res), out);
    finish(self, ec, std::move(out));
  }

  template <class Self>
  void post_finish(Self& self, error_code ec, bool owns_pager) {
    completing = true;
    final_ec = ec;
    release = owns_pager;
    auto ex = st->cl.get_executor();
    asio::post(ex, std::move(self));
  }

  template <class Self>
  void finish(Self& self, error_code ec, page out) {
    if (release) st->busy = false;
    self.complete(ec, std::move(out));
  }
};

void start_page(std::shared_ptr<pager::state> st, asio::any_completion_handler<pager::page_signature> handler) {
  auto ex = st->cl.get_executor();
  asio::async_compose<asio::any_completion_handler<pager::page_signature>, pager::page_signature>(
      page_op(std::move(st)), handler, ex);
}

struct all_op {
  std::shared_ptr<pager::state> st;
  json::array items;
  bool started = false;

  template <class Self>
  void operator()(Self& self) {
    if (started) return;
    started = true;
    auto s = st;  // copied before `self`, which owns st, is moved
    start_page(std::move(s), std::move(self));
  }

  template <class Self>
  void operator()(Self& self, error_code ec, page p) {
    for (auto& item : p.items) items.push_back(std::move(item));
    if (ec) return self.complete(ec, std::move(items));
    if (st->finished) return self.complete(error_code{}, std::move(items));
    auto s = st;
    start_page(std::move(s), std::move(self));
  }
};

}  // namespace

pager::pager(client c, request first, pager_options options)
    : st_(std::make_shared<state>(std::move(c), std::move(first), std::move(options))) {}

pager::pager(client c, std::string path, pager_options options)
    : pager(std::move(c), client::make_request(http::verb::get, std::move(path), nullptr), std::move(options)) {}

bool pager::done() const noexcept { return !st_ || st_->finished; }

std::size_t pager::pages_read() const noexcept { return st_ ? st_->pages : 0; }

const diagnostics& pager::diag() const {
  static const diagnostics empty;
  return st_ ? st_->diag : empty;
}

void pager::async_next_page_erased(asio::any_completion_handler<page_signature> handler) {
  if (!st_) throw error(errc::invalid_argument, "async_next_page on an empty arm::pager");
  start_page(st_, std::move(handler));
}

void pager::async_all_erased(asio::any_completion_handler<all_signature> handler) {
  if (!st_) throw error(errc::invalid_argument, "async_all on an empty arm::pager");
  asio::async_compose<asio::any_completion_handler<all_signature>, all_signature>(all_op{st_, {}, false}, handler,
                                                                                 st_->cl.get_executor());
}

page pager::next_page() {
  auto [ec, p] = detail::run_blocking<page>([this](auto handler) { async_next_page_erased(std::move(handler)); });
  throw_on_error(ec, diag());
  return std::move(p);
}

json::array pager::all() {
  auto [ec, items] = detail::run_blocking<json::array>([this](auto handler) { async_all_erased(std::move(handler)); });
  throw_on_error(ec, diag());
  return std::move(items);
}

}  // namespace amlk8s::arm
