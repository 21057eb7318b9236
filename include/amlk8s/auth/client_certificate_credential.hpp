// Service principal with a certificate: a signed JWT client assertion against the Entra ID v2 endpoint.
#pragma once

#include <amlk8s/auth/cached_token_credential.hpp>
#include <amlk8s/auth/secret_string.hpp>
#include <amlk8s/http/sender.hpp>

#include <string>

namespace amlk8s::auth {

/// Settings of client_certificate_credential.
struct client_certificate_options : entra_credential_options {
  /// PEM text (certificate and RSA private key) used instead of reading the certificate path.
  secret_string certificate_pem;
  /// Password of an encrypted private key.
  secret_string password;
  /// Sends the certificate chain in the assertion's x5c header (subject name / issuer auth).
  bool send_certificate_chain = false;
};

/// Client-credentials grant with an RS256 client assertion (contracts/aml-workspace-and-auth.md §4.1).
class client_certificate_credential final : public cached_token_credential {
 public:
  /// `certificate_path` names a PEM file holding the certificate and its RSA private key.
  /// Throws amlk8s::error (invalid_argument) when a setting is missing or the PEM is unusable.
  client_certificate_credential(http::sender& sender, std::string tenant_id, std::string client_id,
                                std::string certificate_path, client_certificate_options options = {});
};

}  // namespace amlk8s::auth
