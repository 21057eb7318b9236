// The HTTP/1.1 client: one coroutine per request on the client's strand, a pool of keep-alive
// connections per (scheme, host, port). Cancellation, timeouts and shutdown all end a request the
// same way: they close whatever the request is waiting on, so every wait completes at once and the
// coroutine sees why in request_op::aborted.
#include <amlk8s/http/client.hpp>

#include "http/tls.hpp"
#include "http/url.hpp"

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace amlk8s::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using steady = std::chrono::steady_clock;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t header_limit = 64 * 1024;

std::string millis(std::chrono::milliseconds ms) { return std::to_string(ms.count()) + " ms"; }

// One TCP (and maybe TLS) connection. The SSL stream is always there so that both kinds share one
// type; a plain connection only uses its next layer.
struct connection {
  connection(const asio::any_io_executor& ex, asio::ssl::context& ctx) : stream(ex, ctx) {}

  tcp::socket& socket() noexcept { return stream.next_layer(); }
  void close() noexcept {
    error_code ignored;
    socket().close(ignored);
  }

  asio::ssl::stream<tcp::socket> stream;
  beast::flat_buffer buffer;
  bool tls = false;
  steady::time_point idle_since{};
};

struct request_op;

// The connections to one (scheme, host, port).
struct host_pool {
  std::vector<std::shared_ptr<connection>> idle;  // most recently used last
  std::size_t open = 0;                           // connections open or being opened
  std::deque<request_op*> waiters;                // requests waiting for a free connection
};

enum class abort_reason { none, timeout, connect_timeout, cancelled, shutdown };

// What the client knows about one scheme://authority, worked out once and reused by every request
// to it: the parsed URL parts, the proxy to go through, and the pool of connections.
struct origin {
  detail::target_url url;  // `target` unused
  std::optional<detail::proxy_url> proxy;
  host_pool* pool = nullptr;
};

// Hash and equality that accept string views, so that looking an origin up allocates nothing.
struct string_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

// The state of one request. Lives in its coroutine; timers and the cancellation slot only hold weak references.
struct request_op : std::enable_shared_from_this<request_op> {
  request_op(request r, diagnostics& d, sender::handler_type h, body_sink s, bool streamed)
      : req(std::move(r)), diag(&d), handler(std::move(h)), sink(std::move(s)), streaming(streamed) {}

  request req;
  diagnostics* diag;
  sender::handler_type handler;
  body_sink sink;          // receives the body of a streamed request
  bool streaming = false;  // async_send_streaming: the body goes to `sink` as it arrives
  bool unlimited = false;  // past the head of a streamed response: request_timeout no longer applies
  asio::any_completion_executor work;  // keeps the handler's executor from running out of work until completion
  steady::time_point deadline{};  // when request_timeout ends it
  // Made only when needed: a timer costs a lookup under a lock in Asio's service registry, and
  // most requests find an idle connection.
  std::optional<asio::steady_timer> connect_deadline;
  std::optional<asio::steady_timer> wake;  // a condition variable: cancelled on a hand-over or a free slot
  std::optional<tcp::resolver> resolver;
  connection* current = nullptr;  // the connection being opened or used, closed on abort
  host_pool* waiting_in = nullptr;
  std::shared_ptr<connection> handed;
  abort_reason aborted = abort_reason::none;
  const std::string* where = nullptr;  // host:port, for messages
  std::string message;                 // diagnostics::client_message on failure
  bool done = false;
  // Requests in flight, oldest first (and so in deadline order: every request has the same timeout).
  request_op* older = nullptr;
  request_op* newer = nullptr;
};

// Whether every character of a request target may appear in a URI path or query as it is
// (RFC 3986: unreserved, sub-delims, ':', '@', '/', '?', and '%' of percent-encoding).
bool plain_target(std::string_view target) noexcept {
  for (unsigned char c : target) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!ok) {
      switch (c) {
        case '-': case '.': case '_': case '~': case '%': case '!': case '$': case '&': case '\'':
        case '(': case ')': case '*': case '+': case ',': case ';': case '=': case ':': case '@':
        case '/': case '?':
          ok = true;
          break;
        default:
          break;
      }
    }
    if (!ok) return false;
  }
  return true;
}

