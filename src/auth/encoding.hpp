// Small text encodings the token protocols need: form/query encoding, base64, environment lookups.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace amlk8s::auth::detail {

/// Percent-encodes everything but RFC 3986 unreserved characters (form bodies and query values).
std::string url_encode(std::string_view text);

/// Builds an application/x-www-form-urlencoded body, field by field in the order given.
class form_builder {
 public:
  void add(std::string_view name, std::string_view value);
  std::string& body() noexcept { return body_; }

 private:
  std::string body_;
};

/// Appends "name=value" (value percent-encoded) to a URL's query.
void append_query(std::string& url, std::string_view name, std::string_view value);

/// Standard base64 with padding (x5c certificates).
std::string base64(std::span<const unsigned char> data);
/// Base64url without padding (JWT parts, x5t).
std::string base64url(std::span<const unsigned char> data);
/// Decodes base64url without padding; nullopt on a bad character.
std::optional<std::string> base64url_decode(std::string_view text);

/// The value of an environment variable, or nullopt when unset or empty.
std::optional<std::string> env(std::string_view name);

/// `text` without leading and trailing ASCII white space.
std::string_view trim(std::string_view text) noexcept;

/// True when every character is an ASCII letter or digit, or one of `extra`.
bool only_chars(std::string_view text, std::string_view extra) noexcept;

}  // namespace amlk8s::auth::detail
