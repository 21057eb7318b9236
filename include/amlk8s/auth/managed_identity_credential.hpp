// Managed identity: IMDS (VMs, VM scale sets, AKS nodes), App Service / Functions, Azure Arc.
#pragma once

#include <amlk8s/auth/cached_token_credential.hpp>
#include <amlk8s/http/sender.hpp>

#include <chrono>
#include <string>

namespace amlk8s::auth {

/// How the IMDS requests are retried (contracts/aml-workspace-and-auth.md §4.2): 404, 410, 429, 5xx
/// and transport failures, with exponential back-off and jitter. The sender given to the credential
/// should not retry on its own (give it the transport, not a pipeline with a retry policy).
struct imds_retry_options {
  int max_retries = 5;                                 ///< retries after the first attempt
  std::chrono::milliseconds initial_delay{800};        ///< first delay, doubled on each retry
  std::chrono::milliseconds gone_initial_delay{3000};  ///< first delay after a 410 (IMDS upgrading)
  std::chrono::milliseconds max_delay{60000};          ///< cap of any one delay
};

/// Settings of managed_identity_credential.
struct managed_identity_options : credential_options {
  /// A user-assigned identity, by at most one of these; all empty: the system-assigned identity.
  std::string client_id;
  std::string object_id;    ///< principal id
  std::string resource_id;  ///< ARM id of the identity
  /// IMDS retries.
  imds_retry_options imds_retry;
  /// Probes IMDS first: the first request waits `probe_timeout` at most and is not retried, and a
  /// missing endpoint reports precondition_failed. DefaultAzureCredential turns it on.
  bool probe_imds = false;
  /// How long the probe waits.
  std::chrono::milliseconds probe_timeout{1000};
  /// IMDS base URL; empty: AZURE_POD_IDENTITY_AUTHORITY_HOST, then http://169.254.169.254.
  std::string imds_endpoint;
  /// The only folder Azure Arc challenge files may come from; empty: /var/opt/azcmagent/tokens.
  std::string arc_key_directory;
};

/// The managed-identity endpoint in use, chosen from the environment at construction (§4.3).
enum class managed_identity_source {
  imds,         ///< no other source's variables set
  app_service,  ///< IDENTITY_ENDPOINT and IDENTITY_HEADER
  azure_arc,    ///< IDENTITY_ENDPOINT and IMDS_ENDPOINT
  unsupported,  ///< Service Fabric or MSI_ENDPOINT (Cloud Shell, legacy App Service): reported at get_token
};

/// Gets tokens from the managed identity of the machine, pod, app or Arc server it runs on.
class managed_identity_credential final : public cached_token_credential {
 public:
  /// Requests go through `sender`, which must outlive this credential and its operations.
  explicit managed_identity_credential(http::sender& sender, managed_identity_options options = {});

  /// The endpoint chosen from the environment.
  managed_identity_source source() const noexcept { return source_; }

 private:
  managed_identity_source source_;
};

}  // namespace amlk8s::auth
