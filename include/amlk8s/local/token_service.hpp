// The Entra-style token endpoint of the local control plane (contracts/aml-workspace-and-auth.md
// §4.1), sans I/O: it turns a client-credentials request into a signed bearer token, and checks the
// bearer tokens that every ARM and Kubernetes request must carry.
#pragma once

#include <amlk8s/http/message.hpp>
#include <amlk8s/local/clock.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::local {

/// Tenant of the development credential. Fake on purpose: it names no real directory.
inline constexpr std::string_view dev_tenant_id = "00000000-0000-4000-8000-00000000a001";
/// Client (application) id of the development credential.
inline constexpr std::string_view dev_client_id = "00000000-0000-4000-8000-00000000c001";
/// Client secret of the development credential; only the local token endpoint accepts it.
inline constexpr std::string_view dev_client_secret = "amlk8s-local-development-secret";

/// Settings of the token endpoint.
struct token_options {
  /// The one tenant this endpoint serves (the path's {tenant}).
  std::string tenant_id = std::string(dev_tenant_id);
  /// Lifetime of an issued token; Entra's client-credential tokens live about an hour.
  std::chrono::seconds lifetime{3599};
  /// HMAC-SHA256 signing key; empty picks a random key, so tokens die with the instance.
  std::string signing_key;
  /// Register the development credential (dev_client_id / dev_client_secret).
  bool register_dev_client = true;
  /// The scheme of the URLs the discovery documents name ("https" behind TLS): MSAL refuses a
  /// token endpoint that is not https.
  std::string scheme = "http";
};

/// What a valid token says about its bearer.
struct token_claims {
  std::string tenant_id;
  std::string client_id;  ///< `appid`: the application that asked for the token
  std::string object_id;  ///< `oid`: the service principal's object id
  std::string audience;   ///< `aud`: the scope without `/.default`
  clock::time_point issued_at{};
  clock::time_point expires_at{};
};

/// Why a bearer token was refused.
enum class token_problem {
  none,              ///< the token is valid
  missing,           ///< no Authorization header
  malformed_header,  ///< not `Bearer <token>`
  invalid,           ///< not a token this endpoint signed, or for another tenant
  expired,           ///< `exp` has passed
  not_yet_valid,     ///< `nbf` is still ahead
};

/// The outcome of token_service::verify.
struct token_check {
  token_problem problem = token_problem::none;
  token_claims claims;  ///< set when problem == none

  /// True for a valid token.
  explicit operator bool() const noexcept { return problem == token_problem::none; }
};

/// Issues and checks tokens. Thread-safe.
class token_service {
 public:
  /// Uses `time` for issue and expiry times (share it with the ARM handlers).
  explicit token_service(token_options options = {}, std::shared_ptr<local::clock> time = clock::system());

  /// Registers (or replaces) a confidential client with a secret.
  void add_client(std::string client_id, std::string client_secret);
  /// Registers the public key (PEM: certificate or SubjectPublicKeyInfo) that checks the RS256/PS256
  /// signature of `client_id`'s client assertions. Without one, an assertion's claims are checked
  /// but not its signature, which keeps workload-identity style tests simple.
  void add_client_certificate(const std::string& client_id, std::string_view pem);

  /// True when `path` is one this service answers (token, OpenID configuration, instance discovery).
  static bool owns(std::string_view path) noexcept;
  /// Answers one request: `POST /{tenant}/oauth2/v2.0/token` (and v1 `/oauth2/token`),
  /// `GET /{tenant}/v2.0/.well-known/openid-configuration`, `GET /common/discovery/instance`.
  http::response handle(const http::request& req) const;

  /// A token for `client_id` with audience `audience`, as the endpoint would issue it.
  std::string issue(std::string_view client_id, std::string_view audience) const;
  /// Checks the value of an Authorization header (`Bearer <token>`); std::nullopt = no header.
  token_check verify(std::optional<std::string_view> authorization) const;
  /// Checks a bare token.
  token_check verify_token(std::string_view token) const;

  /// The settings this service runs with.
  const token_options& options() const noexcept { return options_; }
  /// The clock it reads.
  const std::shared_ptr<local::clock>& time() const noexcept { return clock_; }

 private:
  struct client {
    std::string secret;
    std::string object_id;
    std::string public_key_pem;
  };
  http::response token_request(const http::request& req, std::string_view tenant, bool v1) const;
  std::optional<client> find_client(std::string_view client_id) const;

  token_options options_;
  std::shared_ptr<local::clock> clock_;
  std::string key_;
  mutable std::mutex mutex_;
  std::map<std::string, client> clients_;
};

}  // namespace amlk8s::local
