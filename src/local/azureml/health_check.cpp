// The extension's HealthCheck hook (contracts/arm-extensions.md §2.10; kubernetes.md §1.6): the
// checks, their codes and the report ConfigMap.
#include "local/azureml/agent_impl.hpp"

#include "local/azureml/wire.hpp"
#include "local/common/text.hpp"

#include <amlk8s/core/error.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace amlk8s::local::azureml {

namespace {

std::string setting(const settings_map& settings, std::string_view key) {
  const auto it = settings.find(std::string(key));
  return it == settings.end() ? std::string{} : it->second;
}

bool has(const settings_map& settings, std::string_view key) { return settings.contains(std::string(key)); }

check_result fail(const wire::check_code& c, std::string message) { return {c.code, c.name, false, std::move(message)}; }
check_result pass(const wire::check_code& c) { return {c.code, c.name, true, {}}; }

// PEM with a passphrase is unsupported (§2.3): never prompt for one.
int no_passphrase(char*, int, int, void*) { return 0; }

struct openssl_free {
  void operator()(BIO* p) const noexcept { BIO_free(p); }
  void operator()(X509* p) const noexcept { X509_free(p); }
  void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); }
};

// Why a certificate/key pair does not serve `cname`; empty when it does.
std::string check_pem_pair(std::string_view cert_pem, std::string_view key_pem, std::string_view cname) {
  std::unique_ptr<BIO, openssl_free> cert_bio(BIO_new_mem_buf(cert_pem.data(), static_cast<int>(cert_pem.size())));
  std::unique_ptr<X509, openssl_free> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, no_passphrase, nullptr));
  std::unique_ptr<BIO, openssl_free> key_bio(BIO_new_mem_buf(key_pem.data(), static_cast<int>(key_pem.size())));
  std::unique_ptr<EVP_PKEY, openssl_free> key(PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr));
  std::string why;
  if (!cert) why = "the certificate is not a PEM-encoded X.509 certificate";
  else if (!key) why = "the key is not a PEM-encoded private key without a passphrase";
  else if (X509_check_private_key(cert.get(), key.get()) != 1) why = "the private key does not match the certificate";
  else if (X509_check_host(cert.get(), cname.data(), cname.size(), 0, nullptr) != 1)
    why = "the certificate is not valid for sslCname '" + std::string(cname) + "'";
  ERR_clear_error();
  return why;
}

// E40007: the SSL material the chart would use.
check_result check_ssl(const kube::api_server& api, const settings_map& settings, const settings_map& secrets) {
  const auto& code = wire::invalid_ssl_setting;
  const bool insecure = model::setting_is_true(setting(settings, wire::allow_insecure));
  auto secret_name = setting(settings, wire::ssl_secret);
  if (secret_name.empty()) secret_name = setting(settings, wire::ssl_secret_cli);
  const bool pem_given = has(secrets, wire::ssl_cert) || has(secrets, wire::ssl_key);
  if (!pem_given && secret_name.empty()) {
    if (insecure) return pass(code);
    return fail(code, "SSL is enabled (allowInsecureConnections is not True) but no certificate is configured: set " +
                          std::string(wire::ssl_secret) + ", or protected " + std::string(wire::ssl_cert) + " and " +
                          std::string(wire::ssl_key));
  }
  const auto cname = setting(settings, wire::ssl_cname);
  if (cname.empty()) return fail(code, "sslCname is required when SSL is enabled");
  std::string cert_pem, key_pem, source;
  if (pem_given) {
    // The CLI puts base64 of the PEM files here (§2.3).
    const auto cert = base64_decode(setting(secrets, wire::ssl_cert));
    const auto key = base64_decode(setting(secrets, wire::ssl_key));
    if (!cert || cert->empty()) return fail(code, std::string(wire::ssl_cert) + " is not base64 of a PEM certificate");
    if (!key || key->empty()) return fail(code, std::string(wire::ssl_key) + " is not base64 of a PEM private key");
    cert_pem = *cert;
    key_pem = *key;
    source = "the protected settings " + std::string(wire::ssl_cert) + "/" + std::string(wire::ssl_key);
  } else {
    const auto secret = api.get(kube::resources::secrets, model::azureml_namespace, secret_name);
    if (!secret)
      return fail(code, "secret '" + secret_name + "' named by sslSecret does not exist in namespace azureml");
    auto read = [&](std::string_view key) -> std::optional<std::string> {
      if (const auto* data = secret->if_contains("data"); data && data->is_object())
        if (const auto* v = data->as_object().if_contains(key); v && v->is_string()) return base64_decode(v->as_string());
      if (const auto* data = secret->if_contains("stringData"); data && data->is_object())
        if (const auto* v = data->as_object().if_contains(key); v && v->is_string()) return std::string(v->as_string());
      return std::nullopt;
    };
    const auto cert = read(wire::secret_cert_key);
    const auto key = read(wire::secret_key_key);
    if (!cert || !key)
      return fail(code, "secret '" + secret_name + "' must hold " + std::string(wire::secret_cert_key) + " and " +
                            std::string(wire::secret_key_key));
    cert_pem = *cert;
    key_pem = *key;
    source = "secret '" + secret_name + "'";
  }
  if (auto why = check_pem_pair(cert_pem, key_pem, cname); !why.empty()) return fail(code, why + " (from " + source + ")");
  return pass(code);
}

}  // namespace

