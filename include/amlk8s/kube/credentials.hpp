// The Authorization header of each Kubernetes request, from a resolved cluster_config
// (contracts/kubernetes.md §3.2, §3.3): a fixed bearer token, a token file re-read as it rotates,
// Basic credentials, or an exec credential plugin whose answer is cached until it expires.
#pragma once

#include <amlk8s/core/error.hpp>
#include <amlk8s/core/redact.hpp>
#include <amlk8s/http/sender.hpp>
#include <amlk8s/kube/kubeconfig.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::kube {

/// What an exec plugin printed (the `status` of an ExecCredential).
struct exec_credential {
  secret_string token;
  std::string client_certificate_pem;
  secret_string client_key_pem;
  /// `expirationTimestamp`; unset: valid until a 401 says otherwise.
  std::optional<std::chrono::system_clock::time_point> expires_on;
};

/// Parses a plugin's standard output by the rules of §3.3: the apiVersion must equal the configured
/// one, kind ExecCredential, `status` present, a token or a certificate with its key. On failure
/// returns false and says why in `why` (never quoting a secret).
bool parse_exec_credential(std::string_view output, std::string_view expected_api_version, exec_credential& out,
                           std::string& why);

/// The KUBERNETES_EXEC_INFO value for `config` (§3.3): an ExecCredential with `spec.interactive`
/// false and, when exec.provideClusterInfo is set, `spec.cluster` (server, tls-server-name,
/// insecure-skip-tls-verify, certificate-authority-data, proxy-url).
std::string exec_info(const cluster_config& config);

/// Settings of a credential_authorizer.
struct credential_options {
  /// How often a token file is read again (client-go reads it at most once a minute).
  std::chrono::milliseconds token_file_refresh{std::chrono::seconds(60)};
  /// Limit on one run of an exec plugin.
  std::chrono::milliseconds exec_timeout{std::chrono::seconds(60)};
};

/// The http::authorizer of a Kubernetes client. Thread-safe. A 401 answer (the pipeline calls
/// invalidate()) makes the next request read the token file again or run the exec plugin again.
/// Concurrent requests share one run of the plugin. Failures complete with
/// errc::authentication_failed and say what went wrong (the plugin's stderr, its install hint).
class credential_authorizer final : public http::authorizer {
 public:
  /// Supplies the credentials of `config` (auth_kind::none supplies none: do not install it then).
  /// Plugins run on `executor`.
  credential_authorizer(boost::asio::any_io_executor executor, cluster_config config, credential_options options = {});
  ~credential_authorizer() override;

  void async_authorization(const http::request& req, diagnostics& diag, handler_type handler) override;
  void invalidate() override;

  /// How many times the exec plugin has been started.
  std::size_t exec_runs() const noexcept;

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace amlk8s::kube
