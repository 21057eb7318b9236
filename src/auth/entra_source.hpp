// The client-credentials grant against the Entra ID token endpoint, shared by the client secret,
// client certificate and workload identity credentials (contracts/aml-workspace-and-auth.md §4.1, §4.3).
#pragma once

#include "auth/encoding.hpp"
#include "auth/token_source.hpp"

#include <amlk8s/auth/secret_string.hpp>
#include <amlk8s/http/sender.hpp>

#include <functional>
#include <string>
#include <vector>

namespace amlk8s::auth::detail {

/// Adds the client-authentication fields (client_id and a secret or an assertion) to the form and
/// puts the secret it used into `used`, so that it can be scrubbed from any error text.
using client_auth_function =
    std::function<error_code(form_builder& form, diagnostics& diag, secret_string& used)>;

/// POST {endpoint} grant_type=client_credentials&<client auth>&scope=<scopes>.
class entra_source final : public token_source {
 public:
  entra_source(std::string name, http::sender& sender, std::shared_ptr<token_cache> cache, std::string endpoint,
               client_auth_function client_auth);

  void fetch(std::vector<std::string> scopes, diagnostics& diag, token_handler handler) override;

  const std::string& endpoint() const noexcept { return endpoint_; }

 private:
  http::sender* sender_;
  std::string endpoint_;
  client_auth_function client_auth_;
};

/// Checks the settings every Entra credential has; returns the resolved authority host or adds issues.
std::string check_entra_settings(std::string_view tenant_id, std::string_view tenant_field, std::string_view client_id,
                                 std::string_view client_field, std::string_view authority_host,
                                 std::vector<validation_issue>& issues);

}  // namespace amlk8s::auth::detail
