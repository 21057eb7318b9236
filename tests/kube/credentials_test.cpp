// The Authorization header per auth kind: token, tokenFile, basic and exec plugins
// (contracts/kubernetes.md §3.2, §3.3).
#include <amlk8s/kube/credentials.hpp>

#include <boost/asio/thread_pool.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <future>
#include <random>

#include <sys/stat.h>

namespace kube_credentials_test {

namespace fs = std::filesystem;
using namespace amlk8s;

struct scratch {
  fs::path path;
  scratch() {
    static std::atomic<int> counter{0};
    path = fs::temp_directory_path() /
           ("amlk8s-kubecred-" + std::to_string(std::random_device{}()) + "-" + std::to_string(counter++));
    fs::create_directories(path);
  }
  ~scratch() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  fs::path write(const std::string& name, const std::string& text, bool executable = false) const {
    auto p = path / name;
    std::ofstream(p, std::ios::binary) << text;
    if (executable) ::chmod(p.c_str(), 0755);
    return p;
  }
};

struct answer {
  error_code ec;
  std::string value;
  diagnostics diag;
};

answer authorize(kube::credential_authorizer& a) {
  answer out;
  std::promise<void> done;
  a.async_authorization(http::request{}, out.diag, [&](error_code ec, std::string value) {
    out.ec = ec;
    out.value = std::move(value);
    done.set_value();
  });
  done.get_future().get();
  return out;
}

// A plugin that records its arguments, A and KUBERNETES_EXEC_INFO, counts its runs, and prints
// an ExecCredential with the given status.
std::string plugin_script(const fs::path& dir, const std::string& status_json,
                          const std::string& api_version = "client.authentication.k8s.io/v1beta1") {
  return "#!/bin/sh\n"
         "echo run >> '" + (dir / "runs").string() + "'\n"
         "printf '%s' \"$*\" > '" + (dir / "args").string() + "'\n"
         "printf '%s' \"$A\" > '" + (dir / "env").string() + "'\n"
         "printf '%s' \"$KUBERNETES_EXEC_INFO\" > '" + (dir / "info").string() + "'\n"
         "cat <<'EOF'\n"
         "{\"apiVersion\":\"" + api_version + "\",\"kind\":\"ExecCredential\",\"status\":" + status_json + "}\n"
         "EOF\n";
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

kube::cluster_config exec_config(const fs::path& program, const std::string& api_version = "client.authentication.k8s.io/v1beta1") {
  kube::cluster_config c;
  c.server = "https://k8s.example:6443";
  c.ca_pem = "PEM";
  c.auth = kube::auth_kind::exec;
  kube::exec_config e;
  e.api_version = api_version;
  e.command = program.filename().string();
  e.base_dir = program.parent_path();
  e.command = "./" + e.command;  // relative to the kubeconfig's folder
  e.args = {"get-token", "--login", "azurecli"};
  e.env = {{"A", "from-kubeconfig"}};
  e.provide_cluster_info = true;
  e.interactive_mode = "Never";
  c.exec = e;
  return c;
}

}  // namespace kube_credentials_test

namespace {

using namespace kube_credentials_test;

TEST(KubeCredentials, StaticTokenAndBasic) {
  boost::asio::thread_pool pool(1);
  kube::cluster_config c;
  c.auth = kube::auth_kind::token;
  c.token = secret_string("abc");
  kube::credential_authorizer token(pool.get_executor(), c);
  EXPECT_EQ(authorize(token).value, "Bearer abc");

  c.auth = kube::auth_kind::basic;
  c.username = "bob";
  c.password = secret_string("hunter2");
  kube::credential_authorizer basic(pool.get_executor(), c);
  EXPECT_EQ(authorize(basic).value, "Basic Ym9iOmh1bnRlcjI=");
}

TEST(KubeCredentials, TokenFileIsReReadAfterInvalidationAndFallsBackToToken) {
  boost::asio::thread_pool pool(1);
  scratch s;
  kube::cluster_config c;
  c.auth = kube::auth_kind::token_file;
  c.token_file = s.write("token", "first\n");
  c.token = secret_string("fallback");
  kube::credential_authorizer a(pool.get_executor(), c);
  EXPECT_EQ(authorize(a).value, "Bearer first");
  s.write("token", "second");
  EXPECT_EQ(authorize(a).value, "Bearer first");  // within the refresh period
  a.invalidate();                                  // as after a 401
  EXPECT_EQ(authorize(a).value, "Bearer second");

  c.token_file = s.path / "missing";
  kube::credential_authorizer fallback(pool.get_executor(), c);
  EXPECT_EQ(authorize(fallback).value, "Bearer fallback");
  c.token = {};
  kube::credential_authorizer none(pool.get_executor(), c);
  auto r = authorize(none);
  EXPECT_EQ(r.ec, errc::authentication_failed);
  EXPECT_NE(r.diag.client_message.find("tokenFile"), std::string::npos) << r.diag.client_message;
}

TEST(KubeCredentials, ExecPluginTokenIsCachedUntilItExpires) {
  boost::asio::thread_pool pool(2);
  scratch s;
  auto program = s.write("plugin", plugin_script(s.path, R"({"token":"exec-token","expirationTimestamp":"2200-01-01T00:00:00Z"})"), true);
  auto config = exec_config(program);
  kube::credential_authorizer a(pool.get_executor(), config);
  auto r = authorize(a);
  ASSERT_FALSE(r.ec) << r.diag.to_string();
  EXPECT_EQ(r.value, "Bearer exec-token");
  EXPECT_EQ(authorize(a).value, "Bearer exec-token");
  EXPECT_EQ(a.exec_runs(), 1u);

  // The plugin saw its arguments, its env and the ExecCredential with the cluster.
  EXPECT_EQ(slurp(s.path / "args"), "get-token --login azurecli");
  EXPECT_EQ(slurp(s.path / "env"), "from-kubeconfig");
  auto info = boost::json::parse(slurp(s.path / "info")).as_object();
  EXPECT_EQ(info.at("kind").as_string(), "ExecCredential");
  EXPECT_EQ(info.at("apiVersion").as_string(), "client.authentication.k8s.io/v1beta1");
  EXPECT_EQ(info.at("spec").at("interactive").as_bool(), false);
  EXPECT_EQ(info.at("spec").at("cluster").at("server").as_string(), "https://k8s.example:6443");
  EXPECT_EQ(info.at("spec").at("cluster").at("certificate-authority-data").as_string(), "UEVN");

  // A 401 runs it again.
  a.invalidate();
  EXPECT_EQ(authorize(a).value, "Bearer exec-token");
  EXPECT_EQ(a.exec_runs(), 2u);
}

TEST(KubeCredentials, ExpiredOrConcurrentExecCredentials) {
  boost::asio::thread_pool pool(2);
  scratch s;
  auto program = s.write("plugin", plugin_script(s.path, R"({"token":"t","expirationTimestamp":"2001-01-01T00:00:00Z"})",
                                                 "client.authentication.k8s.io/v1"),
                         true);
  kube::credential_authorizer a(pool.get_executor(), exec_config(program, "client.authentication.k8s.io/v1"));
  EXPECT_EQ(authorize(a).value, "Bearer t");
  EXPECT_EQ(authorize(a).value, "Bearer t");
  EXPECT_EQ(a.exec_runs(), 2u);  // already expired: every request runs it

  // Requests that arrive while the plugin runs share that run.
  kube::credential_authorizer b(pool.get_executor(), exec_config(program, "client.authentication.k8s.io/v1"));
  std::vector<std::future<answer>> waits;
  for (int i = 0; i < 4; ++i) waits.push_back(std::async(std::launch::async, [&] { return authorize(b); }));
  for (auto& w : waits) EXPECT_EQ(w.get().value, "Bearer t");
  EXPECT_LE(b.exec_runs(), 4u);
  EXPECT_GE(b.exec_runs(), 1u);
}

TEST(KubeCredentials, ExecPluginFailuresAreAuthenticationFailures) {
  boost::asio::thread_pool pool(1);
  scratch s;
  auto failing = s.write("failing", "#!/bin/sh\necho 'login required: run az login' >&2\nexit 3\n", true);
  auto cfg = exec_config(failing);
  cfg.exec->install_hint = "install kubelogin";
  kube::credential_authorizer a(pool.get_executor(), cfg);
  auto r = authorize(a);
  EXPECT_EQ(r.ec, errc::authentication_failed);
  EXPECT_NE(r.diag.client_message.find("exit status 3"), std::string::npos) << r.diag.client_message;
  EXPECT_NE(r.diag.client_message.find("run az login"), std::string::npos) << r.diag.client_message;
  EXPECT_NE(r.diag.client_message.find("install kubelogin"), std::string::npos) << r.diag.client_message;

  // The answer's apiVersion must be the configured one.
  auto other = s.write("other", plugin_script(s.path, R"({"token":"t"})", "client.authentication.k8s.io/v1"), true);
  kube::credential_authorizer b(pool.get_executor(), exec_config(other));
  r = authorize(b);
  EXPECT_EQ(r.ec, errc::authentication_failed);
  EXPECT_NE(r.diag.client_message.find("apiVersion"), std::string::npos) << r.diag.client_message;

  auto cfg_missing = exec_config(s.path / "absent");
  cfg_missing.exec->command = "amlk8s-no-such-plugin";
  kube::credential_authorizer c(pool.get_executor(), cfg_missing);
  r = authorize(c);
  EXPECT_EQ(r.ec, errc::authentication_failed);
  EXPECT_NE(r.diag.client_message.find("not found"), std::string::npos) << r.diag.client_message;
}

TEST(KubeCredentials, ParsesExecCredentialsByTheRules) {
  kube::exec_credential c;
  std::string why;
  const std::string v1 = "client.authentication.k8s.io/v1";
  EXPECT_TRUE(kube::parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"CERT","clientKeyData":"KEY"}})",
      v1, c, why))
      << why;
  EXPECT_EQ(c.client_certificate_pem, "CERT");
  EXPECT_EQ(c.client_key_pem.reveal(), "KEY");
  EXPECT_FALSE(c.expires_on);
  EXPECT_TRUE(kube::parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"T","expirationTimestamp":"2030-01-02T03:04:05Z"}})",
      v1, c, why));
  ASSERT_TRUE(c.expires_on);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(c.expires_on->time_since_epoch()).count(), 1893553445);

  // Beyond what system_clock can count: never expires.
  EXPECT_TRUE(kube::parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"T","expirationTimestamp":"2999-01-01T00:00:00Z"}})",
      v1, c, why));
  EXPECT_EQ(c.expires_on, std::chrono::system_clock::time_point::max());

  EXPECT_FALSE(kube::parse_exec_credential(R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"})", v1, c, why));
  EXPECT_NE(why.find("status"), std::string::npos);
  EXPECT_FALSE(kube::parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"clientCertificateData":"CERT"}})", v1, c, why));
  EXPECT_NE(why.find("clientKeyData"), std::string::npos);
  EXPECT_FALSE(kube::parse_exec_credential(
      R"({"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{}})", v1, c, why));
  EXPECT_FALSE(kube::parse_exec_credential("not json", v1, c, why));
}

}  // namespace
