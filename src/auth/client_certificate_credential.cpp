#include <amlk8s/auth/client_certificate_credential.hpp>

#include "auth/authority.hpp"
#include "auth/client_assertion.hpp"
#include "auth/entra_source.hpp"
#include "auth/wire.hpp"

#include <fstream>
#include <sstream>

namespace amlk8s::auth {
namespace {

std::shared_ptr<detail::token_source> make_source(http::sender& sender, std::string tenant_id, std::string client_id,
                                                  std::string certificate_path, client_certificate_options& options) {
  std::vector<validation_issue> issues;
  auto authority = detail::check_entra_settings(tenant_id, "tenant_id", client_id, "client_id", options.authority_host, issues);

  secret_string pem = options.certificate_pem;
  if (pem.empty()) {
    std::ifstream in(certificate_path, std::ios::binary);
    if (certificate_path.empty() || !in) {
      issues.push_back({"certificate_path", "'" + certificate_path + "' cannot be read",
                        "give a PEM file holding the certificate and its private key"});
    } else {
      std::ostringstream text;
      text << in.rdbuf();
      pem = secret_string(std::move(text).str());
    }
  }
  std::shared_ptr<detail::assertion_signer> signer;
  if (!pem.empty()) {
    std::string why;
    signer = detail::assertion_signer::load(pem, options.password, why);
    if (!signer) {
      issues.push_back({"certificate_path", why + (certificate_path.empty() ? "" : " ('" + certificate_path + "')"),
                        "give a PEM file with the certificate and its RSA private key (and its password if encrypted)"});
    }
  }
  if (!issues.empty()) throw validation_error(std::move(issues));

  auto endpoint = detail::token_endpoint(authority, tenant_id);
  auto cache = detail::cache_or_new(std::move(options.cache));
  // §4.1 certificate form: grant_type, client_assertion_type, client_id, client_assertion, scope; the
  // assertion's audience is the token endpoint itself.
  auto client_auth = [client_id, signer, endpoint, cache = std::weak_ptr<token_cache>(cache),
                      chain = options.send_certificate_chain](detail::form_builder& form, diagnostics& diag,
                                                              secret_string& used) -> error_code {
    auto c = cache.lock();
    auto now = c ? c->now() : std::chrono::system_clock::now();
    used = signer->make_assertion(endpoint, client_id, now, chain);
    if (used.empty()) {
      diag.client_message = "ClientCertificateCredential: signing the client assertion failed";
      return make_error_code(errc::authentication_failed);
    }
    form.add(wire::form_client_assertion_type, wire::jwt_bearer_assertion_type);
    form.add(wire::form_client_id, client_id);
    form.add(wire::form_client_assertion, used.reveal());
    return {};
  };
  return std::make_shared<detail::entra_source>("ClientCertificateCredential", sender, std::move(cache),
                                                std::move(endpoint), std::move(client_auth));
}

}  // namespace

client_certificate_credential::client_certificate_credential(http::sender& sender, std::string tenant_id,
                                                             std::string client_id, std::string certificate_path,
                                                             client_certificate_options options)
    : cached_token_credential(
          make_source(sender, std::move(tenant_id), std::move(client_id), std::move(certificate_path), options)) {}

}  // namespace amlk8s::auth
