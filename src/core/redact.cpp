#include <amlk8s/core/redact.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <ostream>

namespace amlk8s {
namespace {

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequal(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return lower(x) == lower(y); });
}

bool istarts_with(std::string_view text, std::string_view prefix) noexcept {
  return text.size() >= prefix.size() && iequal(text.substr(0, prefix.size()), prefix);
}

// Overwrites the whole buffer, including bytes past size() that a shorter value left behind, in a
// way the optimizer may not drop as a dead store.
void wipe(std::string& s) noexcept {
  s.resize(s.capacity());
  volatile char* p = s.data();
  for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
  s.clear();
}

// Lower case without the separators people put between words, so that client_secret,
// client-secret and clientSecret look the same.
std::string normalized_name(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name)
    if (c != '-' && c != '_' && c != '.' && c != ' ' && c != '$') out += lower(c);
  return out;
}

constexpr std::array secret_name_parts = {
    std::string_view("key"),        std::string_view("secret"),        std::string_view("password"),
    std::string_view("passwd"),     std::string_view("token"),         std::string_view("connectionstring"),
    std::string_view("credential"), std::string_view("authorization"), std::string_view("passphrase"),
    std::string_view("signature"),  std::string_view("cookie"),        std::string_view("assertion"),
};
// Short names that would match far too much as substrings.
constexpr std::array secret_exact_names = {std::string_view("sig"), std::string_view("pwd")};

// Lower-case names; a trailing '*' matches a prefix.
constexpr std::array safe_headers = {
    std::string_view("accept"),
    std::string_view("accept-encoding"),
    std::string_view("accept-language"),
    std::string_view("audit-id"),
    std::string_view("azure-asyncoperation"),
    std::string_view("azure-asyncnotification"),
    std::string_view("cache-control"),
    std::string_view("connection"),
    std::string_view("content-encoding"),
    std::string_view("content-language"),
    std::string_view("content-length"),
    std::string_view("content-location"),
    std::string_view("content-range"),
    std::string_view("content-type"),
    std::string_view("date"),
    std::string_view("etag"),
    std::string_view("expires"),
    std::string_view("if-match"),
    std::string_view("if-modified-since"),
    std::string_view("if-none-match"),
    std::string_view("if-unmodified-since"),
    std::string_view("keep-alive"),
    std::string_view("last-modified"),
    std::string_view("location"),
    std::string_view("operation-location"),
    std::string_view("pragma"),
    std::string_view("range"),
    std::string_view("request-id"),
    std::string_view("retry-after"),
    std::string_view("retry-after-ms"),
    std::string_view("server"),
    std::string_view("strict-transport-security"),
    std::string_view("traceparent"),
    std::string_view("transfer-encoding"),
    std::string_view("user-agent"),
    std::string_view("vary"),
    std::string_view("warning"),
    std::string_view("www-authenticate"),
    std::string_view("x-content-type-options"),
    std::string_view("x-kubernetes-pf-flowschema-uid"),
    std::string_view("x-kubernetes-pf-prioritylevel-uid"),
    std::string_view("x-ms-arm-service-request-id"),
    std::string_view("x-ms-async-operation-timeout"),
    std::string_view("x-ms-client-request-id"),
    std::string_view("x-ms-correlation-request-id"),
    std::string_view("x-ms-failure-cause"),
    std::string_view("x-ms-operation-identifier"),
    std::string_view("x-ms-ratelimit-remaining-*"),
    std::string_view("x-ms-request-id"),
    std::string_view("x-ms-retry-after-ms"),
    std::string_view("x-ms-return-client-request-id"),
    std::string_view("x-ms-routing-request-id"),
};

// Headers whose value is a URL, which may itself carry a signature in its query.
constexpr std::array url_headers = {std::string_view("location"), std::string_view("content-location"),
                                    std::string_view("azure-asyncoperation"),
                                    std::string_view("operation-location")};

