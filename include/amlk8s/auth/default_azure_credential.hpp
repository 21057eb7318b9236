// The credential chain most programs want.
#pragma once

#include <amlk8s/auth/chained_token_credential.hpp>
#include <amlk8s/auth/managed_identity_credential.hpp>
#include <amlk8s/http/sender.hpp>

#include <chrono>
#include <string>

namespace amlk8s::auth {

/// Settings of default_azure_credential.
struct default_azure_credential_options : entra_credential_options {
  /// Which credentials to try; empty: AZURE_TOKEN_CREDENTIALS. "dev" (or unset): all four; "prod":
  /// all but AzureCliCredential; or one name: EnvironmentCredential, WorkloadIdentityCredential,
  /// ManagedIdentityCredential, AzureCliCredential (case-insensitive).
  std::string token_credentials;
  /// User-assigned managed identity by client id; empty: AZURE_CLIENT_ID.
  std::string managed_identity_client_id;
  /// IMDS retries of the managed-identity credential.
  imds_retry_options imds_retry;
  /// How long `az` may run.
  std::chrono::milliseconds cli_timeout{13000};
};

/// EnvironmentCredential → WorkloadIdentityCredential → ManagedIdentityCredential → AzureCliCredential
/// (contracts/aml-workspace-and-auth.md §4.5), all sharing one token cache. In the chain, managed
/// identity probes IMDS first so that its absence fails fast; chosen alone, it does not.
class default_azure_credential final : public chained_token_credential {
 public:
  /// Requests go through `sender`, which must outlive this credential and its operations. Throws
  /// amlk8s::error (invalid_argument) when AZURE_TOKEN_CREDENTIALS holds an unknown value.
  explicit default_azure_credential(http::sender& sender, default_azure_credential_options options = {});
};

}  // namespace amlk8s::auth
