// A service principal described by environment variables.
#pragma once

#include <amlk8s/auth/cached_token_credential.hpp>
#include <amlk8s/http/sender.hpp>

#include <memory>

namespace amlk8s::auth {

/// Settings of environment_credential.
struct environment_credential_options : entra_credential_options {};

/// A client_secret_credential (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET) or else a
/// client_certificate_credential (AZURE_CLIENT_CERTIFICATE_PATH, AZURE_CLIENT_CERTIFICATE_PASSWORD,
/// AZURE_CLIENT_SEND_CERTIFICATE_CHAIN), read once at construction (contracts/aml-workspace-and-auth.md
/// §4.1). When the variables are missing or invalid, get_token reports invalid_argument naming them.
class environment_credential final : public token_credential {
 public:
  /// Token requests go through `sender`, which must outlive this credential and its operations.
  explicit environment_credential(http::sender& sender, environment_credential_options options = {});

  std::string_view name() const noexcept override { return "EnvironmentCredential"; }
  boost::asio::any_io_executor get_executor() override;
  void async_get_token_erased(std::vector<std::string> scopes, diagnostics& diag, handler_type handler) override;
  void invalidate(const std::vector<std::string>& scopes) override;

 private:
  boost::asio::any_io_executor executor_;
  std::shared_ptr<token_credential> inner_;  // null when unconfigured
  diagnostics unavailable_;                  // why, when inner_ is null
};

}  // namespace amlk8s::auth
