// One coroutine per connection, each on its own strand; the handler is awaited through a responder
// that may be completed from any thread. A streamed answer (a watch) is written by the same
// coroutine, which sleeps on a timer that the stream's readiness cancels, while a second one on the
// strand reads the socket only to notice the client leaving.
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/redact.hpp>
#include <amlk8s/local/http_server.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <array>
#include <atomic>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace amlk8s::local {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t chunk_size = 4096;

std::optional<http::verb> from_beast(bhttp::verb v) {
  switch (v) {
    case bhttp::verb::get: return http::verb::get;
    case bhttp::verb::head: return http::verb::head;
    case bhttp::verb::put: return http::verb::put;
    case bhttp::verb::post: return http::verb::post;
    case bhttp::verb::patch: return http::verb::patch;
    case bhttp::verb::delete_: return http::verb::delete_;
    default: return std::nullopt;
  }
}

// The origin form of a request target: absolute-form targets ("http://host/path") lose scheme and authority.
std::string origin_form(std::string_view target) {
  for (std::string_view scheme : {"http://", "https://"}) {
    if (target.size() >= scheme.size() && http::iequals(target.substr(0, scheme.size()), scheme)) {
      auto slash = target.find('/', scheme.size());
      return slash == std::string_view::npos ? "/" : std::string(target.substr(slash));
    }
  }
  return std::string(target);
}

http::response plain_answer(int status, std::string code, std::string message) {
  http::response res;
  res.status = status;
  res.headers.set("Content-Type", "application/json");
  res.body = R"({"error":{"code":")" + code + R"(","message":")" + message + R"("}})";
  return res;
}

// Appends `piece` to `out` as one chunk of a chunked body (RFC 9112 §7.1).
void append_chunk(std::string& out, std::string_view piece) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string size;
  for (auto n = piece.size(); n > 0; n /= 16) size.insert(size.begin(), hex[n % 16]);
  out.append(size).append("\r\n").append(piece).append("\r\n");
}
constexpr std::string_view last_chunk = "0\r\n\r\n";

struct session {
  session(tcp::socket socket, asio::ssl::context& ctx, bool use_tls, std::uint64_t session_id)
      : stream(std::move(socket), ctx),
        idle_timer(stream.get_executor()),
        delay_timer(stream.get_executor()),
        wake_timer(stream.get_executor()),
        tls(use_tls),
        id(session_id) {}

  tcp::socket& socket() noexcept { return stream.next_layer(); }
  // Runs on the session's strand.
  void close() noexcept {
    closed = true;
    error_code ignored;
    socket().close(ignored);
    idle_timer.cancel();
    delay_timer.cancel();
    wake_timer.cancel();
  }

  asio::ssl::stream<tcp::socket> stream;
  beast::flat_buffer buffer;
  asio::steady_timer idle_timer;
  asio::steady_timer delay_timer;
  asio::steady_timer wake_timer;  // a streamed body waits on it; the stream's readiness cancels it
  bool body_ready = false;        // the stream said poll() may have more since the last poll()
  bool tls;
  bool closed = false;
  std::uint64_t id;
  std::string server_name;  // SNI
};

}  // namespace

namespace detail {
// What a handler answered: a whole response, or a head and the stream of its body.
struct server_answer {
  http::response response;
  std::unique_ptr<body_stream> body;
};
}  // namespace detail

struct responder::state {
  asio::any_completion_handler<void(detail::server_answer)> handler;
  asio::any_io_executor executor;  // the session's strand
};

responder::responder(std::unique_ptr<state> s) noexcept : state_(std::move(s)) {}
responder::responder(responder&&) noexcept = default;
responder& responder::operator=(responder&& other) noexcept {
  if (this != &other) {
    if (state_) send(plain_answer(500, "InternalError", "the handler dropped its responder"));
    state_ = std::move(other.state_);
  }
  return *this;
}
responder::~responder() {
  if (state_) send(plain_answer(500, "InternalError", "the handler dropped its responder"));
}

