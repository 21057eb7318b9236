// Kubeconfig files and in-cluster configuration, resolved into what a Kubernetes client needs: the
// server URL, TLS settings and credentials (contracts/kubernetes.md §3).
//
// Loading follows kubectl: one explicit file exactly, else the KUBECONFIG list (missing files
// skipped) merged with "the first file that defines a named entry, or a scalar such as
// current-context, wins", else ~/.kube/config. Relative paths in a file resolve against that
// file's folder. Errors are amlk8s::error with errc::invalid_argument and validation issues that
// name the field and say how to fix it; no secret (token, password, key) ever appears in an error
// or in to_string().
#pragma once

#include <amlk8s/core/redact.hpp>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::kube {

/// One `env` entry of an exec plugin.
struct exec_env_var {
  std::string name;
  std::string value;

  friend bool operator==(const exec_env_var&, const exec_env_var&) = default;
};

/// A user's `exec` credential plugin (client.authentication.k8s.io, §3.3).
struct exec_config {
  /// `client.authentication.k8s.io/v1` or `client.authentication.k8s.io/v1beta1`.
  std::string api_version;
  /// The program: an absolute path, a path relative to the kubeconfig's folder (it contains a
  /// '/'), or a bare name looked up on PATH.
  std::string command;
  std::vector<std::string> args;
  /// Added to the client's own environment.
  std::vector<exec_env_var> env;
  /// Shown when the program cannot be run.
  std::string install_hint;
  /// Send the cluster (server, CA data, ...) in KUBERNETES_EXEC_INFO.
  bool provide_cluster_info = false;
  /// `Never`, `IfAvailable` or `Always`; the client is never interactive, so `Always` fails.
  std::string interactive_mode;
  /// The folder of the kubeconfig that defined the plugin (relative commands resolve against it).
  std::filesystem::path base_dir;

  friend bool operator==(const exec_config&, const exec_config&) = default;
};

/// A `clusters[].cluster` entry, as written (paths made absolute).
struct kubeconfig_cluster {
  std::string server;
  std::string certificate_authority;       ///< path
  std::string certificate_authority_data;  ///< PEM, decoded from base64
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string proxy_url;
  std::filesystem::path source;  ///< the file that defined it
};

/// A `users[].user` entry, as written (paths made absolute, `*-data` decoded).
struct kubeconfig_user {
  std::string client_certificate;        ///< path
  std::string client_certificate_data;   ///< PEM
  std::string client_key;                ///< path
  secret_string client_key_data;         ///< PEM
  secret_string token;
  std::string token_file;                ///< `tokenFile`, a path
  std::string username;
  secret_string password;
  std::optional<exec_config> exec;
  bool has_auth_provider = false;        ///< legacy `auth-provider`: not supported
  std::filesystem::path source;
};

/// A `contexts[].context` entry.
struct kubeconfig_context {
  std::string cluster;
  std::string user;
  std::string ns;  ///< `namespace`
  std::filesystem::path source;
};

/// Where the bearer token of a cluster_config comes from.
enum class auth_kind {
  none,         ///< no Authorization header (client certificates may still authenticate)
  token,        ///< a fixed bearer token
  token_file,   ///< a bearer token re-read from a file (service account tokens rotate)
  basic,        ///< username and password
  exec,         ///< an exec credential plugin
};

/// "none", "token", "tokenFile", "basic" or "exec".
std::string_view to_string(auth_kind kind) noexcept;

/// A resolved connection to one Kubernetes API server.
struct cluster_config {
  /// The API server's base URL without a trailing '/', e.g. `https://10.0.0.1:443` or a URL with a
  /// path prefix (the local control plane serves each cluster under `/k8s/{name}`).
  std::string server;
  /// The namespace of the context (`default` when it names none), or of the in-cluster service account.
  std::string ns = "default";
  /// The names this came from (empty for in-cluster configuration).
  std::string context;
  std::string cluster_name;
  std::string user_name;

  /// Trusted CA certificates, PEM; empty: the system's roots.
  std::string ca_pem;
  /// Skip verification of the server's certificate (never together with ca_pem).
  bool insecure_skip_tls_verify = false;
  /// The name checked against the server's certificate and sent as SNI, when not the URL's host.
  std::string tls_server_name;
  /// An http, https or socks5 proxy URL; empty: none set (the environment's proxies still apply).
  std::string proxy_url;
  /// Client certificate and key for mutual TLS, PEM.
  std::string client_certificate_pem;
  secret_string client_key_pem;

