// Plain HTTP message values shared by the transport, the policy pipeline and the protocol clients.
// No Beast or Asio here: the typed clients and the sans-I/O algorithms (retry decisions, LRO state,
// paging) work on these values and are unit-tested without a socket.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amlk8s::http {

/// The request methods amlk8s sends.
enum class verb { get, head, put, post, patch, delete_ };

/// "GET", "PUT", ...
std::string_view to_string(verb v) noexcept;

/// True for the methods RFC 9110 calls idempotent (GET, HEAD, PUT, DELETE).
bool is_idempotent(verb v) noexcept;

/// An ordered list of header fields with case-insensitive names; repeated names are kept.
class header_map {
 public:
  using value_type = std::pair<std::string, std::string>;

  /// The first value of `name`, if present.
  std::optional<std::string_view> get(std::string_view name) const;
  /// True when `name` is present.
  bool contains(std::string_view name) const { return get(name).has_value(); }
  /// Replaces every value of `name` with `value`.
  void set(std::string_view name, std::string value);
  /// Appends a field, keeping earlier ones with the same name.
  void add(std::string_view name, std::string value);
  /// Removes every field called `name`.
  void erase(std::string_view name);

  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }
  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }

  friend bool operator==(const header_map&, const header_map&) = default;

 private:
  std::vector<value_type> fields_;
};

/// Case-insensitive ASCII comparison, used for header names and ARM status values.
bool iequals(std::string_view a, std::string_view b) noexcept;

/// An HTTP request as the pipeline sees it. `url` is absolute (scheme://host[:port]/path?query).
struct request {
  verb method = verb::get;
  std::string url;
  header_map headers;
  std::string body;
  /// The body holds secrets (protected settings, client secrets): logging never prints it.
  bool body_is_secret = false;
  /// Overrides is_idempotent(method) for retry decisions (e.g. a POST the caller knows is safe).
  std::optional<bool> safe_to_retry;
};

/// An HTTP response: status, headers and the whole body.
struct response {
  int status = 0;
  std::string reason;
  header_map headers;
  std::string body;
};

}  // namespace amlk8s::http
