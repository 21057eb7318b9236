// Local checks of TLS material the AzureML extension is given (sslCertPemFile / sslKeyPemFile),
// made with OpenSSL before anything is sent: what the in-cluster health check would otherwise
// report as E40007 INVALID_SSL_SETTING (contracts/arm-extensions.md §2.10).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::model::pem {

/// Why `pem` is not a usable certificate, or nullopt when it is one.
std::optional<std::string> certificate_problem(std::string_view pem);
/// Why `pem` is not a usable private key ("protected by a passphrase" included), or nullopt.
std::optional<std::string> private_key_problem(std::string_view pem);
/// True when the key is the certificate's (both already checked).
bool key_matches_certificate(std::string_view certificate_pem, std::string_view key_pem);
/// True when the certificate is valid for `host` (subject alternative names, wildcards).
bool certificate_covers_host(std::string_view certificate_pem, std::string_view host);
/// Standard base64 with padding, on one line (what Python's base64.b64encode gives).
std::string base64(std::string_view bytes);

}  // namespace amlk8s::model::pem
