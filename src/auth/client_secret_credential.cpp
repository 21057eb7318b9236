#include <amlk8s/auth/client_secret_credential.hpp>

#include "auth/authority.hpp"
#include "auth/entra_source.hpp"
#include "auth/wire.hpp"

namespace amlk8s::auth {
namespace {

std::shared_ptr<detail::token_source> make_source(http::sender& sender, std::string tenant_id, std::string client_id,
                                                  secret_string client_secret, client_secret_options& options) {
  std::vector<validation_issue> issues;
  auto authority = detail::check_entra_settings(tenant_id, "tenant_id", client_id, "client_id", options.authority_host, issues);
  if (client_secret.empty()) issues.push_back({"client_secret", "is empty", "give the client secret of the application"});
  if (!issues.empty()) throw validation_error(std::move(issues));

  // §4.1 secret form: grant_type, client_id, client_secret, scope.
  auto client_auth = [client_id, secret = std::move(client_secret)](detail::form_builder& form, diagnostics&,
                                                                    secret_string& used) -> error_code {
    form.add(wire::form_client_id, client_id);
    form.add(wire::form_client_secret, secret.reveal());
    used = secret;
    return {};
  };
  return std::make_shared<detail::entra_source>("ClientSecretCredential", sender,
                                                detail::cache_or_new(std::move(options.cache)),
                                                detail::token_endpoint(authority, tenant_id), std::move(client_auth));
}

}  // namespace

client_secret_credential::client_secret_credential(http::sender& sender, std::string tenant_id, std::string client_id,
                                                   secret_string client_secret, client_secret_options options)
    : cached_token_credential(
          make_source(sender, std::move(tenant_id), std::move(client_id), std::move(client_secret), options)) {}

}  // namespace amlk8s::auth
