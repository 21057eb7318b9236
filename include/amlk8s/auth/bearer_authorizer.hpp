// Puts "Authorization: Bearer <token>" on the requests of the policy pipeline.
#pragma once

#include <amlk8s/auth/token_credential.hpp>
#include <amlk8s/http/sender.hpp>

#include <memory>
#include <string>
#include <vector>

namespace amlk8s::auth {

/// An http::authorizer that asks a credential for a token for fixed scopes
/// (for ARM: {"https://management.azure.com/.default"}).
class bearer_authorizer final : public http::authorizer {
 public:
  /// `credential` must not be null; `scopes` must not be empty.
  bearer_authorizer(std::shared_ptr<token_credential> credential, std::vector<std::string> scopes);

  void async_authorization(const http::request& req, diagnostics& diag, handler_type handler) override;
  /// Drops the credential's cached token for these scopes (called after a 401).
  void invalidate() override;

 private:
  std::shared_ptr<token_credential> credential_;
  std::vector<std::string> scopes_;
};

}  // namespace amlk8s::auth
