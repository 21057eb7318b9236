// The signed JWT a certificate credential presents as its client assertion (contracts §4.1).
#pragma once

#include <amlk8s/auth/secret_string.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::auth::detail {

/// A certificate and its RSA private key, loaded from PEM; signs client assertions.
class assertion_signer {
 public:
  /// Loads the first certificate that matches the private key in `pem`; nullopt with a reason (which
  /// never quotes the PEM) when it cannot.
  static std::unique_ptr<assertion_signer> load(const secret_string& pem, const secret_string& password,
                                                std::string& why);
  ~assertion_signer();

  /// header {alg: RS256, typ: JWT, x5t: base64url(SHA-1 of DER), kid: hex SHA-1, x5c?: [base64 DER]}
  /// claims {aud, iss = sub = client id, jti: random GUID, nbf: now, exp: now + 10 min}, RS256 signed.
  secret_string make_assertion(std::string_view audience, std::string_view client_id,
                               std::chrono::system_clock::time_point now, bool send_chain) const;

  /// Upper-case hex SHA-1 thumbprint of the certificate.
  const std::string& thumbprint_hex() const noexcept { return thumbprint_hex_; }

 private:
  struct keys;
  explicit assertion_signer(std::unique_ptr<keys> k);
  std::unique_ptr<keys> keys_;
  std::string thumbprint_hex_;
  std::string x5t_;
  std::string chain_b64_;  // JSON array body of x5c
};

/// A random version 4 GUID, as the jti claim.
std::string random_guid();

}  // namespace amlk8s::auth::detail
