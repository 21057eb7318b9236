#include <amlk8s/auth/bearer_authorizer.hpp>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_executor.hpp>

#include <stdexcept>

namespace amlk8s::auth {

bearer_authorizer::bearer_authorizer(std::shared_ptr<token_credential> credential, std::vector<std::string> scopes)
    : credential_(std::move(credential)), scopes_(std::move(scopes)) {
  if (!credential_) throw amlk8s::error(errc::invalid_argument, "bearer_authorizer needs a credential");
  if (scopes_.empty()) throw amlk8s::error(errc::invalid_argument, "bearer_authorizer needs at least one scope");
}

void bearer_authorizer::async_authorization(const http::request&, diagnostics& diag, handler_type handler) {
  // The credential completes straight onto the pipeline handler's executor.
  auto ex = boost::asio::get_associated_executor(handler, credential_->get_executor());
  credential_->async_get_token_erased(
      scopes_, diag,
      boost::asio::bind_executor(ex, [h = std::move(handler)](error_code ec, access_token token) mutable {
        if (ec) {
          std::move(h)(ec, std::string());
          return;
        }
        std::move(h)(error_code{}, "Bearer " + token.token.reveal());
      }));
}

void bearer_authorizer::invalidate() { credential_->invalidate(scopes_); }

}  // namespace amlk8s::auth