// Splits an absolute URL into its scheme://authority part and the rest (target, fragment dropped).
bool split_origin(std::string_view url, std::string_view& origin_text, std::string_view& target) noexcept {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return false;
  auto authority_end = url.find_first_of("/?#", scheme_end + 3);
  origin_text = url.substr(0, authority_end);
  target = authority_end == std::string_view::npos ? std::string_view{} : url.substr(authority_end);
  if (auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  return true;
}

// Clears request_op::current when a stage ends, however it ends.
struct current_guard {
  request_op& op;
  ~current_guard() { op.current = nullptr; }
};

bool retry_safe(const request& r) { return r.safe_to_retry.value_or(is_idempotent(r.method)); }

// ---- The I/O thread a client may own ----------------------------------------------------------
//
// Its io_context must outlive everything bound to it: the client's own sockets and timers, and also
// what callers build on client::get_executor() (the retry policy's timers, the send_completion of
// each policy operation, a caller's own timer), which may be destroyed on any thread and after the
// client. So the executor the client hands out counts references to an io_thread_keeper: the thread
// runs while any handle or handed-out executor exists, and the context is destroyed only once the
// last of them is gone and run() has returned, by the thread that dropped it (after joining), or,
// when that is the I/O thread itself (a completion handler dropping the last handle), by the thread
// on its way out, after run() returned. Nothing joins the current thread and no context is
// destroyed while its run() is on the stack.

struct io_thread {
  asio::io_context context{1};
  std::thread thread;
  std::atomic<bool> detached{false};  ///< set (on the thread itself) when its keeper let it go
};

// Detached I/O threads still tearing their context down. A process that returns from main while
// one is half-way through would lose what it was freeing (a sanitizer reports it as a leak), so
// exit waits a little for them: the hook is a static constructed at the first detach, hence
// destroyed before the handlers registered earlier (a leak checker's) run.
class detached_teardowns {
 public:
  static detached_teardowns& instance() {
    static auto* one = new detached_teardowns;  // never destroyed: late threads may still report
    return *one;
  }
  void add() {
    static exit_hook hook;
    std::lock_guard lock(mutex_);
    ++running_;
  }
  void done() {
    std::lock_guard lock(mutex_);
    if (--running_ == 0) idle_.notify_all();
  }

 private:
  struct exit_hook {
    ~exit_hook() {
      auto& t = instance();
      std::unique_lock lock(t.mutex_);
      t.idle_.wait_for(lock, std::chrono::seconds(2), [&] { return t.running_ == 0; });
    }
  };
  std::mutex mutex_;
  std::condition_variable idle_;
  int running_ = 0;
};

class io_thread_keeper {
 public:
  explicit io_thread_keeper(std::shared_ptr<io_thread> t) : thread_(std::move(t)), guard_(thread_->context.get_executor()) {}
  io_thread_keeper(const io_thread_keeper&) = delete;
  io_thread_keeper& operator=(const io_thread_keeper&) = delete;
  ~io_thread_keeper() {
    guard_.reset();  // run() returns once the work in flight is done
    auto& t = thread_->thread;
    if (!t.joinable()) return;
    if (t.get_id() == std::this_thread::get_id()) {
      // The thread function holds the context and destroys it after run() returns; the process
      // waits for that at exit (detached_teardowns).
      detached_teardowns::instance().add();
      thread_->detached.store(true);
      t.detach();
    } else {
      t.join();  // this thread then destroys the context, with thread_
    }
  }

  asio::io_context& context() noexcept { return thread_->context; }
  bool on_thread() const noexcept { return thread_->thread.get_id() == std::this_thread::get_id(); }

 private:
  std::shared_ptr<io_thread> thread_;
  asio::executor_work_guard<asio::io_context::executor_type> guard_;
};

std::shared_ptr<io_thread_keeper> start_io_thread() {
  auto t = std::make_shared<io_thread>();
  auto keeper = std::make_shared<io_thread_keeper>(t);  // the work guard is in place before run()
  t->thread = std::thread([t]() mutable {
    t->context.run();
    const bool detached = t->detached.load();
    t.reset();  // the last reference when detached: the context goes here
    if (detached) detached_teardowns::instance().done();
  });
  return keeper;
}

// An executor of an own thread's context that keeps the context alive: Inner's behaviour, plus a
// reference to the keeper. Every property query, requirement and preference goes to Inner.
template <class Inner>
class kept_executor {
 public:
  kept_executor(Inner inner, std::shared_ptr<io_thread_keeper> keeper) noexcept
      : inner_(std::move(inner)), keeper_(std::move(keeper)) {}

  template <class Property>
    requires asio::can_query<const Inner&, const Property&>::value
  auto query(const Property& p) const noexcept(asio::is_nothrow_query<const Inner&, const Property&>::value)
      -> typename asio::query_result<const Inner&, const Property&>::type {
    return asio::query(inner_, p);
  }

  template <class Property>
    requires asio::can_require<const Inner&, const Property&>::value
  auto require(const Property& p) const
      -> kept_executor<std::decay_t<typename asio::require_result<const Inner&, const Property&>::type>> {
    return {asio::require(inner_, p), keeper_};
  }

  template <class Property>
    requires asio::can_prefer<const Inner&, const Property&>::value
  auto prefer(const Property& p) const
      -> kept_executor<std::decay_t<typename asio::prefer_result<const Inner&, const Property&>::type>> {
    return {asio::prefer(inner_, p), keeper_};
  }

  template <class Function>
  void execute(Function&& f) const {
    inner_.execute(std::forward<Function>(f));
  }

  const Inner& inner() const noexcept { return inner_; }

  friend bool operator==(const kept_executor& a, const kept_executor& b) noexcept { return a.inner_ == b.inner_; }
  friend bool operator!=(const kept_executor& a, const kept_executor& b) noexcept { return !(a == b); }

 private:
  Inner inner_;
  std::shared_ptr<io_thread_keeper> keeper_;
};

using own_executor = kept_executor<asio::io_context::executor_type>;

}  // namespace