void responder::send(http::response res) {
  if (!state_) return;
  auto s = std::move(state_);
  // Always through the strand: the handler may answer from another thread, or from inside the call
  // that handed it the request, and the session's coroutine must resume on its own strand either way.
  asio::post(s->executor, [handler = std::move(s->handler), r = std::move(res)]() mutable {
    std::move(handler)(detail::server_answer{std::move(r), nullptr});
  });
}

void responder::stream(http::response head, std::unique_ptr<body_stream> body) {
  if (!body) {
    send(std::move(head));
    return;
  }
  if (!state_) return;
  auto s = std::move(state_);
  head.body.clear();
  asio::post(s->executor, [handler = std::move(s->handler), r = std::move(head), b = std::move(body)]() mutable {
    std::move(handler)(detail::server_answer{std::move(r), std::move(b)});
  });
}

request_handler synchronous(std::function<http::response(const server_request&)> fn) {
  return [fn = std::move(fn)](server_request req, responder res) { res.send(fn(req)); };
}

class http_server::impl : public std::enable_shared_from_this<http_server::impl> {
 public:
  impl(server_options options, request_handler handler)
      : options_(std::move(options)),
        io_(static_cast<int>(options_.threads == 0 ? 1 : options_.threads)),
        acceptor_(asio::make_strand(io_)),
        tls_(asio::ssl::context::tls_server),
        handler_(std::move(handler)),
        faults_(options_.faults) {
    error_code ec;
    auto address = asio::ip::make_address(options_.address, ec);
    if (ec || !address.is_loopback())
      throw error(errc::invalid_argument, "server_options.address: '" + options_.address +
                                              "' is not a loopback address; the local server only listens on loopback "
                                              "(use 127.0.0.1 or ::1)");
    if (options_.tls) {
      SSL_CTX_set_min_proto_version(tls_.native_handle(), TLS1_2_VERSION);
      tls_.use_certificate_chain(asio::buffer(options_.tls->certificate_chain_pem), ec);
      if (!ec) tls_.use_private_key(asio::buffer(options_.tls->private_key_pem), asio::ssl::context::pem, ec);
      if (ec) throw error(errc::invalid_argument, "server_options.tls: unusable certificate or key: " + ec.message());
    }
    tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
      throw error(errc::transport_error, "cannot listen on " + options_.address + ":" + std::to_string(options_.port) +
                                             ": " + ec.message());
    port_ = acceptor_.local_endpoint().port();
    auto host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    url_ = (options_.tls ? "https://" : "http://") + host + ":" + std::to_string(port_);
  }

  void start() {
    guard_.emplace(io_.get_executor());
    asio::co_spawn(acceptor_.get_executor(), accept_loop(shared_from_this()), asio::detached);
    for (std::size_t i = 0; i < std::max<std::size_t>(options_.threads, 1); ++i)
      threads_.emplace_back([self = shared_from_this()] { self->io_.run(); });
  }

  void stop() {
    std::lock_guard stop_lock(stop_mutex_);
    if (!stopped_.exchange(true)) {
      asio::post(acceptor_.get_executor(), [self = shared_from_this()] {
        error_code ignored;
        self->acceptor_.close(ignored);
      });
      close_connections();
      guard_.reset();
    }
    for (auto& t : threads_) {
      if (!t.joinable()) continue;
      if (t.get_id() == std::this_thread::get_id())
        t.detach();  // stopped from a handler on this server: the other threads still finish
      else
        t.join();
    }
    threads_.clear();
  }

  void close_connections() {
    std::vector<std::shared_ptr<session>> open;
    {
      std::lock_guard lock(sessions_mutex_);
      for (auto& [id, weak] : sessions_)
        if (auto s = weak.lock()) open.push_back(std::move(s));
    }
    for (auto& s : open) asio::post(s->stream.get_executor(), [s] { s->close(); });
  }

