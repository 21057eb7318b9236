// contracts/kubernetes.md §3.1: the field names are exact.
#include <amlk8s/local/kube/kubeconfig.hpp>

#include "encoding.hpp"

#include <amlk8s/core/error.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

namespace amlk8s::local::kube {

namespace {
// A YAML double-quoted scalar: JSON string syntax is valid YAML.
std::string q(std::string_view s) { return boost::json::serialize(boost::json::string(s)); }
}  // namespace

std::string write_kubeconfig(const kubeconfig_params& p) {
  if (p.cluster_name.empty()) throw error(errc::invalid_argument, "kubeconfig_params.cluster_name is empty: name the cluster");
  if (p.server.empty()) throw error(errc::invalid_argument, "kubeconfig_params.server is empty: give the API server URL");
  if (p.insecure_skip_tls_verify && p.ca_pem)
    throw error(errc::invalid_argument,
                "kubeconfig_params sets both ca_pem and insecure_skip_tls_verify: kubectl rejects the pair; keep the CA");
  std::string y;
  y += "apiVersion: v1\n";
  y += "kind: Config\n";
  y += "clusters:\n";
  y += "- name: " + q(p.cluster_name) + "\n";
  y += "  cluster:\n";
  y += "    server: " + q(p.server) + "\n";
  if (p.ca_pem) y += "    certificate-authority-data: " + detail::base64_encode(*p.ca_pem) + "\n";
  if (p.insecure_skip_tls_verify) y += "    insecure-skip-tls-verify: true\n";
  y += "users:\n";
  y += "- name: " + q(p.cluster_name) + "\n";
  y += "  user:\n";
  if (!p.token.empty()) y += "    token: " + q(p.token) + "\n";
  else y += "    {}\n";
  y += "contexts:\n";
  y += "- name: " + q(p.cluster_name) + "\n";
  y += "  context:\n";
  y += "    cluster: " + q(p.cluster_name) + "\n";
  y += "    user: " + q(p.cluster_name) + "\n";
  if (!p.ns.empty()) y += "    namespace: " + q(p.ns) + "\n";
  y += "current-context: " + q(p.cluster_name) + "\n";
  y += "preferences: {}\n";
  return y;
}

}  // namespace amlk8s::local::kube
