// A credential that always hands out one given token (tests, tokens obtained elsewhere).
#pragma once

#include <amlk8s/auth/token_credential.hpp>

namespace amlk8s::auth {

/// Completes every request with the token it was given, whatever the scopes; fails with
/// authentication_failed once that token has expired.
class static_token_credential final : public token_credential {
 public:
  /// `executor` runs the completions.
  static_token_credential(boost::asio::any_io_executor executor, access_token token);

  std::string_view name() const noexcept override { return "StaticTokenCredential"; }
  boost::asio::any_io_executor get_executor() override { return executor_; }
  void async_get_token_erased(std::vector<std::string> scopes, diagnostics& diag, handler_type handler) override;

 private:
  boost::asio::any_io_executor executor_;
  access_token token_;
};

}  // namespace amlk8s::auth
