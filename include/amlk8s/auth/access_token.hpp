// The bearer token a credential hands out.
#pragma once

#include <amlk8s/auth/secret_string.hpp>

#include <chrono>
#include <iosfwd>
#include <optional>

namespace amlk8s::auth {

/// An access token for one set of scopes.
struct access_token {
  /// The token itself (the part after "Bearer "); never printed.
  secret_string token;
  /// When the service stops accepting it.
  std::chrono::system_clock::time_point expires_on{};
  /// When the issuer asks for it to be renewed (refresh_in, or half-life of long-lived tokens).
  std::optional<std::chrono::system_clock::time_point> refresh_on;

  friend bool operator==(const access_token&, const access_token&) = default;
};

/// Writes the expiry times and "***" in place of the token.
std::ostream& operator<<(std::ostream& os, const access_token& t);

}  // namespace amlk8s::auth