const check_result* health_report::failure() const noexcept {
  for (const auto& c : checks)
    if (!c.passed) return &c;
  return nullptr;
}

health_report run_health_check(const kube::api_server& api, const cluster_spec& cluster, std::string_view hook,
                               const settings_map& settings, const settings_map& protected_settings) {
  health_report report;
  report.hook = std::string(hook);
  if (hook == wire::pre_delete) return report;  // nothing blocks an uninstall

  // E45005 (§3 item 3): the legacy AKS v1 router, in any namespace.
  {
    std::string where;
    for (const auto& d : api.list(kube::resources::deployments))
      if (const auto* m = d.if_contains("metadata"); m && m->is_object())
        if (const auto* n = m->as_object().if_contains("name"); n && n->is_string() && n->as_string() == wire::legacy_fe_name)
          where = m->as_object().contains("namespace") ? std::string(m->as_object().at("namespace").as_string()) : "";
    report.checks.push_back(where.empty()
                                ? pass(wire::azureml_fe_deployment_conflict)
                                : fail(wire::azureml_fe_deployment_conflict,
                                       "Azureml Fe deployment conflict: the legacy deployment azureml-fe exists in namespace " +
                                           where + "; delete the AKS v1 azureml-fe resources first"));
  }
  if (!model::setting_is_true(setting(settings, wire::enable_inference))) return report;

  // E40002: azureml-fe with HA runs 3 replicas on distinct nodes.
  const auto selector = node_selector(settings);
  const bool ha = !has(settings, wire::inference_router_ha) || model::setting_is_true(setting(settings, wire::inference_router_ha));
  const auto nodes = matching_nodes(api, selector).size();
  if (ha && nodes < static_cast<std::size_t>(wire::ha_min_nodes))
    report.checks.push_back(fail(wire::insufficient_node,
                                 "inferenceRouterHA needs at least 3 nodes" + std::string(selector.empty() ? "" : " matching the nodeSelector") +
                                     ", the cluster has " + std::to_string(nodes) + "; set inferenceRouterHA=False"));
  else
    report.checks.push_back(pass(wire::insufficient_node));

  // E40001: a LoadBalancer router needs a cluster that provisions load balancers.
  const auto service_type = detail::to_lower(setting(settings, wire::router_service_type));
  if (service_type == "loadbalancer" && !supports_load_balancer(cluster))
    report.checks.push_back(fail(wire::load_balancer_not_support,
                                 "inferenceRouterServiceType LoadBalancer needs a cluster that provisions load balancers; "
                                 "use NodePort or ClusterIP"));
  else
    report.checks.push_back(pass(wire::load_balancer_not_support));

  // E40003: the internal load balancer is an AKS feature.
  const bool internal_lb = model::setting_is_true(setting(settings, wire::internal_lb_flag)) ||
                           detail::to_lower(setting(settings, wire::internal_lb_provider)) == "azure";
  if (internal_lb && cluster.kind != cluster_kind::aks)
    report.checks.push_back(fail(wire::internal_load_balancer_not_support,
                                 "Internal load balancer only supported on AKS and AKS Engine Clusters"));
  else
    report.checks.push_back(pass(wire::internal_load_balancer_not_support));

  report.checks.push_back(check_ssl(api, settings, protected_settings));
  return report;
}

void write_report(kube::api_server& api, const health_report& report) {
  // [infer] The report's layout is not documented; this one lists every check with its result.
  boost::json::array checks;
  for (const auto& c : report.checks) {
    boost::json::object o{{"code", c.code}, {"name", c.name}, {"result", c.passed ? "Passed" : "Failed"}};
    if (!c.passed) o["message"] = c.message;
    checks.push_back(std::move(o));
  }
  const auto* failed = report.failure();
  boost::json::object text{{"hook", report.hook},
                           {"time", rfc3339(now_of(api))},
                           {"result", failed ? "Failed" : "Passed"},
                           {"checks", std::move(checks)}};
  const std::string ns(model::azureml_namespace);
  if (!api.get(kube::resources::namespaces, "", ns))
    api.create(kube::resources::namespaces,
               boost::json::object{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
  auto cm = api.get(kube::resources::configmaps, ns, wire::healthcheck_configmap)
                .value_or(boost::json::object{{"apiVersion", "v1"},
                                              {"kind", "ConfigMap"},
                                              {"metadata", {{"name", wire::healthcheck_configmap}, {"namespace", ns}}}});
  auto& data = cm["data"];
  if (!data.is_object()) data = boost::json::object{};
  data.as_object()[std::string(wire::report_key_prefix) + report.hook] = boost::json::serialize(text);
  api.create_or_replace(kube::resources::configmaps, std::move(cm));
}

std::string base64_encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()), static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string clean;
  for (const char c : text)
    if (c != '\n' && c != '\r' && c != ' ' && c != '\t') clean.push_back(c);
  if (clean.size() % 4 != 0) return std::nullopt;
  if (clean.empty()) return std::string{};
  std::string out(clean.size() / 4 * 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0) return std::nullopt;
  std::size_t size = static_cast<std::size_t>(n);
  for (std::size_t i = clean.size(); i > 0 && clean[i - 1] == '=' && size > 0; --i) --size;  // padding
  out.resize(size);
  return out;
}

}  // namespace amlk8s::local::azureml