constexpr std::array safe_query_parameters = {
    // ARM / OData
    std::string_view("api-version"), std::string_view("$top"), std::string_view("$skip"),
    std::string_view("$expand"), std::string_view("$filter"), std::string_view("$orderby"),
    std::string_view("$select"), std::string_view("$count"), std::string_view("forceDelete"),
    // Kubernetes list, watch, delete and log options
    std::string_view("watch"), std::string_view("limit"), std::string_view("labelSelector"),
    std::string_view("fieldSelector"), std::string_view("resourceVersion"),
    std::string_view("resourceVersionMatch"), std::string_view("timeoutSeconds"),
    std::string_view("allowWatchBookmarks"), std::string_view("sendInitialEvents"),
    std::string_view("propagationPolicy"), std::string_view("gracePeriodSeconds"),
    std::string_view("orphanDependents"), std::string_view("dryRun"), std::string_view("fieldManager"),
    std::string_view("fieldValidation"), std::string_view("force"), std::string_view("pretty"),
    std::string_view("follow"), std::string_view("container"), std::string_view("tailLines"),
    std::string_view("timestamps"), std::string_view("sinceSeconds"), std::string_view("sinceTime"),
    std::string_view("previous"), std::string_view("limitBytes"),
};

bool matches_pattern(std::string_view pattern, std::string_view name) noexcept {
  if (!pattern.empty() && pattern.back() == '*') return istarts_with(name, pattern.substr(0, pattern.size() - 1));
  return iequal(pattern, name);
}

template <class List>
bool listed(const List& list, std::span<const std::string> extra, std::string_view name) noexcept {
  for (std::string_view p : list)
    if (matches_pattern(p, name)) return true;
  for (const std::string& p : extra)
    if (matches_pattern(p, name)) return true;
  return false;
}

int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Query names are compared decoded, so that %24skipToken is $skipToken.
std::string percent_decoded(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else if (s[i] == '+') {
      out += ' ';
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string redact_query(std::string_view query, std::span<const std::string> extra) {
  std::string out;
  out.reserve(query.size());
  while (true) {
    auto amp = query.find('&');
    std::string_view part = query.substr(0, amp);
    auto eq = part.find('=');
    if (eq == std::string_view::npos || eq + 1 == part.size()) {
      out += part;
    } else {
      auto name = part.substr(0, eq);
      out += name;
      out += '=';
      out += is_safe_query_parameter(percent_decoded(name), extra) ? part.substr(eq + 1) : redacted;
    }
    if (amp == std::string_view::npos) break;
    out += '&';
    query.remove_prefix(amp + 1);
  }
  return out;
}

// ---- free text ----

bool is_word_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.' || c == '$';
}

// RFC 9110 token68, the shape of a Bearer or Basic credential.
bool is_token68_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '+' || c == '/';
}

bool is_base64_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
         c == '=';
}

bool is_space(char c) noexcept { return c == ' ' || c == '\t'; }

// Replaces PEM blocks by their armour lines around `***`. A block without its END line hides the
// rest of the text: whatever follows may be the key.
std::string redact_pem(std::string_view in) {
  constexpr std::string_view begin = "-----BEGIN ";
  constexpr std::string_view end = "-----END ";
  constexpr std::string_view dashes = "-----";
  std::string out;
  out.reserve(in.size());
  std::size_t pos = 0;
  while (true) {
    auto b = in.find(begin, pos);
    if (b == std::string_view::npos) break;
    auto label_end = in.find(dashes, b + begin.size());
    if (label_end == std::string_view::npos || label_end - (b + begin.size()) > 64) {
      out += in.substr(pos, b + begin.size() - pos);
      pos = b + begin.size();
      continue;
    }
    auto header_end = label_end + dashes.size();
    out += in.substr(pos, header_end - pos);
    out += redacted;
    auto e = in.find(end, header_end);
    if (e == std::string_view::npos) return out;
    auto trailer_end = in.find(dashes, e + end.size());
    if (trailer_end == std::string_view::npos) return out;
    trailer_end += dashes.size();
    out += in.substr(e, trailer_end - e);
    pos = trailer_end;
  }
  out += in.substr(pos);
  return out;
}

bool looks_like_jwt(std::string_view word) noexcept {
  // A JWS is three base64url parts; the header always starts with `{"`, which encodes to eyJ.
  return word.starts_with("eyJ") && std::count(word.begin(), word.end(), '.') >= 2;
}