  auth_kind auth = auth_kind::none;
  secret_string token;              ///< auth_kind::token; also the fallback of token_file
  std::filesystem::path token_file; ///< auth_kind::token_file
  std::string username;             ///< auth_kind::basic
  secret_string password;           ///< auth_kind::basic
  std::optional<exec_config> exec;  ///< auth_kind::exec

  /// A readable summary with secrets shown as `***`.
  std::string to_string() const;
};

/// Choices a caller makes on top of the files (kubectl's flags): they win over the files.
struct kubeconfig_overrides {
  /// Use this context instead of current-context.
  std::string context{};
  /// Use this namespace instead of the context's.
  std::string ns{};
};

/// The merged content of one or more kubeconfig files.
class kubeconfig {
 public:
  /// An empty configuration.
  kubeconfig() = default;

  /// Parses one kubeconfig document. `source` is the file it came from: relative paths resolve
  /// against its folder, and errors name it. Throws amlk8s::error (errc::invalid_argument) for bad
  /// YAML, a wrong shape, bad base64, or entries without a name.
  static kubeconfig parse(std::string_view yaml, const std::filesystem::path& source = {});
  /// Reads and parses exactly `path` (kubectl's --kubeconfig); a missing file is an error.
  static kubeconfig load_file(const std::filesystem::path& path);
  /// Reads the files in order, skipping those that do not exist, and merges them (first wins).
  static kubeconfig load_files(const std::vector<std::filesystem::path>& paths);
  /// The files of $KUBECONFIG (split on ':'), or else ~/.kube/config. Throws when none exists.
  static kubeconfig load_default();

  /// Merges `later` into this one: entries and current-context this one already has are kept.
  void merge(const kubeconfig& later);

  /// Resolves a context (`overrides.context`, else current-context) into a cluster_config: reads
  /// the files it names (CA, client certificate and key, but not tokenFile, which is re-read per
  /// request), checks the combination and reports every problem at once.
  cluster_config resolve(const kubeconfig_overrides& overrides = {}) const;

  const std::map<std::string, kubeconfig_cluster>& clusters() const noexcept { return clusters_; }
  const std::map<std::string, kubeconfig_user>& users() const noexcept { return users_; }
  const std::map<std::string, kubeconfig_context>& contexts() const noexcept { return contexts_; }
  const std::string& current_context() const noexcept { return current_context_; }
  /// The files that went into this configuration, in order.
  const std::vector<std::filesystem::path>& sources() const noexcept { return sources_; }

 private:
  std::map<std::string, kubeconfig_cluster> clusters_;
  std::map<std::string, kubeconfig_user> users_;
  std::map<std::string, kubeconfig_context> contexts_;
  std::string current_context_;
  std::vector<std::filesystem::path> sources_;
};

/// Where in-cluster configuration is read from; the defaults are the real ones (§3.4), tests
/// point them elsewhere.
struct in_cluster_options {
  /// Read KUBERNETES_SERVICE_HOST/PORT from these instead of the environment when set.
  std::optional<std::string> service_host;
  std::optional<std::string> service_port;
  std::filesystem::path token_file = "/var/run/secrets/kubernetes.io/serviceaccount/token";
  std::filesystem::path ca_file = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";
  std::filesystem::path namespace_file = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
};

/// True when KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are both set and non-empty.
bool in_cluster(const in_cluster_options& options = {});

/// The configuration of a pod's service account: `https://host:port` (IPv6 in brackets), the CA
/// (a missing CA file means the system's roots), the token file (re-read per request, since
/// projected tokens rotate) and the namespace file (`default` when missing). Throws amlk8s::error
/// (errc::invalid_argument) when not in a cluster or when the token file is missing.
cluster_config in_cluster_config(const in_cluster_options& options = {});

/// What most programs want: in-cluster configuration when running in a pod and no KUBECONFIG is
/// set, otherwise the default kubeconfig files resolved with `overrides`.
cluster_config load_cluster_config(const kubeconfig_overrides& overrides = {});

}  // namespace amlk8s::kube
