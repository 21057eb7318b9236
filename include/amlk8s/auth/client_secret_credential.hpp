// Service principal with a client secret, against the Entra ID v2 token endpoint.
#pragma once

#include <amlk8s/auth/cached_token_credential.hpp>
#include <amlk8s/auth/secret_string.hpp>
#include <amlk8s/http/sender.hpp>

#include <string>

namespace amlk8s::auth {

/// Settings of client_secret_credential.
struct client_secret_options : entra_credential_options {};

/// Client-credentials grant with a client secret (contracts/aml-workspace-and-auth.md §4.1).
class client_secret_credential final : public cached_token_credential {
 public:
  /// Token requests go through `sender`, which must outlive this credential and its operations.
  /// Throws amlk8s::error (invalid_argument) when a setting is missing or malformed.
  client_secret_credential(http::sender& sender, std::string tenant_id, std::string client_id,
                           secret_string client_secret, client_secret_options options = {});
};

}  // namespace amlk8s::auth
