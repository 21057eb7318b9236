// The HTTP(S) server under the local control plane: loopback only, keep-alive, a handler that may
// answer later from any thread, and seeded fault injection. Beast and OpenSSL stay in src/local.
#pragma once

#include <amlk8s/http/message.hpp>
#include <amlk8s/local/faults.hpp>
#include <amlk8s/local/request_log.hpp>
#include <amlk8s/local/test_ca.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace amlk8s::local {

/// A request as the server received it.
struct server_request {
  /// The request; `message.url` holds the target in origin form ("/path?query"), also when the
  /// client sent the absolute form (as clients talking to a proxy do).
  http::request message;
  std::uint64_t connection_id = 0;  ///< 1 for the first connection the server accepted, and so on
  std::uint64_t sequence = 0;       ///< 1 for the first request on its connection, and so on
  bool tls = false;                 ///< the request came over HTTPS
  std::string server_name;          ///< the TLS SNI host name the client sent, if any
};

/// A response body produced over time, as a Kubernetes watch produces it (responder::stream). The
/// server writes the head with chunked encoding, then every piece poll() returns, as a chunk, as
/// soon as it is ready, and ends the body when finished() turns true, when time_limit() has passed,
/// or when the client goes away; then it destroys the stream and closes the connection. Nothing
/// blocks a server thread meanwhile.
class body_stream {
 public:
  virtual ~body_stream() = default;
  /// The pieces ready now, in order (possibly none). Called on the connection's strand.
  virtual std::vector<std::string> poll() = 0;
  /// Sets what the stream calls, from any thread, whenever poll() may have more. Set once, before
  /// the first poll(); the stream must not call it once it has been destroyed.
  virtual void on_ready(std::function<void()> notify) = 0;
  /// True once the body is complete: the server ends it after what poll() returned.
  virtual bool finished() const = 0;
  /// How long the server keeps the body open at most; nullopt: until finished() or the client leaves.
  virtual std::optional<std::chrono::milliseconds> time_limit() const = 0;
  /// A piece to send after idle_interval() without one (a watch's BOOKMARK), or nullopt for none.
  virtual std::optional<std::string> idle_piece() { return std::nullopt; }
  /// How long the body stays silent before idle_piece() is asked for.
  virtual std::chrono::milliseconds idle_interval() const { return std::chrono::minutes(1); }
};

/// Answers one request. Call send() or stream() once, from any thread; a responder dropped without
/// an answer answers 500 so that the connection never hangs.
class responder {
 public:
  struct state;
  /// Used by the server; handlers receive ready-made responders.
  explicit responder(std::unique_ptr<state> s) noexcept;
  responder(responder&&) noexcept;
  responder& operator=(responder&&) noexcept;
  ~responder();

  /// Sends `res`. A `Transfer-Encoding: chunked` header in `res` sends the body in chunks; otherwise
  /// Content-Length is set from the body. A `Connection: close` header closes the connection after it.
  void send(http::response res);

  /// Sends `head` (status and headers; its body is ignored) with `Transfer-Encoding: chunked` and
  /// `Connection: close`, then the pieces of `body` as they come (see body_stream).
  void stream(http::response head, std::unique_ptr<body_stream> body);

 private:
  std::unique_ptr<state> state_;
};

/// Handles requests; runs on a server thread, concurrently for different connections when the
/// server has several threads. May keep the responder and answer later.
using request_handler = std::function<void(server_request, responder)>;

/// Adapts a handler that answers at once.
request_handler synchronous(std::function<http::response(const server_request&)> fn);

/// Settings of an http_server.
struct server_options {
  /// The address to listen on; only loopback addresses are accepted.
  std::string address = "127.0.0.1";
  /// The port; 0 picks a free one (see http_server::port()).
  std::uint16_t port = 0;
  /// Serve HTTPS with this certificate (see test_ca); plain HTTP when unset.
  std::optional<certified_key> tls;
  /// Threads serving connections.
  std::size_t threads = 1;
  /// A keep-alive connection with no request for this long is closed.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  /// Requests with a larger body are answered 413 and the connection closed.
  std::size_t max_request_body = std::size_t{64} << 20;
  /// Faults injected from the start (see set_faults to change them at run time).
  fault_plan faults;
  /// Receives one entry per request read, just before its answer is written: also those a fault
  /// answered (status 429, 503, 500) or dropped (status 0). The target is the origin-form URL through
  /// amlk8s::redact_url; client_request_id is not filled. Called on a server thread; null: no log.
  request_logger on_request;
};

/// Counters of what the server has seen.
struct server_stats {
  std::uint64_t connections_accepted = 0;  ///< connections accepted since start
  std::uint64_t open_connections = 0;      ///< connections open now
  std::uint64_t max_open_connections = 0;  ///< the most connections open at once
  std::uint64_t requests = 0;              ///< requests read (including those a fault answered or dropped)
};

/// An HTTP/1.1 server on loopback, HTTP or HTTPS, serving until stop() or destruction.
class http_server {
 public:
  /// Listens and starts serving. Throws amlk8s::error: errc::invalid_argument for an address that is
  /// not loopback, errc::transport_error when the port cannot be bound.
  http_server(server_options options, request_handler handler);
  /// Stops (see stop()).
  ~http_server();

  http_server(const http_server&) = delete;
  http_server& operator=(const http_server&) = delete;

  /// The port the server listens on.
  std::uint16_t port() const noexcept;
  /// The base URL, e.g. "https://127.0.0.1:40123" (IPv6 addresses in brackets).
  std::string url() const;
  /// Replaces the fault plan; requests read from now on use it.
  void set_faults(fault_plan plan);
  /// The fault plan in use.
  fault_plan faults() const;
  /// A snapshot of the counters.
  server_stats stats() const;
  /// Closes every open connection, as a server restarting or timing out idle connections would.
  void close_connections();
  /// Stops accepting, closes every connection and waits for the server threads to finish.
  /// Handlers still holding a responder should answer or drop it; stop() waits for them.
  void stop();

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace amlk8s::local
