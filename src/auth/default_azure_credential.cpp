#include <amlk8s/auth/default_azure_credential.hpp>

#include <amlk8s/auth/azure_cli_credential.hpp>
#include <amlk8s/auth/environment_credential.hpp>
#include <amlk8s/auth/workload_identity_credential.hpp>

#include "auth/encoding.hpp"
#include "auth/wire.hpp"

namespace amlk8s::auth {
namespace {

std::vector<std::shared_ptr<token_credential>> make_chain(http::sender& sender, default_azure_credential_options& options) {
  // §4.5: unset or "dev": all four; "prod": no Azure CLI; else exactly one credential by name.
  std::string field = "token_credentials";
  std::string selection(detail::trim(options.token_credentials));
  if (selection.empty()) {
    selection = std::string(detail::trim(detail::env(wire::env_token_credentials).value_or("")));
    field = std::string(wire::env_token_credentials);
  }
  const std::string_view names[] = {wire::environment_credential_name, wire::workload_identity_credential_name,
                                    wire::managed_identity_credential_name, wire::azure_cli_credential_name};
  bool use[4] = {true, true, true, true};
  bool single = false;
  if (selection.empty() || http::iequals(selection, "dev")) {
  } else if (http::iequals(selection, "prod")) {
    use[3] = false;
  } else {
    int found = -1;
    for (int i = 0; i < 4; ++i)
      if (http::iequals(selection, names[i])) found = i;
    if (found < 0) {
      throw validation_error({{field, "'" + selection + "' is not a credential selection",
                               "use dev, prod, EnvironmentCredential, WorkloadIdentityCredential, "
                               "ManagedIdentityCredential or AzureCliCredential"}});
    }
    for (int i = 0; i < 4; ++i) use[i] = i == found;
    single = true;
  }

  if (!options.cache) options.cache = token_cache::create();
  std::vector<std::shared_ptr<token_credential>> chain;
  if (use[0]) {
    environment_credential_options o;
    static_cast<entra_credential_options&>(o) = options;
    chain.push_back(std::make_shared<environment_credential>(sender, std::move(o)));
  }
  if (use[1]) {
    workload_identity_options o;
    static_cast<entra_credential_options&>(o) = options;
    chain.push_back(std::make_shared<workload_identity_credential>(sender, std::move(o)));
  }
  if (use[2]) {
    managed_identity_options o;
    o.cache = options.cache;
    o.client_id = options.managed_identity_client_id.empty()
                      ? detail::env(wire::env_client_id).value_or(std::string())
                      : options.managed_identity_client_id;
    o.imds_retry = options.imds_retry;
    // §4.2: in a chain, IMDS is probed so that its absence fails fast; chosen alone, it is not.
    o.probe_imds = !single;
    chain.push_back(std::make_shared<managed_identity_credential>(sender, std::move(o)));
  }
  if (use[3]) {
    azure_cli_options o;
    o.cache = options.cache;
    o.timeout = options.cli_timeout;
    chain.push_back(std::make_shared<azure_cli_credential>(sender.get_executor(), std::move(o)));
  }
  return chain;
}

}  // namespace

default_azure_credential::default_azure_credential(http::sender& sender, default_azure_credential_options options)
    : chained_token_credential(make_chain(sender, options), "DefaultAzureCredential") {}

}  // namespace amlk8s::auth
