// A string that holds a secret: a token, a client secret, a client assertion, a key.
#pragma once

#include <iosfwd>
#include <string>
#include <utility>

namespace amlk8s::auth {

/// A secret value. It prints as "<redacted>" (so a test failure or a log line cannot show it) and
/// its memory is wiped when it is replaced or destroyed; reveal() is for the wire only.
class secret_string {
 public:
  secret_string() = default;
  /// Takes ownership of `value`.
  explicit secret_string(std::string value) noexcept : value_(std::move(value)) {}
  secret_string(const secret_string& other) = default;
  secret_string(secret_string&& other) noexcept;
  secret_string& operator=(const secret_string& other);
  secret_string& operator=(secret_string&& other) noexcept;
  ~secret_string();

  /// The secret itself: call it only where the value goes on the wire.
  const std::string& reveal() const noexcept { return value_; }
  /// True when no secret is held.
  bool empty() const noexcept { return value_.empty(); }

  friend bool operator==(const secret_string&, const secret_string&) = default;

 private:
  std::string value_;
};

/// Writes "<redacted>", never the value.
std::ostream& operator<<(std::ostream& os, const secret_string& s);

}  // namespace amlk8s::auth
