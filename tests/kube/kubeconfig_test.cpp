// Kubeconfig loading and resolution (contracts/kubernetes.md §3.1, §3.2, §3.4).
#include <amlk8s/core/error.hpp>
#include <amlk8s/kube/kubeconfig.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>

namespace kube_config_test {

namespace fs = std::filesystem;
using namespace amlk8s;

// A fresh folder under the system temp folder, removed afterwards.
struct temp_dir {
  fs::path path;
  temp_dir() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("amlk8s-kubeconfig-" + std::to_string(std::random_device{}()) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, const std::string& text) const {
    auto p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
};

// "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n" in base64.
constexpr const char* ca_pem = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
constexpr const char* ca_b64 = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCkNBCi0tLS0tRU5EIENFUlRJRklDQVRFLS0tLS0K";

// The text of the exception `fn` throws, with its validation issues.
template <class Fn>
std::string failure_of(Fn&& fn) {
  try {
    fn();
  } catch (const error& e) {
    EXPECT_EQ(e.condition(), errc::invalid_argument);
    std::string text = e.what();
    for (const auto& i : e.diag().validation) text += "\n" + i.field + " | " + i.message + " | " + i.fix;
    return text;
  }
  ADD_FAILURE() << "no exception";
  return {};
}

}  // namespace kube_config_test

namespace {

using namespace kube_config_test;
using amlk8s::kube::auth_kind;
using amlk8s::kube::kubeconfig;

TEST(KubeConfigLoad, ReadsEveryClusterAndUserField) {
  temp_dir d;
  d.write("certs/ca.crt", ca_pem);
  d.write("certs/client.crt", "CLIENT-CERT");
  d.write("certs/client.key", "CLIENT-KEY");
  auto file = d.write("config", R"(apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster:
    server: https://prod.example:6443/
    certificate-authority: certs/ca.crt
    tls-server-name: api.internal
    proxy-url: http://proxy:3128
- name: data
  cluster:
    server: https://data.example
    certificate-authority: certs/missing.crt
    certificate-authority-data: )" + std::string(ca_b64) + R"(
users:
- name: alice
  user:
    client-certificate: certs/client.crt
    client-key: certs/client.key
    token: s3cr3t-token
contexts:
- name: prod
  context: {cluster: prod, user: alice, namespace: ml}
- name: data
  context: {cluster: data, user: alice}
current-context: prod
)");
  auto k = kubeconfig::load_file(file);
  ASSERT_EQ(k.clusters().size(), 2u);
  EXPECT_EQ(k.clusters().at("prod").certificate_authority, (d.path / "certs/ca.crt").string());

  auto c = k.resolve();
  EXPECT_EQ(c.server, "https://prod.example:6443");
  EXPECT_EQ(c.context, "prod");
  EXPECT_EQ(c.ns, "ml");
  EXPECT_EQ(c.ca_pem, ca_pem);
  EXPECT_EQ(c.tls_server_name, "api.internal");
  EXPECT_EQ(c.proxy_url, "http://proxy:3128");
  EXPECT_EQ(c.client_certificate_pem, "CLIENT-CERT");
  EXPECT_EQ(c.client_key_pem.reveal(), "CLIENT-KEY");
  EXPECT_EQ(c.auth, auth_kind::token);
  EXPECT_EQ(c.token.reveal(), "s3cr3t-token");
  // Secrets never show.
  auto text = c.to_string();
  EXPECT_EQ(text.find("s3cr3t"), std::string::npos) << text;
  EXPECT_EQ(text.find("CLIENT-KEY"), std::string::npos) << text;

  // The context override; -data wins over a path, even one that does not exist.
  auto data = k.resolve({.context = "data", .ns = "other"});
  EXPECT_EQ(data.ca_pem, ca_pem);
  EXPECT_EQ(data.ns, "other");
  EXPECT_EQ(k.resolve({.context = "data"}).ns, "default");
}

TEST(KubeConfigLoad, TokenFileBasicAndExecUsers) {
  auto k = kubeconfig::parse(R"(
clusters: [{name: c, cluster: {server: "https://c"}}]
users:
- name: file
  user: {tokenFile: tok, token: fallback}
- name: basic
  user: {username: bob, password: hunter2}
- name: exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: ./bin/plugin
      args: [get-token, --server-id, abc]
      env: [{name: A, value: "1"}]
      provideClusterInfo: true
contexts:
- {name: file, context: {cluster: c, user: file}}
- {name: basic, context: {cluster: c, user: basic}}
- {name: exec, context: {cluster: c, user: exec}}
- {name: anonymous, context: {cluster: c}}
)",
                             "/etc/kube/config");
  auto file = k.resolve({.context = "file"});
  EXPECT_EQ(file.auth, auth_kind::token_file);
  EXPECT_EQ(file.token_file, "/etc/kube/tok");
  EXPECT_EQ(file.token.reveal(), "fallback");
  auto basic = k.resolve({.context = "basic"});
  EXPECT_EQ(basic.auth, auth_kind::basic);
  EXPECT_EQ(basic.username, "bob");
  EXPECT_EQ(basic.password.reveal(), "hunter2");
  EXPECT_EQ(basic.to_string().find("hunter2"), std::string::npos);
  auto exec = k.resolve({.context = "exec"});
  ASSERT_EQ(exec.auth, auth_kind::exec);
  ASSERT_TRUE(exec.exec);
  EXPECT_EQ(exec.exec->command, "./bin/plugin");
  EXPECT_EQ(exec.exec->base_dir, "/etc/kube");
  EXPECT_EQ(exec.exec->args, (std::vector<std::string>{"get-token", "--server-id", "abc"}));
  ASSERT_EQ(exec.exec->env.size(), 1u);
  EXPECT_EQ(exec.exec->env[0].value, "1");
  EXPECT_TRUE(exec.exec->provide_cluster_info);
  EXPECT_EQ(exec.exec->interactive_mode, "IfAvailable");  // the v1beta1 default
  EXPECT_EQ(k.resolve({.context = "anonymous"}).auth, auth_kind::none);
}

TEST(KubeConfigLoad, FirstFileWinsForEntriesAndCurrentContext) {
  temp_dir d;
  auto a = d.write("a", R"(
clusters: [{name: shared, cluster: {server: "https://from-a"}}]
users: [{name: u, user: {token: token-a}}]
contexts: [{name: ctx-a, context: {cluster: shared, user: u}}]
current-context: ctx-a
)");
  auto b = d.write("b", R"(
clusters:
- {name: shared, cluster: {server: "https://from-b", insecure-skip-tls-verify: true}}
- {name: only-b, cluster: {server: "https://only-b"}}
users: [{name: u, user: {token: token-b}}]
contexts:
- {name: ctx-b, context: {cluster: only-b, user: u}}
- {name: ctx-shared, context: {cluster: shared}}
current-context: ctx-b
)");
  auto ab = kubeconfig::load_files({a, d.path / "missing", b});
  EXPECT_EQ(ab.current_context(), "ctx-a");
  EXPECT_EQ(ab.sources().size(), 2u);
  auto c = ab.resolve();
  EXPECT_EQ(c.server, "https://from-a");
  EXPECT_EQ(c.token.reveal(), "token-a");
  // The whole entry comes from the first file: b's insecure flag is not merged into a's cluster.
  EXPECT_FALSE(ab.resolve({.context = "ctx-shared"}).insecure_skip_tls_verify);
  EXPECT_EQ(ab.resolve({.context = "ctx-b"}).server, "https://only-b");

  auto ba = kubeconfig::load_files({b, a});
  EXPECT_EQ(ba.current_context(), "ctx-b");
  EXPECT_EQ(ba.resolve({.context = "ctx-a"}).server, "https://from-b");
  EXPECT_EQ(ba.resolve({.context = "ctx-a"}).token.reveal(), "token-b");
}

TEST(KubeConfigLoad, KubeconfigVariableListsFiles) {
  temp_dir d;
  auto a = d.write("a", "clusters: [{name: x, cluster: {server: 'https://a'}}]\ncontexts: [{name: x, context: {cluster: x}}]\n");
  auto b = d.write("b", "current-context: x\n");
  std::string saved = std::getenv("KUBECONFIG") ? std::getenv("KUBECONFIG") : "";
  ::setenv("KUBECONFIG", (d.path.string() + "/nope:" + b.string() + ":" + a.string()).c_str(), 1);
  auto c = amlk8s::kube::load_cluster_config();
  EXPECT_EQ(c.server, "https://a");
  ::setenv("KUBECONFIG", (d.path / "nope").c_str(), 1);
  auto text = failure_of([] { kubeconfig::load_default(); });
  EXPECT_NE(text.find("KUBECONFIG"), std::string::npos) << text;
  if (saved.empty())
    ::unsetenv("KUBECONFIG");
  else
    ::setenv("KUBECONFIG", saved.c_str(), 1);
}

TEST(KubeConfigLoad, ErrorsNameTheFieldAndTheFix) {
  temp_dir d;
  auto bad = d.write("bad", "clusters: [{name: x\n  cluster: {server: 'https://a'}\n");
  auto text = failure_of([&] { kubeconfig::load_file(bad); });
  EXPECT_NE(text.find(bad.string()), std::string::npos) << text;
  EXPECT_NE(text.find("YAML"), std::string::npos) << text;

  text = failure_of([&] { kubeconfig::load_file(d.path / "absent"); });
  EXPECT_NE(text.find("absent"), std::string::npos) << text;

  auto k = kubeconfig::parse(R"(
clusters:
- {name: c, cluster: {server: "https://c", certificate-authority: /no/such/ca.crt}}
- {name: both, cluster: {server: "https://c", insecure-skip-tls-verify: true, certificate-authority-data: )" +
                             std::string(ca_b64) + R"(}}
users:
- {name: two, user: {token: tok-SECRET, username: u, password: pw-SECRET}}
- {name: half, user: {client-certificate-data: Q0VSVA==}}
- {name: v1, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: x}}}
- {name: alpha, user: {exec: {apiVersion: client.authentication.k8s.io/v1alpha1, command: x, interactiveMode: Never}}}
contexts:
- {name: missing-ca, context: {cluster: c}}
- {name: insecure, context: {cluster: both}}
- {name: two-methods, context: {cluster: c, user: two}}
- {name: half, context: {cluster: nowhere, user: half}}
- {name: v1, context: {cluster: both, user: v1}}
- {name: alpha, context: {cluster: both, user: alpha}}
current-context: not-there
)",
                             "/k/config");
  text = failure_of([&] { k.resolve(); });
  EXPECT_NE(text.find("'not-there' is not defined"), std::string::npos) << text;
  EXPECT_NE(text.find("missing-ca"), std::string::npos) << text;  // lists the defined contexts

  text = failure_of([&] { k.resolve({.context = "missing-ca"}); });
  EXPECT_NE(text.find("clusters[c].cluster.certificate-authority"), std::string::npos) << text;
  EXPECT_NE(text.find("/no/such/ca.crt"), std::string::npos) << text;

  text = failure_of([&] { k.resolve({.context = "insecure"}); });
  EXPECT_NE(text.find("insecure flag is not allowed"), std::string::npos) << text;

  text = failure_of([&] { k.resolve({.context = "two-methods"}); });
  EXPECT_NE(text.find("more than one authentication method"), std::string::npos) << text;
  EXPECT_EQ(text.find("SECRET"), std::string::npos) << text;

  text = failure_of([&] { k.resolve({.context = "half"}); });
  EXPECT_NE(text.find("contexts[half].context.cluster"), std::string::npos) << text;
  EXPECT_NE(text.find("users[half].user.client-key"), std::string::npos) << text;

  text = failure_of([&] { k.resolve({.context = "v1"}); });
  EXPECT_NE(text.find("interactiveMode"), std::string::npos) << text;

  text = failure_of([&] { k.resolve({.context = "alpha"}); });
  EXPECT_NE(text.find("v1alpha1 is no longer accepted"), std::string::npos) << text;

  text = failure_of([] { kubeconfig::parse("users: [{name: u, user: {client-key-data: '@@@'}}]", "/k/f"); });
  EXPECT_NE(text.find("users[u].user.client-key-data"), std::string::npos) << text;
  EXPECT_NE(text.find("base64"), std::string::npos) << text;
}

