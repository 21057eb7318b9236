// JSON Web Token pieces (RFC 7515/7519) over OpenSSL: base64url, HS256 signing, and RS256/PS256
// checks of client assertions. Private to amlk8s_local.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::local::detail {

/// Base64url without padding.
std::string base64url_encode(std::string_view data);
/// Decodes base64url (padding optional); std::nullopt on a bad character.
std::optional<std::string> base64url_decode(std::string_view text);

/// `count` bytes from OpenSSL's CSPRNG.
std::string random_bytes(std::size_t count);

/// A compact JWS `header.payload.signature` signed with HMAC-SHA256.
std::string sign_hs256(const boost::json::object& header, const boost::json::object& payload, std::string_view key);

/// The three decoded parts of a compact JWS.
struct jws_parts {
  boost::json::object header;
  boost::json::object payload;
  std::string signing_input;  ///< "base64(header).base64(payload)", what the signature covers
  std::string signature;      ///< raw bytes
};

/// Splits and decodes a compact JWS; std::nullopt when it is not one.
std::optional<jws_parts> parse_jws(std::string_view token);

/// True when `parts` carries a valid HS256 signature under `key` (constant-time comparison).
bool check_hs256(const jws_parts& parts, std::string_view key);

/// True when `parts` carries a valid RS256 or PS256 signature by the key in `pem`
/// (an X.509 certificate or a public key).
bool check_rsa_signature(const jws_parts& parts, std::string_view pem);

}  // namespace amlk8s::local::detail
