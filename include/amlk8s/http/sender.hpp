// The one interface every protocol client sends through: the policy pipeline implements it, and so
// does any test fake. Public templates only initiate; the work happens in compiled code behind a
// type-erased handler (asio::any_completion_handler), so Beast and OpenSSL stay out of public headers.
//
// Async shape (as Boost.MySQL): operations complete with (amlk8s::error_code, value) and fill a
// caller-owned amlk8s::diagnostics that must outlive the operation. A non-2xx HTTP answer is not an
// error at this layer: it completes with an empty error_code and the response. Transport failures
// complete with an amlk8s::errc (transport_error, tls_error, timeout, cancelled) and the low-level
// reason in diagnostics::client_message.
#pragma once

#include <amlk8s/core/error.hpp>
#include <amlk8s/http/message.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>

#include <functional>
#include <string_view>
#include <utility>

namespace amlk8s::http {

/// Receives the body of a streamed response as it arrives (async_send_streaming): first once with
/// the head (status, reason and headers; its body is empty) and empty `data` when the head is read,
/// then with each piece of the body in order. Calls never overlap, and all of them happen before
/// the operation's handler runs. It runs on the sender's I/O, so it must not block; it may start
/// other operations or emit the operation's cancellation.
using body_sink = std::function<void(const response& head, std::string_view data)>;

/// Anything that sends one request and completes with its response.
class sender {
 public:
  using signature = void(error_code, response);
  using handler_type = boost::asio::any_completion_handler<signature>;

  virtual ~sender() = default;

  /// The executor the completion handlers run on when they have none of their own.
  virtual boost::asio::any_io_executor get_executor() = 0;

  /// Sends `req`; `diag` must stay alive until `handler` runs.
  virtual void async_send_erased(request req, diagnostics& diag, handler_type handler) = 0;

  /// Sends `req` and hands the response body to `sink` piece by piece instead of collecting it;
  /// `handler` then gets the head (status and headers, empty body) once the body has ended. Made
  /// for answers that stream for a long time (a Kubernetes watch): a streamed request is sent once,
  /// never retried, and client_options::request_timeout only covers the wait for the head.
  /// This default collects the whole response through async_send_erased and hands it to `sink` at
  /// the end, so every sender supports the call; http::client and the pipeline's policies stream.
  virtual void async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler);
};

/// Sends `req` through `s` with any Asio completion token (callback, use_future, use_awaitable, deferred).
template <class CompletionToken>
auto async_send(sender& s, request req, diagnostics& diag, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, sender::signature>(
      [&s, &diag](auto handler, request r) { s.async_send_erased(std::move(r), diag, std::move(handler)); },
      token, std::move(req));
}

/// Sends `req` through `s`, streaming the response body into `sink` (see
/// sender::async_send_streaming_erased), with any Asio completion token.
template <class CompletionToken>
auto async_send_streaming(sender& s, request req, diagnostics& diag, body_sink sink, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, sender::signature>(
      [&s, &diag](auto handler, request r, body_sink k) {
        s.async_send_streaming_erased(std::move(r), diag, std::move(k), std::move(handler));
      },
      token, std::move(req), std::move(sink));
}

/// Supplies the value of the Authorization header for a request (implemented by the auth layer,
/// which sits above http and so cannot be named here).
class authorizer {
 public:
  using signature = void(error_code, std::string);
  using handler_type = boost::asio::any_completion_handler<signature>;

  virtual ~authorizer() = default;

  /// Completes with the full header value, e.g. "Bearer eyJ...". Fills `diag` on failure.
  virtual void async_authorization(const request& req, diagnostics& diag, handler_type handler) = 0;
  /// Called after a 401 so that a cached token is not offered again.
  virtual void invalidate() {}
};

}  // namespace amlk8s::http
