#include <amlk8s/arm/path.hpp>

#include <amlk8s/core/error.hpp>
#include <amlk8s/http/message.hpp>

namespace amlk8s::arm {
namespace {

bool is_unreserved(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

// RFC 3986 pchar minus what some servers treat specially in a path ('&', '+', ';', '=').
bool keep_in_segment(char c) noexcept {
  return is_unreserved(c) || c == '!' || c == '$' || c == '\'' || c == '(' || c == ')' || c == '*' || c == ',' ||
         c == ':' || c == '@';
}

// Query components keep what ARM parameters use unescaped ($filter, $skip, quotes in filters).
bool keep_in_query(char c) noexcept {
  return is_unreserved(c) || c == '!' || c == '$' || c == '\'' || c == '(' || c == ')' || c == '*' || c == ',' ||
         c == ':' || c == '@' || c == '/';
}

template <class Keep>
std::string encode(std::string_view text, Keep keep) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (keep(c)) {
      out.push_back(c);
    } else {
      auto b = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 0x0F]);
    }
  }
  return out;
}

}  // namespace

std::string encode_path_segment(std::string_view segment) { return encode(segment, keep_in_segment); }

std::string encode_query_component(std::string_view component) { return encode(component, keep_in_query); }

std::string encode_path(std::string_view path) {
  if (path.empty() || path.front() != '/')
    throw error(errc::invalid_argument, "ARM path '" + std::string(path) + "' must start with '/'");
  std::string_view rest = path.substr(1);
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);  // a trailing '/' is harmless
  std::string out;
  out.reserve(path.size() + 8);
  while (true) {
    auto slash = rest.find('/');
    auto seg = rest.substr(0, slash);
    // An empty segment means a missing name: the URL would address some other resource.
    if (seg.empty())
      throw error(errc::invalid_argument, "ARM path '" + std::string(path) + "' has an empty segment; is a name missing?");
    out.push_back('/');
    out += encode_path_segment(seg);
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return out;
}

std::string make_path(std::initializer_list<std::string_view> segments) {
  std::string out;
  std::size_t index = 0;
  for (auto seg : segments) {
    if (seg.empty() || seg.find_first_of("/?") != std::string_view::npos)
      throw error(errc::invalid_argument, "path segment " + std::to_string(index) + " ('" + std::string(seg) +
                                              "') must be non-empty and contain neither '/' nor '?'");
    out.push_back('/');
    out += seg;
    ++index;
  }
  return out;
}

bool is_absolute_url(std::string_view target) noexcept {
  auto has = [&](std::string_view scheme) {
    return target.size() > scheme.size() && http::iequals(target.substr(0, scheme.size()), scheme);
  };
  return has("http://") || has("https://");
}

}  // namespace amlk8s::arm