class client::impl : public std::enable_shared_from_this<client::impl> {
 public:
  impl(asio::any_io_executor executor, client_options options, std::shared_ptr<io_thread_keeper> keeper)
      : keeper_(std::move(keeper)),
        executor_(keeper_ ? asio::any_io_executor(keeper_->context().get_executor()) : std::move(executor)),
        // One thread runs an own context, so it needs no strand; a caller's executor may have many.
        io_(keeper_ ? executor_ : asio::any_io_executor(asio::make_strand(executor_))),
        executor_default_(executor_),
        options_(std::move(options)),
        tls_(asio::ssl::context::tls_client) {
    if (!options_.proxy) options_.proxy = proxy_settings::from_environment();
    if (options_.max_connections_per_host == 0) options_.max_connections_per_host = 1;
    detail::configure_client_context(tls_, options_);
  }

  // Called once by ~client: ends every request and connection.
  void stop() { asio::post(io_, [self = shared_from_this()] { self->shutdown(); }); }

  // The own thread's keeper (null for a client on a caller's executor). The impl holds one
  // reference for as long as it lives, so its I/O objects (on the bare context) never outlive the
  // context, whichever thread lets go of the impl last.
  const std::shared_ptr<io_thread_keeper>& keeper() const noexcept { return keeper_; }

  // Fulfils `p` when the impl is gone, that is when every request has completed.
  void notify_when_destroyed(std::promise<void>* p) noexcept { destroyed_.promise = p; }

  // What get_executor() hands out: for an own thread, an executor that keeps it alive.
  asio::any_io_executor public_executor() const {
    if (keeper_) return own_executor(keeper_->context().get_executor(), keeper_);
    return executor_;
  }

  const client_options& options() const noexcept { return options_; }

