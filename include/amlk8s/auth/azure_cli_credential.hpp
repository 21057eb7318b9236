// The signed-in Azure CLI user, for developer machines.
#pragma once

#include <amlk8s/auth/cached_token_credential.hpp>

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <string>

namespace amlk8s::auth {

/// Settings of azure_cli_credential.
struct azure_cli_options : credential_options {
  /// Passed as --tenant when set (letters, digits, '.' and '-' only).
  std::string tenant_id;
  /// How long `az` may run before it is killed.
  std::chrono::milliseconds timeout{13000};
  /// The `az` program; empty: the first executable "az" in an absolute folder of PATH.
  std::string az_path;
};

/// Runs `az account get-access-token --output json --resource <resource>` (no shell: the program is
/// started directly with its arguments) and parses its output (contracts/aml-workspace-and-auth.md
/// §4.4). A missing `az` or a CLI that is not logged in reports precondition_failed.
class azure_cli_credential final : public cached_token_credential {
 public:
  /// `executor` must belong to an io_context: it watches the child's pipes and its timeout.
  explicit azure_cli_credential(boost::asio::any_io_executor executor, azure_cli_options options = {});
};

}  // namespace amlk8s::auth