// Length of the value that starts at `pos` after a secret name and its separator; 0 if there is
// none. `colon` values may contain spaces (`Authorization: Bearer x`), `=` values may not.
std::size_t value_length(std::string_view text, std::size_t pos, bool colon) noexcept {
  auto rest = text.substr(pos);
  if (rest.starts_with("\\\"")) {
    // JSON inside a JSON string: \" is a quote of the inner document and closes the value, unless
    // an inner backslash (\\) escapes it.
    std::size_t i = 2;
    while (i + 1 < rest.size()) {
      if (rest[i] != '\\') {
        ++i;
      } else if (rest[i + 1] == '"') {
        return i + 2;
      } else if (rest[i + 1] == '\\') {
        i += 2;
        i += (i + 1 < rest.size() && rest[i] == '\\') ? 2 : 1;
      } else {
        i += 2;
      }
    }
    return rest.size();
  }
  if (!rest.empty() && (rest[0] == '"' || rest[0] == '\'')) {
    char quote = rest[0];
    for (std::size_t i = 1; i < rest.size(); ++i) {
      if (rest[i] == '\\') {
        ++i;
      } else if (rest[i] == quote) {
        return i + 1;
      }
    }
    return rest.size();
  }
  std::size_t i = 0;
  for (; i < rest.size(); ++i) {
    char c = rest[i];
    if (c == '\n' || c == '\r' || c == ';' || c == '&' || c == ',' || c == '"' || c == '\'' || c == '<' ||
        c == '>' || c == '}' || c == ']')
      break;
    if (!colon && (is_space(c) || c == ')')) break;
  }
  while (colon && i > 0 && is_space(rest[i - 1])) --i;
  return i;
}

// Masks a value (keeping its quotes so that the surrounding text stays well-formed).
void append_masked_value(std::string& out, std::string_view value) {
  if (value.starts_with("\\\"")) {
    out += "\\\"";
    out += redacted;
    if (value.size() >= 4 && value.ends_with("\\\"")) out += "\\\"";
    return;
  }
  if (!value.empty() && (value[0] == '"' || value[0] == '\'')) {
    out += value[0];
    out += redacted;
    if (value.size() >= 2 && value.back() == value[0]) out += value[0];
    return;
  }
  out += redacted;
}

std::string redact_credentials(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    if (!is_word_char(text[i]) || (i > 0 && is_word_char(text[i - 1]))) {
      out += text[i++];
      continue;
    }
    // Base64 of "-----BEGIN" (how protected settings carry PEM files).
    if (text.substr(i).starts_with("LS0tLS1CRUdJTi")) {
      std::size_t j = i;
      while (j < n && is_base64_char(text[j])) ++j;
      out += redacted;
      i = j;
      continue;
    }
    std::size_t end = i;
    while (end < n && is_word_char(text[end])) ++end;
    std::string_view word = text.substr(i, end - i);

    if (looks_like_jwt(word)) {
      out += redacted;
      i = end;
      continue;
    }
    if (iequal(word, "bearer") || iequal(word, "basic")) {
      std::size_t j = end;
      while (j < n && is_space(text[j])) ++j;
      std::size_t k = j;
      while (k < n && is_token68_char(text[k])) ++k;
      while (k < n && text[k] == '=') ++k;
      if (j > end && k > j) {
        out += text.substr(i, j - i);
        out += redacted;
        i = k;
        continue;
      }
    }
    if (is_secret_name(word)) {
      std::size_t j = end;
      if (text.substr(j).starts_with("\\\"")) {
        j += 2;
      } else if (j < n && (text[j] == '"' || text[j] == '\'')) {
        ++j;
      }
      while (j < n && is_space(text[j])) ++j;
      if (j < n && (text[j] == '=' || text[j] == ':')) {
        bool colon = text[j] == ':';
        std::size_t v = j + 1;
        while (v < n && is_space(text[v])) ++v;
        bool quoted = v < n && (text[v] == '"' || text[v] == '\'' || text.substr(v).starts_with("\\\""));
        // `host:443` is not `name: value`; a colon needs a space or a quoted value after it.
        if (!colon || v > j + 1 || quoted) {
          auto len = value_length(text, v, colon);
          if (len > 0) {
            out += text.substr(i, v - i);
            append_masked_value(out, text.substr(v, len));
            i = v + len;
            continue;
          }
        }
      }
    }
    out += word;
    i = end;
  }
  return out;
}

// ---- JSON ----

bool is_protected_settings_name(std::string_view name) {
  auto n = normalized_name(name);
  return n == "protectedsettings" || n == "configurationprotectedsettings";
}

bool is_kubernetes_secret(const boost::json::object& o) {
  auto* kind = o.if_contains("kind");
  return kind && kind->is_string() && kind->get_string() == "Secret";
}

