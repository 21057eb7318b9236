#include <amlk8s/auth/static_token_credential.hpp>

#include "auth/completion.hpp"

namespace amlk8s::auth {

static_token_credential::static_token_credential(boost::asio::any_io_executor executor, access_token token)
    : executor_(std::move(executor)), token_(std::move(token)) {}

void static_token_credential::async_get_token_erased(std::vector<std::string>, diagnostics& diag, handler_type handler) {
  diag.clear();
  if (token_.expires_on <= std::chrono::system_clock::now()) {
    diag.client_message = "StaticTokenCredential: the token it was given has expired";
    detail::post_completion(executor_, std::move(handler), make_error_code(errc::authentication_failed), access_token{});
    return;
  }
  detail::post_completion(executor_, std::move(handler), error_code{}, token_);
}

}  // namespace amlk8s::auth