  void start(request req, diagnostics& diag, sender::handler_type handler, body_sink sink = {}, bool streaming = false) {
    // The request may complete, and its handler drop the last handle, before this returns.
    auto self_ref = shared_from_this();
    auto op = std::make_shared<request_op>(std::move(req), diag, std::move(handler), std::move(sink), streaming);
    // The client's own pending operations keep its executor busy; only a handler bound to another
    // executor needs that one kept from running out of work until it is called.
    if (auto handler_ex = asio::get_associated_executor(op->handler, executor_); !is_default(handler_ex))
      op->work = asio::prefer(handler_ex, asio::execution::outstanding_work.tracked);
    auto slot = asio::get_associated_cancellation_slot(op->handler);
    if (slot.is_connected()) {
      slot.assign([weak_op = op->weak_from_this(), weak_self = weak_from_this(), io = io_](asio::cancellation_type type) {
        if ((type & (asio::cancellation_type::terminal | asio::cancellation_type::partial)) == asio::cancellation_type::none)
          return;
        asio::post(io, [weak_op, weak_self] {
          auto self = weak_self.lock();
          auto target = weak_op.lock();
          if (self && target) self->abort(*target, abort_reason::cancelled);
        });
      });
    }
    asio::co_spawn(io_, run(op), [self = shared_from_this(), op](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        op->message = std::string("internal error in the HTTP client: ") + ex.what();
      } catch (...) {
        op->message = "internal error in the HTTP client";
      }
      self->finish(*op, errc::transport_error);
    });
  }

 private:
  asio::awaitable<void> run(std::shared_ptr<request_op> op_ptr) {
    auto self = shared_from_this();
    request_op& op = *op_ptr;
    track(op);
    if (shut_down_) {
      op.message = "the HTTP client was shut down";
      finish(op, errc::cancelled);
      co_return;
    }
    std::string target;
    const origin* o = find_origin(op, target);
    if (!o) co_return;  // finished with the reason
    op.where = &o->url.host_port;
    host_pool& pool = *o->pool;
    const auto& url = o->url;
    const auto& proxy = o->proxy;
    std::string head;
    std::string why;
    if (!encode_head(op.req, url, target, proxy && !url.tls ? &*proxy : nullptr, head, why)) {
      finish_invalid(op, "request.headers", why, "remove the header or fix its name or value");
      co_return;
    }
    bool fresh_only = false;
    for (;;) {
      std::shared_ptr<connection> conn;
      bool reused = false;
      error_code ec = co_await acquire(op, pool, url, proxy ? &*proxy : nullptr, fresh_only, conn, reused);
      if (ec) {
        finish(op, ec);
        co_return;
      }
      response res;
      bool started = false;
      bool keep_alive = false;
      ec = co_await exchange(op, *conn, head, res, started, keep_alive);
      if (!ec) {
        release(pool, std::move(conn), keep_alive);
        finish(op, {}, std::move(res));
        co_return;
      }
      discard(pool, *conn);
      // A kept-alive connection the server had already closed fails before any answer arrives;
      // sending again on a fresh connection is safe when the request may be repeated.
      if (reused && !started && !fresh_only && op.aborted == abort_reason::none && retry_safe(op.req)) {
        fresh_only = true;
        op.message.clear();
        continue;
      }
      finish(op, ec);
      co_return;
    }
  }

  // The origin of `op.req.url`, parsed and checked the first time it is seen, and the request
  // target in `target`. Finishes `op` and returns null when the URL or its proxy is unusable.
  const origin* find_origin(request_op& op, std::string& target) {
    std::string_view origin_text;
    std::string_view rest;
    if (split_origin(op.req.url, origin_text, rest) && plain_target(rest)) {
      if (auto it = origins_.find(origin_text); it != origins_.end()) {
        target = rest.empty() || rest.front() != '/' ? "/" + std::string(rest) : std::string(rest);
        return &it->second;
      }
    }
    std::string why;
    auto url = detail::parse_target_url(op.req.url, why);
    if (!url) {
      finish_invalid(op, "request.url", why, "pass an absolute https:// URL");
      return nullptr;
    }
    if (!url->tls && !options_.allow_insecure_http && !is_loopback_host(url->host)) {
      finish_invalid(op, "client_options.allow_insecure_http",
                     "plain http:// to '" + url->host + "' is refused: it would send credentials unencrypted",
                     "use https://, or set client_options::allow_insecure_http = true for a trusted network");
      return nullptr;
    }
    origin o;
    if (auto chosen = options_.proxy->select(url->scheme, url->host); !chosen.empty()) {
      o.proxy = detail::parse_proxy_url(chosen, why);
      if (!o.proxy) {
        finish_invalid(op, url->tls ? "HTTPS_PROXY" : "HTTP_PROXY", why,
                       "set client_options::proxy, or the variable, to http://host:port");
        return nullptr;
      }
    }
    target = std::move(url->target);
    o.url = std::move(*url);
    o.pool = &pools_[o.url.scheme + "://" + o.url.host_port];
    // Later requests find the origin by the text before their target, when the text splits cleanly.
    std::string key = split_origin(op.req.url, origin_text, rest) && plain_target(rest) ? std::string(origin_text)
                                                                                       : std::string(op.req.url);
    // An origin already known keeps its entry: requests in flight point into it.
    return &origins_.try_emplace(std::move(key), std::move(o)).first->second;
  }

  // Adds `op` to the requests in flight; arms the deadline timer when nothing else has.
  void track(request_op& op) {
    op.older = newest_;
    if (newest_) newest_->newer = &op;
    newest_ = &op;
    if (!oldest_) oldest_ = &op;
    if (options_.request_timeout.count() <= 0) return;
    op.deadline = steady::now() + options_.request_timeout;
    if (!deadline_armed_) arm_deadline(op.deadline);
  }

  void untrack(request_op& op) {
    (op.older ? op.older->newer : oldest_) = op.newer;
    (op.newer ? op.newer->older : newest_) = op.older;
    op.older = op.newer = nullptr;
    // An idle client must leave its executor without work, so that a caller's run() can return.
    if (!oldest_ && deadline_armed_) {
      deadline_armed_ = false;
      deadline_timer_.cancel();
    }
  }

  // One timer serves every request's deadline: requests are kept oldest first, and all share one
  // timeout, so the timer only ever waits for the oldest one.
  void arm_deadline(steady::time_point when) {
    deadline_armed_ = true;
    deadline_timer_.expires_at(when);
    deadline_timer_.async_wait([weak = weak_from_this()](error_code ec) {
      if (auto self = weak.lock(); self && ec != asio::error::operation_aborted) self->on_deadline();
    });
  }

  void on_deadline() {
    deadline_armed_ = false;
    auto now = steady::now();
    request_op* op = oldest_;
    // Streamed responses past their head are skipped: the others keep their deadline order.
    for (; op; op = op->newer) {
      if (op->unlimited) continue;
      if (op->deadline > now) break;
      abort(*op, abort_reason::timeout);
    }
    if (op && !shut_down_) arm_deadline(op->deadline);
  }

  // The request head as it goes on the wire. Written by hand rather than through Beast's serializer,
  // which costs more than the rest of sending a small request; Content-Length frames the body.
  // Returns false, saying why in `why`, for a header that would break the message framing.
  static bool encode_head(const request& r, const detail::target_url& url, const std::string& target,
                          const detail::proxy_url* absolute_via, std::string& head, std::string& why) {
    head.reserve(256 + target.size());
    head.append(to_string(r.method)).append(" ");
    if (absolute_via) head.append(url.scheme).append("://").append(url.host_header);
    head.append(target).append(" HTTP/1.1\r\n");
    if (!r.headers.contains("Host")) head.append("Host: ").append(url.host_header).append("\r\n");
    for (const auto& [name, value] : r.headers) {
      if (iequals(name, "Content-Length") || iequals(name, "Transfer-Encoding")) continue;
      if (name.empty() || name.find_first_of(":\r\n \t") != std::string::npos) {
        why = "header name '" + name + "' is not a valid HTTP field name";
        return false;
      }
      if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
        why = "the value of header '" + name + "' contains a line break";
        return false;
      }
      head.append(name).append(": ").append(value).append("\r\n");
    }
    if (absolute_via && !absolute_via->authorization.empty())
      head.append("Proxy-Authorization: ").append(absolute_via->authorization).append("\r\n");
    if (!r.body.empty() || r.method == verb::put || r.method == verb::post || r.method == verb::patch)
      head.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n");
    head.append("\r\n");
    return true;
  }

  asio::awaitable<error_code> acquire(request_op& op, host_pool& pool, const detail::target_url& url,
                                      const detail::proxy_url* proxy, bool fresh_only,
                                      std::shared_ptr<connection>& out, bool& reused) {
    for (;;) {
      if (op.aborted != abort_reason::none) {
        // This request may have been woken for a free slot it will not use: pass the turn on.
        if (pool.open < options_.max_connections_per_host) wake_one(pool);
        co_return abort_error(op);
      }
      if (!fresh_only) {
        while (!pool.idle.empty()) {
          auto c = std::move(pool.idle.back());
          pool.idle.pop_back();
          if (usable(*c, op.req)) {
            out = std::move(c);
            reused = true;
            co_return error_code{};
          }
          c->close();
          --pool.open;
        }
      }
      if (pool.open < options_.max_connections_per_host) {
        ++pool.open;
        auto c = std::make_shared<connection>(io_, tls_);
        error_code ec = co_await open(op, *c, url, proxy);
        if (ec) {
          c->close();
          --pool.open;
          wake_one(pool);
          co_return ec;
        }
        out = std::move(c);
        reused = false;
        co_return error_code{};
      }
      pool.waiters.push_back(&op);
      op.waiting_in = &pool;
      if (!op.wake) op.wake.emplace(io_);
      op.wake->expires_at(steady::time_point::max());
      co_await op.wake->async_wait(use_tuple);
      if (op.handed) {
        auto c = std::move(op.handed);
        if (op.aborted != abort_reason::none) {
          release(pool, std::move(c), true);
          co_return abort_error(op);
        }
        out = std::move(c);
        reused = true;
        co_return error_code{};
      }
      // Woken because a connection closed and its slot is free, or aborted: look again.
    }
  }

  asio::awaitable<error_code> open(request_op& op, connection& c, const detail::target_url& url,
                                   const detail::proxy_url* proxy) {
    current_guard guard{op};
    op.current = &c;
    const std::string& host = proxy ? proxy->host : url.host;
    std::uint16_t port = proxy ? proxy->port : url.port;
    std::string where = proxy ? "proxy " + host + ":" + std::to_string(port) : url.host_port;
    if (!op.connect_deadline) op.connect_deadline.emplace(io_);
    op.connect_deadline->expires_after(options_.connect_timeout);
    op.connect_deadline->async_wait([this, weak_op = op.weak_from_this()](error_code ec) {
      if (auto o = weak_op.lock(); o && !ec) abort(*o, abort_reason::connect_timeout);
    });

    error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (!ec) {
      auto r = co_await c.socket().async_connect(tcp::endpoint(address, port), use_tuple);
      ec = std::get<0>(r);
    } else {
      op.resolver.emplace(io_);
      std::string service = std::to_string(port);
      auto resolved = co_await op.resolver->async_resolve(host, service, use_tuple);
      op.resolver.reset();
      if (op.aborted != abort_reason::none) co_return abort_error(op);
      if (std::get<0>(resolved)) co_return fail(op, errc::transport_error, "cannot resolve '" + host + "': " + std::get<0>(resolved).message());
      auto r = co_await asio::async_connect(c.socket(), std::get<1>(resolved), use_tuple);
      ec = std::get<0>(r);
    }
    if (op.aborted != abort_reason::none) co_return abort_error(op);
    if (ec) co_return fail(op, errc::transport_error, "cannot connect to " + where + ": " + ec.message());
    error_code ignored;
    c.socket().set_option(tcp::no_delay(true), ignored);
    // Lets usable() peek at an idle connection without blocking.
    c.socket().non_blocking(true, ignored);

    if (proxy && url.tls) {
      ec = co_await tunnel(op, c, url, *proxy, where);
      if (ec) co_return ec;
    }
    if (url.tls) {
      detail::prepare_client_connection(c.stream.native_handle(), url.host, options_.verify_peer,
                                         options_.tls_server_name);
      auto r = co_await c.stream.async_handshake(asio::ssl::stream_base::client, use_tuple);
      if (op.aborted != abort_reason::none) co_return abort_error(op);
      if (std::get<0>(r))
        co_return fail(op, errc::tls_error,
                       detail::describe_handshake_failure(c.stream.native_handle(), std::get<0>(r), url.host_port));
      c.tls = true;
    }
    op.connect_deadline->cancel();
    co_return error_code{};
  }

  asio::awaitable<error_code> tunnel(request_op& op, connection& c, const detail::target_url& url,
                                     const detail::proxy_url& proxy, const std::string& where) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::connect, url.host_port, 11};
    req.set(bhttp::field::host, url.host_port);
    if (!proxy.authorization.empty()) req.set(bhttp::field::proxy_authorization, proxy.authorization);
    auto w = co_await bhttp::async_write(c.socket(), req, use_tuple);
    if (op.aborted != abort_reason::none) co_return abort_error(op);
    if (std::get<0>(w)) co_return fail(op, errc::transport_error, "sending CONNECT to " + where + " failed: " + std::get<0>(w).message());
    bhttp::response_parser<bhttp::empty_body> parser;
    parser.skip(true);  // a 2xx answer to CONNECT has no body: the tunnel starts right after the header
    auto r = co_await bhttp::async_read(c.socket(), c.buffer, parser, use_tuple);
    if (op.aborted != abort_reason::none) co_return abort_error(op);
    if (std::get<0>(r))
      co_return fail(op, errc::transport_error, "reading the answer to CONNECT from " + where + " failed: " + std::get<0>(r).message());
    auto status = parser.get().result_int();
    if (status < 200 || status > 299)
      co_return fail(op, errc::transport_error,
                     where + " refused to open a tunnel to " + url.host_port + ": HTTP " + std::to_string(status) + " " +
                         std::string(parser.get().reason()));
    if (c.buffer.size() != 0)
      co_return fail(op, errc::protocol_error, where + " sent data into the tunnel before the TLS handshake");
    co_return error_code{};
  }

  asio::awaitable<error_code> exchange(request_op& op, connection& c, const std::string& head,
                                       response& out, bool& started, bool& keep_alive) {
    current_guard guard{op};
    op.current = &c;
    std::tuple<error_code, std::size_t> w;
    std::array<asio::const_buffer, 2> wire{asio::buffer(head), asio::buffer(op.req.body)};
    if (c.tls) {
      // TLS writes one buffer per record: a small body goes in the same record as the head.
      if (op.req.body.size() <= 16 * 1024) {
        std::string joined;
        joined.reserve(head.size() + op.req.body.size());
        joined.append(head).append(op.req.body);
        w = co_await asio::async_write(c.stream, asio::buffer(joined), use_tuple);
      } else {
        w = co_await asio::async_write(c.stream, wire, use_tuple);
      }
    } else {
      w = co_await asio::async_write(c.socket(), wire, use_tuple);
    }
    if (op.aborted != abort_reason::none) co_return abort_error(op);
    if (std::get<0>(w))
      co_return fail(op, errc::transport_error, "sending the request to " + where(op) + " failed: " + std::get<0>(w).message());
    if (op.streaming) co_return co_await read_streamed(op, c, out, started, keep_alive);
    for (;;) {
      bhttp::response_parser<bhttp::string_body> parser;
      parser.header_limit(header_limit);
      parser.body_limit(options_.max_response_body);
      if (op.req.method == verb::head) parser.skip(true);
      std::tuple<error_code, std::size_t> r;
      if (c.tls)
        r = co_await bhttp::async_read(c.stream, c.buffer, parser, use_tuple);
      else
        r = co_await bhttp::async_read(c.socket(), c.buffer, parser, use_tuple);
      started = started || parser.got_some();
      if (op.aborted != abort_reason::none) co_return abort_error(op);
      if (auto ec = std::get<0>(r)) co_return read_failure(op, ec, parser, started, 0);
      auto& res = parser.get();
      int status = res.result_int();
      if (status >= 100 && status < 200 && status != 101) continue;  // interim answer; the real one follows
      keep_alive = parser.keep_alive();
      out.status = status;
      out.reason = std::string(res.reason());
      for (const auto& field : res) out.headers.add(std::string(field.name_string()), std::string(field.value()));
      out.body = std::move(res.body());
      co_return error_code{};
    }
  }

  // The answer to a streamed request: the head, then the body into op.sink piece by piece as it is
  // read, with no limit on its size. Chunked framing is undone by the parser; pieces do not follow
  // chunk boundaries.
  asio::awaitable<error_code> read_streamed(request_op& op, connection& c, response& out, bool& started, bool& keep_alive) {
    for (;;) {
      bhttp::response_parser<bhttp::buffer_body> parser;
      parser.header_limit(header_limit);
      parser.body_limit(boost::none);
      if (op.req.method == verb::head) parser.skip(true);
      std::tuple<error_code, std::size_t> r;
      if (c.tls)
        r = co_await bhttp::async_read_header(c.stream, c.buffer, parser, use_tuple);
      else
        r = co_await bhttp::async_read_header(c.socket(), c.buffer, parser, use_tuple);
      started = started || parser.got_some();
      if (op.aborted != abort_reason::none) co_return abort_error(op);
      if (auto ec = std::get<0>(r)) co_return read_failure(op, ec, parser, started, 0);
      auto& res = parser.get();
      int status = res.result_int();
      if (status >= 100 && status < 200 && status != 101) continue;  // interim answer; the real one follows
      keep_alive = parser.keep_alive();
      out.status = status;
      out.reason = std::string(res.reason());
      for (const auto& field : res) out.headers.add(std::string(field.name_string()), std::string(field.value()));
      op.unlimited = true;
      if (op.sink) op.sink(out, {});
      std::array<char, 16 * 1024> piece;
      std::size_t streamed = 0;
      while (!parser.is_done()) {
        res.body().data = piece.data();
        res.body().size = piece.size();
        if (c.tls)
          r = co_await bhttp::async_read_some(c.stream, c.buffer, parser, use_tuple);
        else
          r = co_await bhttp::async_read_some(c.socket(), c.buffer, parser, use_tuple);
        if (op.aborted != abort_reason::none) co_return abort_error(op);
        auto ec = std::get<0>(r);
        if (ec == bhttp::error::need_buffer) ec = {};  // the piece is full: hand it over, read on
        std::size_t n = piece.size() - res.body().size;
        streamed += n;
        if (n > 0 && op.sink) op.sink(out, std::string_view(piece.data(), n));
        if (ec) co_return read_failure(op, ec, parser, started, streamed);
      }
      keep_alive = parser.keep_alive();
      co_return error_code{};
    }
  }

  template <class Body>
  error_code read_failure(request_op& op, error_code ec, bhttp::response_parser<Body>& parser, bool started,
                          std::size_t streamed) {
    std::string low = " (" + ec.message() + ")";
    if (ec == bhttp::error::body_limit)
      return fail(op, errc::protocol_error,
                  "the response from " + where(op) + " is larger than client_options::max_response_body (" +
                      std::to_string(options_.max_response_body) + " bytes)");
    if (ec == bhttp::error::header_limit)
      return fail(op, errc::protocol_error, "the response header from " + where(op) + " is larger than 64 KiB");
    bool closed = ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message || ec == asio::error::eof ||
                  ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated;
    if (closed && !started)
      return fail(op, errc::transport_error, "the server " + where(op) + " closed the connection before answering" + low);
    if (closed) {
      std::string text = "the connection to " + where(op) + " closed before the response was complete";
      if (parser.is_header_done()) {
        std::size_t got = streamed;
        if constexpr (std::is_same_v<Body, bhttp::string_body>) got = parser.get().body().size();
        text += ": got " + std::to_string(got) + " body bytes";
        if (auto length = parser.get().find(bhttp::field::content_length); length != parser.get().end())
          text += " of " + std::string(length->value());
      }
      return fail(op, errc::transport_error, text + low);
    }
    if (ec.category() == bhttp::make_error_code(bhttp::error::need_more).category())
      return fail(op, errc::protocol_error, "malformed response from " + where(op) + low);
    return fail(op, errc::transport_error, "reading the response from " + where(op) + " failed" + low);
  }

  // Whether an idle connection may carry `req`. A server that closed an idle connection has left
  // EOF (or a reset) to read, which a peek finds; the peek costs a system call, so it is skipped for
  // a connection used a moment ago when the request could simply be re-sent if it was closed anyway.
  bool usable(connection& c, const request& req) const {
    if (!c.socket().is_open() || c.buffer.size() != 0) return false;
    auto idle = steady::now() - c.idle_since;
    if (idle > options_.idle_timeout) return false;
    if (idle < std::chrono::seconds(1) && retry_safe(req)) return true;
    char byte = 0;
    error_code ec;
    auto n = c.socket().receive(asio::buffer(&byte, 1), tcp::socket::message_peek, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) return true;
    // Bytes on an idle TLS connection may be a session ticket; on plain HTTP they break the protocol.
    return !ec && n > 0 && c.tls;
  }

  void release(host_pool& pool, std::shared_ptr<connection> c, bool keep_alive) {
    if (!keep_alive || shut_down_ || !c->socket().is_open() || c->buffer.size() != 0) {
      discard(pool, *c);
      return;
    }
    c->idle_since = steady::now();
    if (!pool.waiters.empty()) {
      request_op* next = pool.waiters.front();
      pool.waiters.pop_front();
      next->waiting_in = nullptr;
      next->handed = std::move(c);
      next->wake->cancel();
      return;
    }
    pool.idle.push_back(std::move(c));
  }

  void discard(host_pool& pool, connection& c) {
    c.close();
    --pool.open;
    wake_one(pool);
  }

  static void wake_one(host_pool& pool) {
    if (pool.waiters.empty()) return;
    request_op* next = pool.waiters.front();
    pool.waiters.pop_front();
    next->waiting_in = nullptr;
    next->wake->cancel();
  }

  void abort(request_op& op, abort_reason why) {
    if (op.done || op.aborted != abort_reason::none) return;
    op.aborted = why;
    if (op.resolver) op.resolver->cancel();
    if (op.current) op.current->close();
    if (op.waiting_in) {
      std::erase(op.waiting_in->waiters, &op);
      op.waiting_in = nullptr;
    }
    if (op.wake) op.wake->cancel();
    if (op.connect_deadline) op.connect_deadline->cancel();
  }

  error_code abort_error(request_op& op) {
    switch (op.aborted) {
      case abort_reason::timeout:
        op.message = "the request to " + where(op) + " did not complete within client_options::request_timeout (" +
                     millis(options_.request_timeout) + ")";
        return errc::timeout;
      case abort_reason::connect_timeout:
        op.message = "connecting to " + where(op) + " took longer than client_options::connect_timeout (" +
                     millis(options_.connect_timeout) + ")";
        return errc::timeout;
      case abort_reason::shutdown:
        op.message = "the HTTP client was destroyed while the request was in flight";
        return errc::cancelled;
      case abort_reason::cancelled:
      case abort_reason::none:
        break;
    }
    op.message = "the request to " + where(op) + " was cancelled";
    return errc::cancelled;
  }

  static const std::string& where(const request_op& op) {
    static const std::string unknown = "the server";
    return op.where ? *op.where : unknown;
  }

  static error_code fail(request_op& op, errc code, std::string text) {
    op.message = std::move(text);
    return code;
  }

  void finish_invalid(request_op& op, std::string field, std::string message, std::string fix) {
    op.message = "the request was refused before sending";
    op.diag->validation.push_back({std::move(field), std::move(message), std::move(fix)});
    finish(op, errc::invalid_argument);
  }

  void finish(request_op& op, error_code ec, response res = {}) {
    if (op.done) return;
    op.done = true;
    untrack(op);
    if (op.connect_deadline) op.connect_deadline->cancel();
    if (op.wake) op.wake->cancel();
    if (ec) op.diag->client_message = std::move(op.message);
    if (auto slot = asio::get_associated_cancellation_slot(op.handler); slot.is_connected()) slot.clear();
    auto ex = asio::get_associated_executor(op.handler, executor_);
    asio::dispatch(ex, [handler = std::move(op.handler), ec, res = std::move(res), work = std::move(op.work)]() mutable {
      std::move(handler)(ec, std::move(res));
    });
  }

  void shutdown() {
    shut_down_ = true;
    for (request_op* op = oldest_; op; op = op->newer) abort(*op, abort_reason::shutdown);
    deadline_timer_.cancel();
    for (auto& [key, pool] : pools_) {
      for (auto& c : pool.idle) {
        c->close();
        --pool.open;
      }
      pool.idle.clear();
    }
  }

  // True for the executor handlers run on by default, however it was wrapped on the way.
  bool is_default(const asio::any_completion_executor& ex) const noexcept {
    if (ex == executor_default_) return true;
    const auto* kept = ex.target<own_executor>();
    return kept && keeper_context_ && &kept->inner().context() == keeper_context_;
  }

  // Fulfils the promise ~client waits on, after every other member is gone (declared first).
  struct destroyed_notice {
    std::promise<void>* promise = nullptr;
    ~destroyed_notice() {
      if (promise) promise->set_value();
    }
  } destroyed_;
  std::shared_ptr<io_thread_keeper> keeper_;  // keeps an own thread's context alive (see keeper())
  asio::io_context* keeper_context_ = keeper_ ? &keeper_->context() : nullptr;
  asio::any_io_executor executor_;  // where completion handlers run by default
  asio::any_io_executor io_;        // where the client's own work runs (a strand unless the context is own)
  asio::any_completion_executor executor_default_;  // executor_, as handlers report it
  client_options options_;
  asio::ssl::context tls_;
  std::unordered_map<std::string, host_pool> pools_;
  std::unordered_map<std::string, origin, string_hash, std::equal_to<>> origins_;
  request_op* oldest_ = nullptr;
  request_op* newest_ = nullptr;
  asio::steady_timer deadline_timer_{io_};
  bool deadline_armed_ = false;
  bool shut_down_ = false;
};

