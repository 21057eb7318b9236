#include <amlk8s/auth/environment_credential.hpp>

#include <amlk8s/auth/client_certificate_credential.hpp>
#include <amlk8s/auth/client_secret_credential.hpp>

#include "auth/completion.hpp"
#include "auth/encoding.hpp"
#include "auth/wire.hpp"

namespace amlk8s::auth {

environment_credential::environment_credential(http::sender& sender, environment_credential_options options)
    : executor_(sender.get_executor()) {
  // §4.1 environment credential variables, read once.
  auto tenant = detail::env(wire::env_tenant_id);
  auto client = detail::env(wire::env_client_id);
  auto secret = detail::env(wire::env_client_secret);
  auto cert_path = detail::env(wire::env_client_certificate_path);
  const std::string name(wire::environment_credential_name);

  std::vector<validation_issue> missing;
  if (!tenant) missing.push_back({std::string(wire::env_tenant_id), "is not set", "set the directory (tenant) id"});
  if (!client) missing.push_back({std::string(wire::env_client_id), "is not set", "set the application (client) id"});
  if (!secret && !cert_path) {
    missing.push_back({std::string(wire::env_client_secret) + " or " + std::string(wire::env_client_certificate_path),
                       "neither is set", "set a client secret, or the path of a PEM certificate with its private key"});
  }
  if (!missing.empty()) {
    unavailable_.client_message = name + " is not configured";
    unavailable_.validation = std::move(missing);
    return;
  }
  try {
    if (secret) {
      client_secret_options o;
      static_cast<entra_credential_options&>(o) = options;
      inner_ = std::make_shared<client_secret_credential>(sender, *tenant, *client, secret_string(*secret), std::move(o));
    } else {
      client_certificate_options o;
      static_cast<entra_credential_options&>(o) = options;
      if (auto pw = detail::env(wire::env_client_certificate_password)) o.password = secret_string(*pw);
      auto chain = detail::env(wire::env_client_send_certificate_chain).value_or("");
      o.send_certificate_chain = chain == "1" || http::iequals(chain, "true");
      inner_ = std::make_shared<client_certificate_credential>(sender, *tenant, *client, *cert_path, std::move(o));
    }
  } catch (const amlk8s::error& e) {
    unavailable_ = e.diag();
    unavailable_.client_message = name + " is not configured";
    // The fields are the environment variables the user set, not constructor arguments.
    for (auto& issue : unavailable_.validation) {
      if (issue.field == "tenant_id") issue.field = std::string(wire::env_tenant_id);
      if (issue.field == "client_id") issue.field = std::string(wire::env_client_id);
      if (issue.field == "client_secret") issue.field = std::string(wire::env_client_secret);
      if (issue.field == "certificate_path") issue.field = std::string(wire::env_client_certificate_path);
    }
  }
}

boost::asio::any_io_executor environment_credential::get_executor() { return executor_; }

void environment_credential::async_get_token_erased(std::vector<std::string> scopes, diagnostics& diag,
                                                    handler_type handler) {
  if (inner_) {
    inner_->async_get_token_erased(std::move(scopes), diag, std::move(handler));
    return;
  }
  diag = unavailable_;
  detail::post_completion(executor_, std::move(handler), make_error_code(errc::invalid_argument), access_token{});
}

void environment_credential::invalidate(const std::vector<std::string>& scopes) {
  if (inner_) inner_->invalidate(scopes);
}

}  // namespace amlk8s::auth