void redact_in_place(boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      auto& o = v.get_object();
      bool k8s_secret = is_kubernetes_secret(o);
      for (auto& [key, member] : o) {
        bool hide = is_secret_name(key) || is_protected_settings_name(key) ||
                    (k8s_secret && (key == "data" || key == "stringData"));
        if (hide) {
          if (!member.is_null()) member = redacted;
        } else {
          redact_in_place(member);
        }
      }
      break;
    }
    case boost::json::kind::array:
      for (auto& element : v.get_array()) redact_in_place(element);
      break;
    case boost::json::kind::string: {
      auto& s = v.get_string();
      auto scrubbed = redact_text(s);
      if (scrubbed != std::string_view(s)) s = scrubbed;
      break;
    }
    default: break;
  }
}

}  // namespace

// ---- secret_string ----

secret_string::secret_string(secret_string&& other) noexcept : value_(std::move(other.value_)) { wipe(other.value_); }

secret_string& secret_string::operator=(const secret_string& other) {
  if (this != &other) {
    wipe(value_);
    value_ = other.value_;
  }
  return *this;
}

secret_string& secret_string::operator=(secret_string&& other) noexcept {
  if (this != &other) {
    wipe(value_);
    value_ = std::move(other.value_);
    wipe(other.value_);
  }
  return *this;
}

secret_string::~secret_string() { wipe(value_); }

void secret_string::clear() noexcept { wipe(value_); }

bool operator==(const secret_string& a, const secret_string& b) noexcept {
  if (a.value_.size() != b.value_.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.value_.size(); ++i)
    diff |= static_cast<unsigned char>(a.value_[i] ^ b.value_[i]);
  return diff == 0;
}

std::string to_string(const secret_string&) { return std::string(redacted); }

std::ostream& operator<<(std::ostream& os, const secret_string&) { return os << redacted; }

// ---- names ----

bool is_secret_name(std::string_view name) noexcept {
  std::string n;
  try {
    n = normalized_name(name);
  } catch (...) {
    return true;  // out of memory: hide rather than show
  }
  for (auto part : secret_name_parts)
    if (n.find(part) != std::string::npos) return true;
  for (auto exact : secret_exact_names)
    if (n == exact) return true;
  return false;
}

bool is_safe_header(std::string_view name, std::span<const std::string> extra_allowed) noexcept {
  return !is_secret_name(name) && listed(safe_headers, extra_allowed, name);
}

std::string redact_header(std::string_view name, std::string_view value, std::span<const std::string> extra_allowed) {
  if (!is_safe_header(name, extra_allowed)) return std::string(redacted);
  for (std::string_view u : url_headers)
    if (iequal(u, name)) return redact_url(value);
  return std::string(value);
}

bool is_safe_query_parameter(std::string_view name, std::span<const std::string> extra_allowed) noexcept {
  return !is_secret_name(name) && listed(safe_query_parameters, extra_allowed, name);
}

std::string redact_url(std::string_view url, std::span<const std::string> extra_allowed_query) {
  std::string out;
  out.reserve(url.size());
  std::string_view rest = url;
  if (auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos &&
                                          rest.find_first_of("/?#") > scheme_end) {
    out += rest.substr(0, scheme_end + 3);
    rest.remove_prefix(scheme_end + 3);
    auto authority_end = std::min(rest.find_first_of("/?#"), rest.size());
    auto authority = rest.substr(0, authority_end);
    if (auto at = authority.rfind('@'); at != std::string_view::npos) {
      out += redacted;
      out += authority.substr(at);
    } else {
      out += authority;
    }
    rest.remove_prefix(authority_end);
  }
  auto fragment = rest.find('#');
  std::string_view before_fragment = rest.substr(0, fragment);
  auto q = before_fragment.find('?');
  out += before_fragment.substr(0, q);
  if (q != std::string_view::npos) {
    out += '?';
    out += redact_query(before_fragment.substr(q + 1), extra_allowed_query);
  }
  if (fragment != std::string_view::npos) {
    out += '#';
    if (fragment + 1 < rest.size()) out += redacted;
  }
  return out;
}

std::string redact_text(std::string_view text) { return redact_credentials(redact_pem(text)); }

boost::json::value redact_json(const boost::json::value& v) {
  boost::json::value copy = v;
  redact_in_place(copy);
  return copy;
}

std::string redact_json_text(std::string_view text) {
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec) return redact_text(text);
  redact_in_place(v);
  return boost::json::serialize(v);
}

}  // namespace amlk8s
