// The kubeconfig of a simulated cluster (contracts/kubernetes.md §3.1), so that
// `kubectl --kubeconfig FILE get nodes` and the Python client reach it.
#pragma once

#include <optional>
#include <string>

namespace amlk8s::local::kube {

/// What goes into a kubeconfig file for one cluster.
struct kubeconfig_params {
  std::string cluster_name;           ///< names the cluster, the user and the context
  std::string server;                 ///< e.g. https://127.0.0.1:8443/k8s/NAME
  std::optional<std::string> ca_pem;  ///< the server's CA (PEM); written as certificate-authority-data
  std::string token;                  ///< bearer token; omitted when empty
  std::string ns;                     ///< the context's namespace; omitted when empty
  bool insecure_skip_tls_verify = false;  ///< only without a CA: kubectl rejects both together
};

/// The kubeconfig YAML text (`apiVersion: v1`, `kind: Config`) with one cluster, one user and one
/// context, all named after the cluster, and that context current.
std::string write_kubeconfig(const kubeconfig_params& params);

}  // namespace amlk8s::local::kube
