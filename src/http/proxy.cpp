#include <amlk8s/http/message.hpp>
#include <amlk8s/http/proxy.hpp>

#include <arpa/inet.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <string>

namespace amlk8s::http {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view strip_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') return host.substr(1, host.size() - 2);
  return host;
}

// An IP literal in network byte order; size 4 or 16, or 0 when `text` is not one.
struct ip_bytes {
  std::array<unsigned char, 16> bytes{};
  std::size_t size = 0;
};

ip_bytes parse_ip(std::string_view text) {
  ip_bytes ip;
  std::string s(strip_brackets(text));
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) {
    ip.size = 4;
  } else if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    ip.size = 16;
    // An IPv4-mapped address (::ffff:a.b.c.d) is that IPv4 address.
    static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(ip.bytes.data(), mapped, sizeof mapped) == 0) {
      std::memmove(ip.bytes.data(), ip.bytes.data() + 12, 4);
      ip.size = 4;
    }
  }
  return ip;
}

bool is_loopback_ip(const ip_bytes& ip) {
  if (ip.size == 4) return ip.bytes[0] == 127;
  if (ip.size == 16) {
    for (std::size_t i = 0; i < 15; ++i)
      if (ip.bytes[i] != 0) return false;
    return ip.bytes[15] == 1;
  }
  return false;
}

bool in_cidr(const ip_bytes& ip, std::string_view cidr) {
  auto slash = cidr.find('/');
  if (slash == std::string_view::npos) return false;
  auto net = parse_ip(cidr.substr(0, slash));
  if (net.size == 0 || net.size != ip.size) return false;
  int bits = 0;
  for (char c : cidr.substr(slash + 1)) {
    if (c < '0' || c > '9') return false;
    bits = bits * 10 + (c - '0');
    if (bits > 128) return false;
  }
  if (bits > static_cast<int>(ip.size * 8)) return false;
  for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
    unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
    if ((ip.bytes[i] & mask) != (net.bytes[i] & mask)) return false;
  }
  return true;
}

// Drops a ":port" suffix from a NO_PROXY entry ("host:80", "[::1]:80"), leaving bare IPv6 literals alone.
std::string_view strip_port(std::string_view entry) {
  if (!entry.empty() && entry.front() == '[') {
    auto close = entry.find(']');
    return close == std::string_view::npos ? entry : entry.substr(1, close - 1);
  }
  auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos)
    return entry.substr(0, colon);
  return entry;
}

std::string env(const char* upper, const char* lower_name) {
  if (const char* v = std::getenv(upper); v && *v) return v;
  if (const char* v = std::getenv(lower_name); v && *v) return v;
  return {};
}

}  // namespace

bool is_loopback_host(std::string_view host) noexcept {
  try {
    auto h = lower(strip_brackets(host));
    if (!h.empty() && h.back() == '.') h.pop_back();  // "localhost." is a fully qualified spelling
    if (h == "localhost" || (h.size() > 10 && h.ends_with(".localhost"))) return true;
    return is_loopback_ip(parse_ip(h));
  } catch (...) {
    return false;
  }
}

bool matches_no_proxy(std::string_view host, std::string_view no_proxy) noexcept {
  try {
    auto h = lower(strip_brackets(host));
    if (!h.empty() && h.back() == '.') h.pop_back();
    auto ip = parse_ip(h);
    while (!no_proxy.empty()) {
      auto comma = no_proxy.find(',');
      auto entry = trim(no_proxy.substr(0, comma));
      no_proxy = comma == std::string_view::npos ? std::string_view{} : no_proxy.substr(comma + 1);
      if (entry.empty()) continue;
      if (entry == "*") return true;
      if (entry.find('/') != std::string_view::npos) {
        if (ip.size != 0 && in_cidr(ip, entry)) return true;
        continue;
      }
      auto e = lower(strip_port(entry));
      if (e.starts_with("*.")) e.erase(0, 2);
      else if (e.starts_with(".")) e.erase(0, 1);
      if (e.empty()) continue;
      if (ip.size != 0) {
        auto eip = parse_ip(e);
        if (eip.size == ip.size && std::memcmp(eip.bytes.data(), ip.bytes.data(), ip.size) == 0) return true;
        continue;
      }
      if (h == e || (h.size() > e.size() && h.ends_with(e) && h[h.size() - e.size() - 1] == '.')) return true;
    }
    return false;
  } catch (...) {
    return false;
  }
}

proxy_settings proxy_settings::from_environment() {
  proxy_settings s;
  s.http_proxy = env("HTTP_PROXY", "http_proxy");
  s.https_proxy = env("HTTPS_PROXY", "https_proxy");
  s.no_proxy = env("NO_PROXY", "no_proxy");
  return s;
}

std::string_view proxy_settings::select(std::string_view scheme, std::string_view host) const {
  if (is_loopback_host(host)) return {};
  const std::string& proxy = iequals(scheme, "https") ? https_proxy : http_proxy;
  if (proxy.empty() || matches_no_proxy(host, no_proxy)) return {};
  return proxy;
}

}  // namespace amlk8s::http
