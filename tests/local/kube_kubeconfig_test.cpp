// The kubeconfig of a simulated cluster (contracts/kubernetes.md §3.1).
#include <amlk8s/core/error.hpp>
#include <amlk8s/local/kube/kubeconfig.hpp>

#include <gtest/gtest.h>

namespace {

using amlk8s::local::kube::kubeconfig_params;
using amlk8s::local::kube::write_kubeconfig;

TEST(KubeKubeconfig, WritesClusterUserAndContextNamedAfterTheCluster) {
  kubeconfig_params p;
  p.cluster_name = "dev-aks";
  p.server = "https://127.0.0.1:8443/k8s/dev-aks";
  p.ca_pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  p.token = "tok\"en";
  p.ns = "azureml";
  EXPECT_EQ(write_kubeconfig(p),
            "apiVersion: v1\n"
            "kind: Config\n"
            "clusters:\n"
            "- name: \"dev-aks\"\n"
            "  cluster:\n"
            "    server: \"https://127.0.0.1:8443/k8s/dev-aks\"\n"
            "    certificate-authority-data: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=\n"
            "users:\n"
            "- name: \"dev-aks\"\n"
            "  user:\n"
            "    token: \"tok\\\"en\"\n"
            "contexts:\n"
            "- name: \"dev-aks\"\n"
            "  context:\n"
            "    cluster: \"dev-aks\"\n"
            "    user: \"dev-aks\"\n"
            "    namespace: \"azureml\"\n"
            "current-context: \"dev-aks\"\n"
            "preferences: {}\n");
}

TEST(KubeKubeconfig, PlainHttpWithoutCredentials) {
  kubeconfig_params p;
  p.cluster_name = "c";
  p.server = "http://127.0.0.1:8080";
  auto y = write_kubeconfig(p);
  EXPECT_EQ(y.find("certificate-authority-data"), std::string::npos);
  EXPECT_NE(y.find("  user:\n    {}\n"), std::string::npos);
}

TEST(KubeKubeconfig, RejectsWhatKubectlWouldReject) {
  kubeconfig_params p;
  p.cluster_name = "c";
  p.server = "https://x";
  p.ca_pem = "pem";
  p.insecure_skip_tls_verify = true;
  EXPECT_THROW(write_kubeconfig(p), amlk8s::error);
  EXPECT_THROW(write_kubeconfig({}), amlk8s::error);
}

}  // namespace