client::client(client_options options)
    : impl_(std::make_shared<impl>(asio::any_io_executor{}, std::move(options), start_io_thread())) {}

client::client(boost::asio::any_io_executor executor, client_options options)
    : impl_(std::make_shared<impl>(std::move(executor), std::move(options), nullptr)) {}

client::~client() {
  auto keeper = impl_->keeper();
  // From another thread, wait until every request has completed and the impl is gone, as joining
  // the thread used to ensure. From the client's own thread (a completion handler dropping the
  // last handle) that would wait for itself: the requests end after the handler returns.
  std::promise<void> destroyed;
  auto done = destroyed.get_future();
  bool wait = keeper && !keeper->on_thread();
  if (wait) impl_->notify_when_destroyed(&destroyed);
  impl_->stop();
  impl_.reset();
  if (wait) done.wait();
  // `keeper` goes last: without other references it ends the thread (see io_thread_keeper).
}

boost::asio::any_io_executor client::get_executor() { return impl_->public_executor(); }

void client::async_send_erased(request req, diagnostics& diag, handler_type handler) {
  impl_->start(std::move(req), diag, std::move(handler));
}

void client::async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) {
  impl_->start(std::move(req), diag, std::move(handler), std::move(sink), true);
}

response client::send(request req, error_code& ec, diagnostics& diag) {
  std::promise<std::pair<error_code, response>> done;
  auto result = done.get_future();
  async_send_erased(std::move(req), diag,
                    [&done](error_code e, response r) { done.set_value({e, std::move(r)}); });
  auto [e, r] = result.get();
  ec = e;
  return std::move(r);
}

response client::send(request req) {
  error_code ec;
  diagnostics diag;
  auto res = send(std::move(req), ec, diag);
  throw_on_error(ec, diag);
  return res;
}

const client_options& client::options() const noexcept { return impl_->options(); }

}  // namespace amlk8s::http
