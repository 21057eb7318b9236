// Tries several credentials in order.
#pragma once

#include <amlk8s/auth/token_credential.hpp>

#include <memory>
#include <string>
#include <vector>

namespace amlk8s::auth {

/// Tries its credentials in order. One that reports invalid_argument or precondition_failed (not
/// configured, not available here) is skipped; the first token wins and that credential is used
/// directly from then on; any other failure stops the chain. The failure message lists, per
/// credential, why it did not give a token.
class chained_token_credential : public token_credential {
 public:
  /// `credentials` must not be empty; completions run on the first one's executor by default.
  explicit chained_token_credential(std::vector<std::shared_ptr<token_credential>> credentials,
                                    std::string name = "ChainedTokenCredential");
  ~chained_token_credential() override;

  std::string_view name() const noexcept override;
  boost::asio::any_io_executor get_executor() override;
  void async_get_token_erased(std::vector<std::string> scopes, diagnostics& diag, handler_type handler) override;
  void invalidate(const std::vector<std::string>& scopes) override;

  /// The credentials, in the order they are tried.
  const std::vector<std::shared_ptr<token_credential>>& credentials() const noexcept;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace amlk8s::auth
