// The HTTP/1.1 transport: the sender at the bottom of every policy pipeline.
//
// Beast, Asio's SSL layer and OpenSSL stay in src/http: this header only names the options and the
// type-erased entry points, so including it costs about what including sender.hpp costs.
#pragma once

#include <amlk8s/core/redact.hpp>
#include <amlk8s/http/proxy.hpp>
#include <amlk8s/http/sender.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace amlk8s::http {

/// Settings of an http::client; the defaults suit Azure Resource Manager and the Kubernetes API.
struct client_options {
  /// Connections kept per (scheme, host, port); further requests wait for one to become free.
  std::size_t max_connections_per_host = 16;
  /// Limit on establishing a connection: name resolution, TCP connect, proxy CONNECT and TLS handshake.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  /// Limit on a whole request, from the call to the last byte of the response (zero: none); for a
  /// streamed request (async_send_streaming), from the call to the response head.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(120)};
  /// A pooled connection unused for longer than this is closed instead of reused.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(50)};
  /// Responses with a larger body fail with errc::protocol_error instead of exhausting memory
  /// (streamed bodies go to their sink and have no limit).
  std::size_t max_response_body = std::size_t{256} << 20;
  /// Allows plain http:// to hosts other than loopback, which would send tokens in clear text.
  bool allow_insecure_http = false;
  /// Verifies the server's certificate chain and host name; only a test against a throwaway
  /// server has a reason to turn this off.
  bool verify_peer = true;
  /// A PEM file of trusted CA certificates used instead of the system's default roots.
  std::string ca_file;
  /// PEM text of trusted CA certificates used instead of the system's default roots (added to ca_file).
  std::string ca_pem;
  /// PEM certificate (optionally followed by its chain) presented to servers that ask for one:
  /// mutual TLS, as Kubernetes client-certificate authentication uses. Needs client_key_pem.
  std::string client_certificate_pem;
  /// PEM private key of client_certificate_pem; never printed.
  secret_string client_key_pem;
  /// The name sent as TLS SNI and checked against the server's certificate instead of the URL's
  /// host (kubeconfig `tls-server-name`); empty: the URL's host.
  std::string tls_server_name;
  /// Proxies; when unset, they are read from the environment when the client is constructed
  /// (proxy_settings::from_environment). An empty proxy_settings{} means: always connect directly.
  std::optional<proxy_settings> proxy;
};

/// An HTTP/1.1 client with a keep-alive connection pool per (scheme, host, port), TLS verified by
/// default, timeouts, proxies and per-operation cancellation.
///
/// All of its I/O runs on one strand of its executor. A request completes with an empty error_code
/// and the response whatever its status; transport failures complete with errc::transport_error,
/// errc::tls_error, errc::timeout or errc::cancelled, and the reason in diagnostics::client_message.
/// Cancelling a request (terminal cancellation through the completion handler's cancellation slot)
/// closes its connection rather than returning it to the pool. The client may be used from any thread;
/// while no request is in flight it leaves no work on its executor, so a caller's run() can return.
///
/// A kept-alive connection the server has closed is detected before sending (or, for a request that
/// may be repeated, by its failure), and the request is sent once more on a new connection; a
/// request that is not idempotent and not marked safe_to_retry is never sent twice.
class client final : public sender {
 public:
  /// A client that runs its own I/O thread (for blocking callers and language bindings).
  explicit client(client_options options = {});
  /// A client whose I/O runs on `executor`; completion handlers without an executor of their own run there too.
  explicit client(boost::asio::any_io_executor executor, client_options options = {});
  /// Cancels the requests in flight (they complete with errc::cancelled) and closes every
  /// connection. May run on any thread, including inside a completion handler on the client's own
  /// thread. A client with its own thread waits, when destroyed from another thread, until the
  /// requests have completed; the thread itself ends (and is joined by whoever lets go last) once
  /// the executors get_executor() handed out, and the I/O objects made with them, are gone too.
  ~client() override;

  client(const client&) = delete;
  client& operator=(const client&) = delete;

  /// The executor completion handlers run on when they have none of their own. For a client with
  /// its own thread, the executor keeps that thread and its io_context alive while it exists, so
  /// timers and other I/O objects made with it may outlive the client.
  boost::asio::any_io_executor get_executor() override;

  /// Sends `req`; `diag` must stay alive until `handler` runs.
  void async_send_erased(request req, diagnostics& diag, handler_type handler) override;
  void async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) override;

  /// Sends `req` and waits for the response; throws amlk8s::error on failure. Must not be called from
  /// a thread that runs the client's executor, which would wait for itself.
  response send(request req);

  /// Sends `req` and waits; failures are reported through `ec` and `diag` instead of an exception.
  response send(request req, error_code& ec, diagnostics& diag);

  /// The options the client was built with (proxies resolved from the environment).
  const client_options& options() const noexcept;

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace amlk8s::http
