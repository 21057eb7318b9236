// The one place that decides what of a secret may be shown. Every log line, error message and
// repr goes through these helpers.
//
// Headers and URL query parameters are shown by allow-list: a name that is not known to be safe has
// its value replaced, so a new secret-bearing header is hidden by default. JSON and free text are
// scrubbed by deny-list (secret-looking keys, credential patterns), because their shapes are open.
#pragma once

#include <boost/json/fwd.hpp>

#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace amlk8s {

/// What is shown in place of a hidden value.
inline constexpr std::string_view redacted = "***";

/// A string that holds a secret (token, client secret, key, PEM): streams and prints as `***`, and
/// wipes its memory when destroyed or overwritten.
class secret_string {
 public:
  /// Holds no secret.
  secret_string() = default;
  /// Takes ownership of `value`.
  explicit secret_string(std::string value) noexcept : value_(std::move(value)) {}
  /// Copies `value`.
  explicit secret_string(std::string_view value) : value_(value) {}
  /// Copies `value`.
  explicit secret_string(const char* value) : value_(value) {}
  /// Copies the secret.
  secret_string(const secret_string& other) : value_(other.value_) {}
  /// Takes the secret and wipes what `other` held.
  secret_string(secret_string&& other) noexcept;
  /// Wipes the old secret, then copies.
  secret_string& operator=(const secret_string& other);
  /// Wipes the old secret, takes the new one and wipes what `other` held.
  secret_string& operator=(secret_string&& other) noexcept;
  /// Wipes the secret.
  ~secret_string();

  /// The secret itself. Call it only where the value goes on the wire or into a signature.
  const std::string& reveal() const noexcept { return value_; }
  /// True when no secret is held.
  bool empty() const noexcept { return value_.empty(); }
  /// Forgets the secret, wiping its memory.
  void clear() noexcept;

  /// Compares in time that depends only on the lengths, not on where the values differ.
  friend bool operator==(const secret_string& a, const secret_string& b) noexcept;

 private:
  std::string value_;
};

/// Always `***`, whatever the secret.
std::string to_string(const secret_string& s);
/// Writes `***`.
std::ostream& operator<<(std::ostream& os, const secret_string& s);

/// True for a name (JSON key, query parameter, form field, header) that suggests a secret value:
/// it contains key, secret, password, token, credential, signature, connectionString, cookie,
/// authorization..., compared case-insensitively and ignoring `-`, `_` and `.`.
bool is_secret_name(std::string_view name) noexcept;

/// True when the value of header `name` may be shown: it is on the built-in allow-list (request
/// ids, content type and length, dates, Retry-After, rate-limit counters, ...) or in `extra_allowed`
/// (a trailing `*` matches a prefix), and its name does not look secret (is_secret_name), which no
/// allow-list can override.
bool is_safe_header(std::string_view name, std::span<const std::string> extra_allowed = {}) noexcept;

/// The text to show for one header value: the value when is_safe_header (URL-valued headers such as
/// Location go through redact_url), `***` otherwise.
std::string redact_header(std::string_view name, std::string_view value,
                          std::span<const std::string> extra_allowed = {});

/// True when the value of query parameter `name` may be shown (api-version, $top, $filter,
/// Kubernetes list options, ...; `extra_allowed` adds names). Secret-looking names never are.
bool is_safe_query_parameter(std::string_view name, std::span<const std::string> extra_allowed = {}) noexcept;

/// The URL with user information, fragment and the values of query parameters that are not
/// allow-listed replaced by `***`. Parameter names and the path are kept: they identify the call.
/// e.g. `https://h/p?api-version=2024-01-01&sig=***&$skipToken=***`.
std::string redact_url(std::string_view url, std::span<const std::string> extra_allowed_query = {});

/// Free text with credentials replaced by `***`: `Bearer`/`Basic` credentials, JWT-looking strings,
/// PEM blocks (also base64-encoded), and the values after secret-looking names in `name=value`,
/// `name: value` and `"name": "value"` forms (connection strings' `AccountKey=`, `SharedAccessKey=`,
/// `Password=`, SAS `sig=`, form fields such as `client_secret=`).
std::string redact_text(std::string_view text);

/// A copy of `v` where every value under a secret-looking key (is_secret_name), under
/// `protectedSettings`/`configurationProtectedSettings`, or in the `data`/`stringData` of a Kubernetes
/// Secret is replaced by `***` as a whole (nulls stay null), and every other string goes through
/// redact_text.
boost::json::value redact_json(const boost::json::value& v);

/// redact_json for a serialized document; text that is not JSON goes through redact_text instead.
std::string redact_json_text(std::string_view text);

}  // namespace amlk8s