  std::uint16_t port() const noexcept { return port_; }
  const std::string& url() const noexcept { return url_; }
  void set_faults(fault_plan plan) { faults_.reset(std::move(plan)); }
  fault_plan faults() const { return faults_.plan(); }

  server_stats stats() const {
    server_stats s;
    s.connections_accepted = accepted_.load();
    s.open_connections = open_.load();
    s.max_open_connections = max_open_.load();
    s.requests = requests_.load();
    return s;
  }

 private:
  asio::awaitable<void> accept_loop(std::shared_ptr<impl> self) {
    for (;;) {
      auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), use_tuple);
      if (stopped_ || !acceptor_.is_open()) co_return;
      if (ec) {
        // Out of descriptors, say: wait a moment instead of spinning on the same error.
        asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(20));
        co_await pause.async_wait(use_tuple);
        continue;
      }
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      auto id = ++accepted_;
      auto now_open = ++open_;
      for (auto seen = max_open_.load(); now_open > seen && !max_open_.compare_exchange_weak(seen, now_open);) {
      }
      auto s = std::make_shared<session>(std::move(socket), tls_, options_.tls.has_value(), id);
      {
        std::lock_guard lock(sessions_mutex_);
        sessions_[id] = s;
      }
      if (stopped_) s->close();
      asio::co_spawn(s->stream.get_executor(), serve(self, s), asio::detached);
    }
  }

  void arm_idle_timer(const std::shared_ptr<session>& s) {
    s->idle_timer.expires_after(options_.idle_timeout);
    s->idle_timer.async_wait([weak = std::weak_ptr<session>(s)](error_code ec) {
      if (auto live = weak.lock(); live && !ec) live->close();
    });
  }

  // `self` keeps the server alive for as long as the connection is served.
  asio::awaitable<void> serve([[maybe_unused]] std::shared_ptr<impl> self, std::shared_ptr<session> s) {
    co_await serve_requests(s);
    s->close();
    --open_;
    std::lock_guard lock(sessions_mutex_);
    sessions_.erase(s->id);
  }

  asio::awaitable<void> serve_requests(const std::shared_ptr<session>& sp) {
    session& s = *sp;
    if (s.tls) {
      arm_idle_timer(sp);
      auto handshake = co_await s.stream.async_handshake(asio::ssl::stream_base::server, use_tuple);
      if (std::get<0>(handshake) || s.closed) co_return;
      if (const char* name = SSL_get_servername(s.stream.native_handle(), TLSEXT_NAMETYPE_host_name)) s.server_name = name;
    }
    for (std::uint64_t sequence = 1;; ++sequence) {
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(64 * 1024);
      parser.body_limit(options_.max_request_body);
      arm_idle_timer(sp);
      std::tuple<error_code, std::size_t> read;
      if (s.tls)
        read = co_await bhttp::async_read(s.stream, s.buffer, parser, use_tuple);
      else
        read = co_await bhttp::async_read(s.socket(), s.buffer, parser, use_tuple);
      s.idle_timer.cancel();
      if (s.closed) co_return;
      if (auto ec = std::get<0>(read)) {
        if (ec == bhttp::error::body_limit)
          co_await write_response(s, plain_answer(413, "RequestEntityTooLarge", "the request body is too large"),
                                  false, false, false);
        co_return;
      }
      ++requests_;
      const auto started = std::chrono::steady_clock::now();
      auto& msg = parser.get();
      bool keep_alive = msg.keep_alive();
      bool head = msg.method() == bhttp::verb::head;
      auto method = from_beast(msg.method());
      server_request req;
      req.connection_id = s.id;
      req.sequence = sequence;
      req.tls = s.tls;
      req.server_name = s.server_name;
      req.message.url = origin_form(msg.target());
      for (const auto& field : msg) req.message.headers.add(std::string(field.name_string()), std::string(field.value()));
      req.message.body = std::move(msg.body());
      // What the request log needs, kept before the request moves into the handler.
      std::string logged_method;
      std::string logged_url;
      if (options_.on_request) {
        logged_method = std::string(msg.method_string());
        logged_url = req.message.url;
      }
      auto log = [&](int status, const http::response* res) {
        if (!options_.on_request) return;
        request_log_entry entry;
        entry.method = std::move(logged_method);
        entry.target = redact_url(logged_url);
        entry.status = status;
        entry.duration =
            std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
        if (res != nullptr)
          if (const auto id = res->headers.get("x-ms-request-id")) entry.request_id = std::string(*id);
        try {
          options_.on_request(entry);
        } catch (...) {
          // A failing log receiver must not take the connection down.
        }
      };

      auto decision = faults_.decide(req.message.url);
      if (decision.latency.count() > 0) {
        s.delay_timer.expires_after(decision.latency);
        co_await s.delay_timer.async_wait(use_tuple);
        if (s.closed) co_return;
      }
      http::response res;
      std::unique_ptr<body_stream> body;
      auto retry_after = std::to_string(decision.retry_after.count());
      switch (decision.kind) {
        case fault_kind::drop:
          log(0, nullptr);
          co_return;
        case fault_kind::throttle:
          res = plain_answer(429, "TooManyRequests", "throttled by fault injection");
          res.headers.set("Retry-After", retry_after);
          break;
        case fault_kind::unavailable:
          res = plain_answer(503, "ServiceUnavailable", "unavailable by fault injection");
          res.headers.set("Retry-After", retry_after);
          break;
        case fault_kind::server_error:
          res = plain_answer(500, "InternalServerError", "error by fault injection");
          break;
        case fault_kind::none:
        case fault_kind::truncate:
          if (!method) {
            res = plain_answer(501, "NotImplemented", "method not supported by the local server");
            keep_alive = false;
          } else {
            req.message.method = *method;
            auto answer = co_await call_handler(s, std::move(req));
            res = std::move(answer.response);
            body = std::move(answer.body);
          }
          break;
      }
      if (s.closed) co_return;
      log(res.status, &res);
      bool truncate_stream = decision.kind == fault_kind::truncate;
      if (body && !head && !truncate_stream) {
        co_await write_stream(sp, std::move(res), std::move(body));
        co_return;  // a streamed body is the connection's last answer
      }
      if (body) {
        // HEAD of a watch, or a truncation fault: the head alone, then the connection closes.
        body.reset();
        keep_alive = false;
      }
      if (auto c = res.headers.get("Connection"); c && http::iequals(*c, "close")) keep_alive = false;
      bool truncate = decision.kind == fault_kind::truncate;
      bool written = co_await write_response(s, std::move(res), head, keep_alive && !truncate, truncate);
      if (!written || !keep_alive || truncate) co_return;
    }
  }

  asio::awaitable<detail::server_answer> call_handler(session& s, server_request req) {
    auto executor = s.stream.get_executor();
    // A named initiation: GCC 12 destroys a capturing lambda twice when it is a temporary inside a
    // co_await expression.
    auto initiation = [this, executor, &req](auto handler) {
      // Constructed in place: Boost 1.81's any_completion_handler move assignment recurses forever.
      auto st = std::make_unique<responder::state>(responder::state{std::move(handler), executor});
      try {
        handler_(std::move(req), responder(std::move(st)));
      } catch (...) {
        // The responder, destroyed while unwinding, has already answered 500.
      }
    };
    auto res = co_await asio::async_initiate<decltype(asio::use_awaitable), void(detail::server_answer)>(
        std::move(initiation), asio::use_awaitable);
    co_return res;
  }

  // `buffers` by value: a coroutine keeps its parameters, not the caller's temporaries.
  template <class Buffers>
  static asio::awaitable<bool> write_raw(session& s, Buffers buffers) {
    std::tuple<error_code, std::size_t> w;
    if (s.tls)
      w = co_await asio::async_write(s.stream, buffers, use_tuple);
    else
      w = co_await asio::async_write(s.socket(), buffers, use_tuple);
    co_return !std::get<0>(w) && !s.closed;
  }

  // Reads (and drops) whatever the client sends while a body streams, only to see it leave: then
  // the session closes and the streaming coroutine wakes up and ends.
  static asio::awaitable<void> watch_for_hangup(std::shared_ptr<session> sp) {
    session& s = *sp;
    std::array<char, 512> scratch;
    for (;;) {
      std::tuple<error_code, std::size_t> r;
      if (s.tls)
        r = co_await s.stream.async_read_some(asio::buffer(scratch), use_tuple);
      else
        r = co_await s.socket().async_read_some(asio::buffer(scratch), use_tuple);
      if (std::get<0>(r) || s.closed) break;
    }
    s.close();
  }

  // Writes a streamed answer: the head, then each piece as the stream has it, until it is finished,
  // its time limit passes or the client leaves; then the last chunk, and the connection closes.
  static asio::awaitable<void> write_stream(std::shared_ptr<session> sp, http::response res,
                                            std::unique_ptr<body_stream> body) {
    using steady = std::chrono::steady_clock;
    session& s = *sp;
    bhttp::response<bhttp::empty_body> header{static_cast<bhttp::status>(res.status), 11};
    fill(header, res, false);
    header.chunked(true);
    bhttp::response_serializer<bhttp::empty_body> serializer{header};
    std::tuple<error_code, std::size_t> w;
    if (s.tls)
      w = co_await bhttp::async_write_header(s.stream, serializer, use_tuple);
    else
      w = co_await bhttp::async_write_header(s.socket(), serializer, use_tuple);
    if (std::get<0>(w) || s.closed) co_return;

    auto strand = s.stream.get_executor();
    s.body_ready = true;
    // The stream may call this from any thread until it is destroyed, which happens below, before
    // the session can go: the session is only looked at on its strand.
    body->on_ready([weak = std::weak_ptr<session>(sp), strand] {
      asio::post(strand, [weak] {
        if (auto live = weak.lock()) {
          live->body_ready = true;
          live->wake_timer.cancel();
        }
      });
    });
    asio::co_spawn(strand, watch_for_hangup(sp), asio::detached);

    const auto started = steady::now();
    std::optional<steady::time_point> deadline;
    if (auto limit = body->time_limit()) deadline = started + *limit;
    const auto idle_every = body->idle_interval();
    auto next_idle = started + idle_every;
    bool complete = false;
    for (;;) {
      if (s.closed) break;
      s.body_ready = false;
      auto pieces = body->poll();
      bool done = body->finished();
      std::string chunks;
      for (const auto& piece : pieces)
        if (!piece.empty()) append_chunk(chunks, piece);
      if (!chunks.empty()) {
        bool written = co_await write_raw(s, asio::buffer(chunks));
        if (!written) break;
        next_idle = steady::now() + idle_every;
      }
      auto now = steady::now();
      if (done || (deadline && now >= *deadline)) {
        complete = true;
        break;
      }
      if (s.body_ready) continue;  // more came while writing
      if (now >= next_idle) {
        if (auto piece = body->idle_piece(); piece && !piece->empty()) {
          std::string chunk;
          append_chunk(chunk, *piece);
          bool written = co_await write_raw(s, asio::buffer(chunk));
          if (!written) break;
        }
        next_idle = steady::now() + idle_every;
        continue;
      }
      s.wake_timer.expires_at(deadline && *deadline < next_idle ? *deadline : next_idle);
      co_await s.wake_timer.async_wait(use_tuple);
    }
    body.reset();  // unsubscribes: no more readiness calls
    if (complete && !s.closed) {
      auto end = write_raw(s, asio::buffer(last_chunk.data(), last_chunk.size()));
      co_await std::move(end);
    }
    s.close();
  }

  template <class Body>
  static void fill(bhttp::response<Body>& out, const http::response& res, bool keep_alive) {
    if (!res.reason.empty()) out.reason(res.reason);
    for (const auto& [name, value] : res.headers) {
      if (http::iequals(name, "Content-Length") || http::iequals(name, "Transfer-Encoding") ||
          http::iequals(name, "Connection"))
        continue;
      out.insert(name, value);
    }
    out.keep_alive(keep_alive);
  }

  template <class Message>
  static asio::awaitable<bool> write_message(session& s, Message& message) {
    std::tuple<error_code, std::size_t> w;
    if (s.tls)
      w = co_await bhttp::async_write(s.stream, message, use_tuple);
    else
      w = co_await bhttp::async_write(s.socket(), message, use_tuple);
    co_return !std::get<0>(w) && !s.closed;
  }

  // Writes `res`; `truncate` announces the whole body but sends half of it (the caller then closes).
  static asio::awaitable<bool> write_response(session& s, http::response res, bool head, bool keep_alive, bool truncate) {
    auto status = static_cast<bhttp::status>(res.status);
    auto te = res.headers.get("Transfer-Encoding");
    if (te && http::iequals(*te, "chunked") && !head && !truncate) {
      bhttp::response<bhttp::empty_body> header{status, 11};
      fill(header, res, keep_alive);
      header.chunked(true);
      bhttp::response_serializer<bhttp::empty_body> serializer{header};
      std::tuple<error_code, std::size_t> w;
      if (s.tls)
        w = co_await bhttp::async_write_header(s.stream, serializer, use_tuple);
      else
        w = co_await bhttp::async_write_header(s.socket(), serializer, use_tuple);
      if (std::get<0>(w) || s.closed) co_return false;
      std::string chunks;
      for (std::size_t pos = 0; pos < res.body.size(); pos += chunk_size)
        append_chunk(chunks, std::string_view(res.body).substr(pos, chunk_size));
      chunks.append(last_chunk);
      if (s.tls)
        w = co_await asio::async_write(s.stream, asio::buffer(chunks), use_tuple);
      else
        w = co_await asio::async_write(s.socket(), asio::buffer(chunks), use_tuple);
      co_return !std::get<0>(w) && !s.closed;
    }
    bhttp::response<bhttp::string_body> out{status, 11};
    fill(out, res, keep_alive);
    std::size_t full = res.body.size();
    out.body() = std::move(res.body);
    if (head) {
      out.body().clear();
      out.content_length(full);
    } else if (truncate) {
      out.body().resize(full / 2);
      out.content_length(full);
    } else {
      out.content_length(full);
    }
    co_return co_await write_message(s, out);
  }

  server_options options_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard_;
  std::vector<std::thread> threads_;
  tcp::acceptor acceptor_;
  asio::ssl::context tls_;
  request_handler handler_;
  fault_injector faults_;
  std::uint16_t port_ = 0;
  std::string url_;
  std::mutex stop_mutex_;
  std::atomic<bool> stopped_{false};
  std::mutex sessions_mutex_;
  std::unordered_map<std::uint64_t, std::weak_ptr<session>> sessions_;
  std::atomic<std::uint64_t> accepted_{0};
  std::atomic<std::uint64_t> open_{0};
  std::atomic<std::uint64_t> max_open_{0};
  std::atomic<std::uint64_t> requests_{0};
};

}  // namespace amlk8s::local

namespace amlk8s::local {

http_server::http_server(server_options options, request_handler handler)
    : impl_(std::make_shared<impl>(std::move(options), std::move(handler))) {
  impl_->start();
}

http_server::~http_server() { impl_->stop(); }

std::uint16_t http_server::port() const noexcept { return impl_->port(); }
std::string http_server::url() const { return impl_->url(); }
void http_server::set_faults(fault_plan plan) { impl_->set_faults(std::move(plan)); }
fault_plan http_server::faults() const { return impl_->faults(); }
server_stats http_server::stats() const { return impl_->stats(); }
void http_server::close_connections() { impl_->close_connections(); }
void http_server::stop() { impl_->stop(); }

}  // namespace amlk8s::local
