#include "model/instance_type_yaml.hpp"

#include <amlk8s/core/error.hpp>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <optional>

namespace amlk8s::model::detail {

namespace {

using boost::json::value;

bool is_digits(std::string_view s, bool hex = false) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool digit = c >= '0' && c <= '9';
    const bool hexdigit = (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!digit && !(hex && hexdigit)) return false;
  }
  return true;
}

bool is_null_text(std::string_view s) { return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL"; }

// YAML 1.2 core schema float: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_float_text(std::string_view s) {
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) s.remove_prefix(1);
  const auto e = s.find_first_of("eE");
  auto mantissa = s.substr(0, e);
  if (e != std::string_view::npos) {
    auto exponent = s.substr(e + 1);
    if (!exponent.empty() && (exponent.front() == '-' || exponent.front() == '+')) exponent.remove_prefix(1);
    if (!is_digits(exponent)) return false;
  }
  const auto dot = mantissa.find('.');
  if (dot == std::string_view::npos) return is_digits(mantissa);
  const auto whole = mantissa.substr(0, dot), fraction = mantissa.substr(dot + 1);
  if (whole.empty()) return is_digits(fraction);
  return is_digits(whole) && (fraction.empty() || is_digits(fraction));
}

// A plain scalar resolved as YAML's core schema does; nullopt: it is a string.
std::optional<value> resolve_plain(const std::string& s) {
  if (is_null_text(s)) return value(nullptr);
  if (s == "true" || s == "True" || s == "TRUE") return value(true);
  if (s == "false" || s == "False" || s == "FALSE") return value(false);
  std::string_view body = s;
  const bool negative = !body.empty() && body.front() == '-';
  if (!body.empty() && (body.front() == '-' || body.front() == '+')) body.remove_prefix(1);
  int base = 0;
  if (is_digits(body)) {
    base = 10;
  } else if (body.starts_with("0x") && is_digits(body.substr(2), true)) {
    base = 16;
    body.remove_prefix(2);
  } else if (body.starts_with("0o") && body.size() > 2 && body.find_first_not_of("01234567", 2) == std::string_view::npos) {
    base = 8;
    body.remove_prefix(2);
  }
  if (base != 0) {
    errno = 0;
    const std::string digits(body);
    const long long magnitude = std::strtoll(digits.c_str(), nullptr, base);
    if (errno == 0) return value(static_cast<std::int64_t>(negative ? -magnitude : magnitude));
  }
  if (is_float_text(s)) {
    errno = 0;
    const double d = std::strtod(s.c_str(), nullptr);
    if (errno == 0) return value(d);
  }
  return std::nullopt;
}

value convert(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null: return nullptr;
    case YAML::NodeType::Scalar: {
      const auto& text = node.Scalar();
      if (node.Tag() == "?")
        if (auto resolved = resolve_plain(text)) return std::move(*resolved);
      return boost::json::string(text);
    }
    case YAML::NodeType::Sequence: {
      boost::json::array out;
      for (const auto& item : node) out.push_back(convert(item));
      return out;
    }
    case YAML::NodeType::Map: {
      boost::json::object out;
      for (const auto& item : node) out[item.first.as<std::string>()] = convert(item.second);
      return out;
    }
  }
  return nullptr;
}

bool plain_safe(const std::string& s) {
  if (s.empty() || resolve_plain(s)) return false;
  const char first = s.front();
  if (first == '-' || first == '.' || first == '?' || first == ':') return false;
  for (const char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                    c == '_' || c == '/';
    if (!ok) return false;
  }
  return true;
}

std::string scalar(const value& v) {
  if (v.is_string()) {
    const std::string s(v.as_string());
    return plain_safe(s) ? s : boost::json::serialize(v);  // a JSON string is a valid YAML double-quoted scalar
  }
  if (v.is_object()) return "{}";
  if (v.is_array()) return "[]";
  return boost::json::serialize(v);
}

bool is_block(const value& v) {
  return (v.is_object() && !v.as_object().empty()) || (v.is_array() && !v.as_array().empty());
}

void emit(const value& v, std::size_t indent, std::string& out);

// An array item: the item's first line gets "- " in place of its indentation.
void emit_item(const value& item, std::size_t indent, std::string& out) {
  const std::string pad(indent, ' ');
  if (!is_block(item)) {
    out += pad + "- " + scalar(item) + "\n";
    return;
  }
  std::string nested;
  emit(item, indent + 2, nested);
  out += pad + "- " + nested.substr(indent + 2);
}

void emit(const value& v, std::size_t indent, std::string& out) {
  const std::string pad(indent, ' ');
  if (v.is_array()) {
    for (const auto& item : v.as_array()) emit_item(item, indent, out);
    return;
  }
  for (const auto& [k, member] : v.as_object()) {
    out += pad + scalar(boost::json::string(k)) + ":";
    if (is_block(member)) {
      out += "\n";
      emit(member, indent + 2, out);
    } else {
      out += " " + scalar(member) + "\n";
    }
  }
}

}  // namespace

std::vector<boost::json::value> yaml_documents(std::string_view text, std::string_view source) {
  try {
    std::vector<value> docs;
    for (const auto& node : YAML::LoadAll(std::string(text))) docs.push_back(convert(node));
    return docs;
  } catch (const YAML::Exception& e) {
    throw validation_error({{source.empty() ? std::string("(text)") : std::string(source),
                             "is not valid YAML: " + e.msg + " at line " + std::to_string(e.mark.line + 1) + ", column " +
                                 std::to_string(e.mark.column + 1),
                             "fix the YAML syntax"}});
  }
}

std::string json_to_yaml(const boost::json::value& v) {
  std::string out;
  if (is_block(v)) emit(v, 0, out);
  else out = scalar(v) + "\n";
  return out;
}

}  // namespace amlk8s::model::detail
