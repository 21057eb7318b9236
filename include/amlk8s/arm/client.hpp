// The ARM client: one request at a time over the http::sender pipeline (retry, auth and logging are
// the pipeline's business), with ARM's own rules on top: the endpoint, api-version per provider,
// JSON bodies, the error model and the throttle headers.
//
// Async shape (as http/sender.hpp): operations complete with (error_code, arm::response) and fill a
// caller-owned amlk8s::diagnostics that must outlive them. A non-2xx answer completes with
// errc_from_http_status(status) *and* the response; a 2xx answer whose body is not JSON completes
// with errc::protocol_error. Templates only initiate; the work is compiled in src/arm/client.cpp.
// Blocking forms throw amlk8s::error; they wait on a future and so need the sender's executor to be
// run by another thread (the transport's own threads do that), never by the calling thread.
//
// Long-running operations: see arm::begin (poller.hpp). Lists: see arm::pager (pager.hpp).
#pragma once

#include <amlk8s/arm/api_versions.hpp>
#include <amlk8s/arm/lro.hpp>
#include <amlk8s/arm/message.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/http/sender.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <utility>

namespace amlk8s::arm {

/// Settings of an ARM client; plain values with the defaults the contracts give.
struct client_options {
  /// Base URL of ARM (contracts/arm-extensions.md §1.9); the local control plane uses a loopback URL.
  std::string endpoint = "https://management.azure.com";
  /// api-version per provider namespace.
  api_versions versions{};
  /// Absolute URLs (status URLs, nextLink) normally must point at the endpoint's host, so that the
  /// ARM token is never sent elsewhere; set to allow other hosts.
  bool allow_other_hosts = false;
  /// How pollers made by arm::begin wait.
  poller_options polling{};
};

/// Sends ARM requests through an http::sender. Cheap to copy; copies share the sender, which must
/// outlive every copy and every operation.
class client {
 public:
  /// Completion of every send.
  using signature = void(error_code, response);
  /// The type-erased handler the compiled code receives.
  using handler_type = boost::asio::any_completion_handler<signature>;

  /// A client sending through `sender` (normally the policy pipeline).
  explicit client(http::sender& sender, client_options options = {});

  /// The settings given at construction (the endpoint without a trailing '/').
  const client_options& options() const noexcept { return options_; }
  /// The sender requests go through.
  http::sender& sender() const noexcept { return *sender_; }
  /// The executor completions run on when the handler has none of its own.
  boost::asio::any_io_executor get_executor() const { return sender_->get_executor(); }

  /// The absolute URL `req` goes to. Fails with errc::invalid_argument (a malformed path, a provider
  /// with no known api-version) or, for a verbatim URL on another host, errc::protocol_error.
  error_code url_for(const request& req, std::string& url, diagnostics& diag) const;
  /// The same, throwing amlk8s::error.
  std::string url_for(const request& req) const;

  /// Sends `req` with any completion token; completes with (error_code, response).
  template <class CompletionToken>
  auto async_send(request req, diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, signature>(
        [this, &diag](auto handler, request r) { async_send_erased(std::move(r), diag, std::move(handler)); }, token,
        std::move(req));
  }
  /// GET `path` (an ARM path or a verbatim URL, see arm::request).
  template <class CompletionToken>
  auto async_get(std::string path, diagnostics& diag, CompletionToken&& token) const {
    return async_send(make_request(http::verb::get, std::move(path), nullptr), diag, std::forward<CompletionToken>(token));
  }
  /// PUT `body` to `path`. Only the first answer: use arm::async_begin to follow an LRO.
  template <class CompletionToken>
  auto async_put(std::string path, boost::json::value body, diagnostics& diag, CompletionToken&& token) const {
    return async_send(make_request(http::verb::put, std::move(path), std::move(body)), diag,
                      std::forward<CompletionToken>(token));
  }
  /// PATCH `path` with `body`.
  template <class CompletionToken>
  auto async_patch(std::string path, boost::json::value body, diagnostics& diag, CompletionToken&& token) const {
    return async_send(make_request(http::verb::patch, std::move(path), std::move(body)), diag,
                      std::forward<CompletionToken>(token));
  }
  /// POST to `path`; a null `body` sends none (ARM actions such as listKeys take none).
  template <class CompletionToken>
  auto async_post(std::string path, boost::json::value body, diagnostics& diag, CompletionToken&& token) const {
    return async_send(make_request(http::verb::post, std::move(path), std::move(body)), diag,
                      std::forward<CompletionToken>(token));
  }
  /// DELETE `path`.
  template <class CompletionToken>
  auto async_delete(std::string path, diagnostics& diag, CompletionToken&& token) const {
    return async_send(make_request(http::verb::delete_, std::move(path), nullptr), diag,
                      std::forward<CompletionToken>(token));
  }

  /// Blocking send; throws amlk8s::error for any failure, a non-2xx answer included.
  response send(request req) const;
  /// Blocking GET.
  response get(std::string path) const;
  /// Blocking PUT (first answer only).
  response put(std::string path, boost::json::value body) const;
  /// Blocking PATCH (first answer only).
  response patch(std::string path, boost::json::value body) const;
  /// Blocking POST; a null `body` sends none.
  response post(std::string path, boost::json::value body = nullptr) const;
  /// Blocking DELETE (first answer only).
  response delete_(std::string path) const;

  /// The type-erased operation behind async_send.
  void async_send_erased(request req, diagnostics& diag, handler_type handler) const;

  /// Builds a request value; a null `body` means none.
  static request make_request(http::verb method, std::string path, boost::json::value body);

 private:
  http::sender* sender_;
  client_options options_;
};

}  // namespace amlk8s::arm
