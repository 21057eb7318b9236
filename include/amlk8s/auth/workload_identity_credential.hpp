// Workload identity federation for Kubernetes pods (AKS and Arc-enabled clusters).
#pragma once

#include <amlk8s/auth/cached_token_credential.hpp>
#include <amlk8s/http/sender.hpp>

#include <string>

namespace amlk8s::auth {

/// Settings of workload_identity_credential; empty fields come from the environment the webhook injects.
struct workload_identity_options : entra_credential_options {
  std::string tenant_id;        ///< empty: AZURE_TENANT_ID
  std::string client_id;        ///< empty: AZURE_CLIENT_ID
  std::string token_file_path;  ///< empty: AZURE_FEDERATED_TOKEN_FILE
};

/// Exchanges the projected service-account token (re-read on every request, since the kubelet rotates
/// it) for an Entra token (contracts/aml-workspace-and-auth.md §4.3). Missing settings make it report
/// invalid_argument at get_token, so that a chain moves on.
class workload_identity_credential final : public cached_token_credential {
 public:
  /// Token requests go through `sender`, which must outlive this credential and its operations.
  explicit workload_identity_credential(http::sender& sender, workload_identity_options options = {});
};

}  // namespace amlk8s::auth