TEST(KubeInCluster, ReadsServiceAccountFilesFromOverriddenPaths) {
  temp_dir d;
  amlk8s::kube::in_cluster_options o;
  o.service_host = "10.0.0.1";
  o.service_port = "443";
  o.token_file = d.write("sa/token", "sa-token\n");
  o.ca_file = d.write("sa/ca.crt", ca_pem);
  o.namespace_file = d.write("sa/namespace", "azureml\n");
  EXPECT_TRUE(amlk8s::kube::in_cluster(o));
  auto c = amlk8s::kube::in_cluster_config(o);
  EXPECT_EQ(c.server, "https://10.0.0.1:443");
  EXPECT_EQ(c.auth, auth_kind::token_file);
  EXPECT_EQ(c.token_file, o.token_file);
  EXPECT_EQ(c.ca_pem, ca_pem);
  EXPECT_EQ(c.ns, "azureml");

  // IPv6 in brackets; a missing CA and namespace are not fatal.
  o.service_host = "fd00::1";
  o.ca_file = d.path / "none";
  o.namespace_file = d.path / "none";
  c = amlk8s::kube::in_cluster_config(o);
  EXPECT_EQ(c.server, "https://[fd00::1]:443");
  EXPECT_TRUE(c.ca_pem.empty());
  EXPECT_EQ(c.ns, "default");

  o.token_file = d.path / "none";
  auto text = failure_of([&] { amlk8s::kube::in_cluster_config(o); });
  EXPECT_NE(text.find("service account token"), std::string::npos) << text;

  o.service_host = "";
  EXPECT_FALSE(amlk8s::kube::in_cluster(o));
  text = failure_of([&] { amlk8s::kube::in_cluster_config(o); });
  EXPECT_NE(text.find("KUBERNETES_SERVICE_HOST"), std::string::npos) << text;
}

}  // namespace
