#include <amlk8s/auth/workload_identity_credential.hpp>

#include "auth/authority.hpp"
#include "auth/entra_source.hpp"
#include "auth/wire.hpp"

#include <fstream>
#include <sstream>

namespace amlk8s::auth {
namespace {

constexpr std::string_view name = wire::workload_identity_credential_name;

std::string setting(const std::string& given, std::string_view env_name) {
  if (!given.empty()) return given;
  return detail::env(env_name).value_or(std::string());
}

std::shared_ptr<detail::token_source> make_source(http::sender& sender, workload_identity_options& options) {
  auto cache = detail::cache_or_new(std::move(options.cache));
  auto tenant_id = setting(options.tenant_id, wire::env_tenant_id);
  auto client_id = setting(options.client_id, wire::env_client_id);
  auto token_file = setting(options.token_file_path, wire::env_federated_token_file);

  // §4.3: any of the three missing makes the credential unavailable, so that a chain moves on.
  std::vector<validation_issue> issues;
  auto missing = [&](const std::string& value, std::string_view env_name, std::string_view what) {
    if (value.empty())
      issues.push_back({std::string(env_name), "is not set",
                        "set " + std::string(what) + " (the workload identity webhook injects it into the pod)"});
  };
  missing(tenant_id, wire::env_tenant_id, "the tenant id");
  missing(client_id, wire::env_client_id, "the client id of the federated identity");
  missing(token_file, wire::env_federated_token_file, "the path of the projected service account token");
  std::string authority;
  if (issues.empty()) {
    authority = detail::check_entra_settings(tenant_id, wire::env_tenant_id, client_id, wire::env_client_id,
                                             options.authority_host, issues);
  }
  if (!issues.empty()) {
    diagnostics why;
    why.client_message = std::string(name) + " is not configured";
    why.validation = std::move(issues);
    return std::make_shared<detail::unconfigured_source>(std::string(name), sender.get_executor(), std::move(cache),
                                                         make_error_code(errc::invalid_argument), std::move(why));
  }

  // §4.3: the projected token is read again on every request (the kubelet rotates it); the form is the
  // certificate one with the file's contents as the assertion.
  auto client_auth = [client_id, token_file](detail::form_builder& form, diagnostics& diag,
                                             secret_string& used) -> error_code {
    std::ifstream in(token_file, std::ios::binary);
    std::ostringstream text;
    if (in) text << in.rdbuf();
    used = secret_string(std::string(detail::trim(std::move(text).str())));
    if (!in || used.empty()) {
      diag = detail::invalid_setting(name, std::string(wire::env_federated_token_file),
                                     "'" + token_file + "' cannot be read or is empty",
                                     "mount the projected service account token (azure-identity-token) there");
      return make_error_code(errc::invalid_argument);
    }
    form.add(wire::form_client_assertion_type, wire::jwt_bearer_assertion_type);
    form.add(wire::form_client_id, client_id);
    form.add(wire::form_client_assertion, used.reveal());
    return {};
  };
  return std::make_shared<detail::entra_source>(std::string(name), sender, std::move(cache),
                                                detail::token_endpoint(authority, tenant_id), std::move(client_auth));
}

}  // namespace

workload_identity_credential::workload_identity_credential(http::sender& sender, workload_identity_options options)
    : cached_token_credential(make_source(sender, options)) {}

}  // namespace amlk8s::auth
