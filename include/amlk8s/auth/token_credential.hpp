// The interface every credential implements: get an access token for a set of scopes.
//
// Async shape (as http/sender.hpp): async_get_token only initiates; the work happens in compiled code
// behind asio::any_completion_handler. It completes with (amlk8s::error_code, access_token) and fills
// a caller-owned amlk8s::diagnostics that must outlive the operation. Failures use amlk8s::errc:
//  - invalid_argument: the credential is not configured (missing or invalid settings, named in
//    diagnostics::validation); a credential chain moves on to the next credential;
//  - precondition_failed: the credential cannot work here (no managed-identity endpoint answered,
//    Azure CLI not installed or not logged in); a chain moves on as well;
//  - authentication_failed, throttled, service_error, transport_error, timeout, protocol_error:
//    the credential was available and failed; a chain stops there.
// No secret (client secret, assertion, token, key) ever appears in the diagnostics.
#pragma once

#include <amlk8s/auth/access_token.hpp>
#include <amlk8s/core/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amlk8s::auth {

/// The completion handler type of every token operation.
using token_handler = boost::asio::any_completion_handler<void(error_code, access_token)>;

/// Something that obtains access tokens.
class token_credential {
 public:
  /// The completion signature of async_get_token.
  using signature = void(error_code, access_token);
  /// The type-erased handler the compiled code receives.
  using handler_type = token_handler;

  virtual ~token_credential() = default;

  /// The name used in chain failure messages and by AZURE_TOKEN_CREDENTIALS ("ClientSecretCredential").
  virtual std::string_view name() const noexcept = 0;

  /// The executor completion handlers run on when they have none of their own.
  virtual boost::asio::any_io_executor get_executor() = 0;

  /// Gets a token for `scopes`; `diag` must stay alive until `handler` runs.
  virtual void async_get_token_erased(std::vector<std::string> scopes, diagnostics& diag, handler_type handler) = 0;

  /// Drops any cached token for `scopes`, so that the next call asks the issuer (after an HTTP 401).
  virtual void invalidate(const std::vector<std::string>& scopes) { (void)scopes; }

  /// Gets a token for `scopes` with any Asio completion token (callback, use_future, use_awaitable, deferred).
  template <class CompletionToken>
  auto async_get_token(std::vector<std::string> scopes, diagnostics& diag, CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, signature>(
        [this, &diag](auto handler, std::vector<std::string> s) {
          async_get_token_erased(std::move(s), diag, std::move(handler));
        },
        token, std::move(scopes));
  }

  /// Blocking form: waits for the token and throws amlk8s::error on failure. Something else must be
  /// running get_executor() (an io_context on another thread); never call it from such a thread.
  access_token get_token(std::vector<std::string> scopes);
};

/// The resource a managed-identity endpoint or the Azure CLI wants for `scopes`: the single scope
/// with a trailing "/.default" removed. Empty when `scopes` does not hold exactly one scope.
std::string scopes_to_resource(const std::vector<std::string>& scopes);

}  // namespace amlk8s::auth
