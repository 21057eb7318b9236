#include "auth/token_response.hpp"

#include "auth/encoding.hpp"
#include "auth/wire.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <charconv>
#include <cstdint>
#include <ctime>
#include <limits>

namespace amlk8s::auth::detail {
namespace {

namespace json = boost::json;

// §4.1: numbers beyond int32 are capped, as the peers do.
constexpr std::int64_t int32_max = std::numeric_limits<std::int32_t>::max();

std::optional<std::int64_t> to_int(std::string_view text) {
  text = trim(text);
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || p != text.data() + text.size()) {
    // Accept "3599.0"-style numbers by dropping a zero fraction.
    double d = 0;
    auto [q, ec2] = std::from_chars(text.data(), text.data() + text.size(), d);
    if (ec2 != std::errc{} || q != text.data() + text.size()) return std::nullopt;
    v = static_cast<std::int64_t>(d);
  }
  return v;
}

std::optional<std::int64_t> json_int(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return v.get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                                ? std::numeric_limits<std::int64_t>::max()
                                : static_cast<std::int64_t>(v.get_uint64());
  if (v.is_double()) return static_cast<std::int64_t>(v.get_double());
  if (v.is_string()) return to_int(v.get_string());
  return std::nullopt;
}

int digits(std::string_view s, std::size_t pos, std::size_t n, bool& ok) {
  int v = 0;
  if (pos + n > s.size()) {
    ok = false;
    return 0;
  }
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') ok = false;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

std::optional<time_point> from_utc(std::tm tm) {
  std::time_t t = timegm(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

// 2024-05-01T12:00:00Z, 2024-05-01T12:00:00.123+02:00
std::optional<time_point> parse_rfc3339(std::string_view s) {
  bool ok = s.size() >= 19 && s[4] == '-' && s[7] == '-' && (s[10] == 'T' || s[10] == 't' || s[10] == ' ') &&
            s[13] == ':' && s[16] == ':';
  if (!ok) return std::nullopt;
  std::tm tm{};
  tm.tm_year = digits(s, 0, 4, ok) - 1900;
  tm.tm_mon = digits(s, 5, 2, ok) - 1;
  tm.tm_mday = digits(s, 8, 2, ok);
  tm.tm_hour = digits(s, 11, 2, ok);
  tm.tm_min = digits(s, 14, 2, ok);
  tm.tm_sec = digits(s, 17, 2, ok);
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
  }
  int offset_minutes = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int sign = s[pos] == '+' ? 1 : -1;
    if (pos + 6 > s.size() || s[pos + 3] != ':') return std::nullopt;
    offset_minutes = sign * (digits(s, pos + 1, 2, ok) * 60 + digits(s, pos + 4, 2, ok));
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (!ok || pos != s.size()) return std::nullopt;
  auto t = from_utc(tm);
  if (!t) return std::nullopt;
  return *t - std::chrono::minutes(offset_minutes);
}

// Mon, 01 Jan 2024 00:00:00 GMT
std::optional<time_point> parse_rfc1123(std::string_view s) {
  static constexpr std::string_view months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (s.size() != 29 || s[3] != ',' || s.substr(26) != "GMT") return std::nullopt;
  bool ok = s[4] == ' ' && s[7] == ' ' && s[11] == ' ' && s[16] == ' ' && s[19] == ':' && s[22] == ':' && s[25] == ' ';
  std::tm tm{};
  tm.tm_mday = digits(s, 5, 2, ok);
  tm.tm_mon = -1;
  for (int i = 0; i < 12; ++i)
    if (s.substr(8, 3) == months[i]) tm.tm_mon = i;
  tm.tm_year = digits(s, 12, 4, ok) - 1900;
  tm.tm_hour = digits(s, 17, 2, ok);
  tm.tm_min = digits(s, 20, 2, ok);
  tm.tm_sec = digits(s, 23, 2, ok);
  if (!ok || tm.tm_mon < 0) return std::nullopt;
  return from_utc(tm);
}

const json::value* member(const json::object& o, std::string_view name) {
  auto it = o.find(name);
  return it == o.end() || it->value().is_null() ? nullptr : &it->value();
}

std::string json_text(const json::value* v) {
  if (v == nullptr) return {};
  if (v->is_string()) return std::string(v->get_string());
  return json::serialize(*v);
}

void replace_all(std::string& text, std::string_view what) {
  if (what.empty()) return;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 3)) text.replace(pos, what.size(), "***");
}

bool is_b64url(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// A JWT starts with the base64url of '{"' ("eyJ"); hide it and everything that belongs to it.
void replace_jwts(std::string& text) {
  for (auto pos = text.find("eyJ"); pos != std::string::npos; pos = text.find("eyJ", pos + 3)) {
    auto end = pos;
    while (end < text.size() && (is_b64url(text[end]) || text[end] == '.')) ++end;
    text.replace(pos, end - pos, "***");
  }
}

}  // namespace

std::optional<time_point> parse_time(std::string_view text) {
  text = trim(text);
  if (text.empty()) return std::nullopt;
  if (auto n = to_int(text)) return std::chrono::system_clock::from_time_t(static_cast<std::time_t>(std::min(*n, int32_max)));
  if (auto t = parse_rfc3339(text)) return t;
  return parse_rfc1123(text);
}

std::optional<time_point> parse_local_time(std::string_view s) {
  s = trim(s);
  bool ok = s.size() >= 19 && s[4] == '-' && s[7] == '-' && s[10] == ' ' && s[13] == ':' && s[16] == ':';
  if (!ok) return std::nullopt;
  std::tm tm{};
  tm.tm_year = digits(s, 0, 4, ok) - 1900;
  tm.tm_mon = digits(s, 5, 2, ok) - 1;
  tm.tm_mday = digits(s, 8, 2, ok);
  tm.tm_hour = digits(s, 11, 2, ok);
  tm.tm_min = digits(s, 14, 2, ok);
  tm.tm_sec = digits(s, 17, 2, ok);
  if (!ok) return std::nullopt;
  tm.tm_isdst = -1;  // let the C library decide, as the CLI's local time carries no zone (§4.4)
  std::time_t t = std::mktime(&tm);
  if (t == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

std::optional<access_token> parse_token_response(std::string_view body, time_point now, std::string& why) {
  boost::system::error_code ec;
  auto doc = json::parse(body, ec);
  if (ec || !doc.is_object()) {
    why = "the token answer is not a JSON object";
    return std::nullopt;
  }
  const auto& o = doc.get_object();
  const auto* token = member(o, wire::answer_access_token);
  if (token == nullptr || !token->is_string() || token->get_string().empty()) {
    why = "the token answer has no access_token";
    return std::nullopt;
  }
  access_token out;
  out.token = secret_string(std::string(token->get_string()));
  std::optional<time_point> expires;
  if (const auto* in = member(o, wire::answer_expires_in)) {
    if (auto n = json_int(*in)) expires = now + std::chrono::seconds(std::min(*n, int32_max));
  }
  if (!expires) {
    if (const auto* on = member(o, wire::answer_expires_on)) {
      if (auto n = on->is_string() ? std::optional<std::int64_t>{} : json_int(*on))
        expires = std::chrono::system_clock::from_time_t(static_cast<std::time_t>(std::min(*n, int32_max)));
      else if (on->is_string())
        expires = parse_time(on->get_string());
    }
  }
  if (!expires) {
    why = "the token answer has no usable expires_in or expires_on";
    return std::nullopt;
  }
  out.expires_on = *expires;
  if (const auto* refresh_in = member(o, wire::answer_refresh_in)) {
    if (auto n = json_int(*refresh_in); n && *n > 0) out.refresh_on = now + std::chrono::seconds(std::min(*n, int32_max));
  }
  if (!out.refresh_on && out.expires_on - now >= wire::half_life_threshold) {
    out.refresh_on = now + (out.expires_on - now) / 2;
  }
  return out;
}

error_code token_error_code(int http_status) {
  if (http_status == 400 || http_status == 401) return make_error_code(errc::authentication_failed);
  auto e = errc_from_http_status(http_status);
  return make_error_code(e == errc::ok ? errc::protocol_error : e);
}

void read_error_response(const http::response& res, diagnostics& diag) {
  diag.http_status = res.status;
  if (auto id = res.headers.get(wire::request_id_header)) diag.request_id = std::string(*id);
  if (auto id = res.headers.get(wire::correlation_id_header)) diag.correlation_request_id = std::string(*id);
  boost::system::error_code ec;
  auto doc = json::parse(res.body, ec);
  if (ec || !doc.is_object()) return;
  const auto& o = doc.get_object();
  if (const auto* err = member(o, wire::error_field)) {
    if (err->is_object()) {
      diag.service_code = json_text(member(err->get_object(), "code"));
      diag.service_message = json_text(member(err->get_object(), "message"));
    } else {
      diag.service_code = json_text(err);
    }
  }
  if (auto text = json_text(member(o, wire::error_description_field)); !text.empty()) diag.service_message = text;
  if (diag.request_id.empty()) diag.request_id = json_text(member(o, wire::error_trace_id_field));
  if (diag.correlation_request_id.empty()) diag.correlation_request_id = json_text(member(o, wire::error_correlation_id_field));
}

std::string scrub_text(std::string text, std::initializer_list<const secret_string*> secrets) {
  for (const auto* s : secrets)
    if (s != nullptr) replace_all(text, s->reveal());
  replace_jwts(text);
  return text;
}

void scrub(diagnostics& diag, std::initializer_list<const secret_string*> secrets) {
  auto fix = [&](std::string& t) { t = scrub_text(std::move(t), secrets); };
  fix(diag.service_code);
  fix(diag.service_message);
  fix(diag.client_message);
  for (auto& d : diag.details) {
    fix(d.code);
    fix(d.message);
    fix(d.target);
  }
  for (auto& v : diag.validation) {
    fix(v.message);
    fix(v.fix);
  }
}

}  // namespace amlk8s::auth::detail
