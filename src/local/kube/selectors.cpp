#include "selectors.hpp"

#include "registry.hpp"
#include "status.hpp"
#include "wire.hpp"

#include <algorithm>
#include <cctype>

namespace amlk8s::local::kube::detail {

namespace {

const boost::json::object* labels_of(const boost::json::object& object) {
  const auto* meta = object.if_contains("metadata");
  if (meta == nullptr || !meta->is_object()) return nullptr;
  const auto* labels = meta->get_object().if_contains("labels");
  return labels && labels->is_object() ? &labels->get_object() : nullptr;
}

// Tokens of the labelSelector grammar (apimachinery labels.Lexer).
enum class tok { ident, eq, deq, neq, bang, in, notin, gt, lt, open, close, comma, end };

struct token {
  tok kind;
  std::string text;
};

bool is_special(char c) { return c == '=' || c == '!' || c == '(' || c == ')' || c == ',' || c == '>' || c == '<'; }

std::vector<token> lex(std::string_view s) {
  std::vector<token> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '=') {
      if (i + 1 < s.size() && s[i + 1] == '=') {
        out.push_back({tok::deq, "=="});
        i += 2;
      } else {
        out.push_back({tok::eq, "="});
        ++i;
      }
    } else if (c == '!') {
      if (i + 1 < s.size() && s[i + 1] == '=') {
        out.push_back({tok::neq, "!="});
        i += 2;
      } else {
        out.push_back({tok::bang, "!"});
        ++i;
      }
    } else if (c == '(' || c == ')' || c == ',' || c == '>' || c == '<') {
      out.push_back({c == '(' ? tok::open : c == ')' ? tok::close : c == ',' ? tok::comma : c == '>' ? tok::gt : tok::lt,
                     std::string(1, c)});
      ++i;
    } else {
      std::size_t j = i;
      while (j < s.size() && !is_special(s[j]) && !std::isspace(static_cast<unsigned char>(s[j]))) ++j;
      std::string word(s.substr(i, j - i));
      out.push_back({word == "in" ? tok::in : word == "notin" ? tok::notin : tok::ident, word});
      i = j;
    }
  }
  out.push_back({tok::end, ""});
  return out;
}

[[noreturn]] void parse_error(std::string_view what) {
  throw bad_request("unable to parse requirement: " + std::string(what));
}

bool valid_label_value(std::string_view v) {
  if (v.empty()) return true;
  if (v.size() > 63) return false;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(v.front()) || !alnum(v.back())) return false;
  return std::all_of(v.begin(), v.end(), [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool valid_label_key(std::string_view k) {
  auto slash = k.rfind('/');
  auto name = slash == std::string_view::npos ? k : k.substr(slash + 1);
  if (slash != std::string_view::npos) {
    auto prefix = k.substr(0, slash);
    if (prefix.empty() || prefix.size() > 253) return false;
    for (char c : prefix)
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
        return false;
  }
  return !name.empty() && valid_label_value(name);
}

bool is_integer(std::string_view v) {
  if (v.empty()) return false;
  std::size_t start = v[0] == '-' ? 1 : 0;
  return start < v.size() && std::all_of(v.begin() + static_cast<std::ptrdiff_t>(start), v.end(),
                                         [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

label_selector label_selector::parse(std::string_view text) {
  label_selector sel;
  auto tokens = lex(text);
  std::size_t p = 0;
  auto peek = [&]() -> const token& { return tokens[p]; };
  auto next = [&]() -> const token& { return tokens[p++]; };
  if (peek().kind == tok::end) return sel;
  for (;;) {
    requirement r;
    bool negated = false;
    if (peek().kind == tok::bang) {
      next();
      negated = true;
    }
    if (peek().kind != tok::ident) parse_error("found '" + peek().text + "', expected: identifier");
    r.key = next().text;
    if (!valid_label_key(r.key)) parse_error("invalid label key \"" + r.key + "\"");
    if (negated) {
      r.oper = op::not_exists;
    } else {
      switch (peek().kind) {
        case tok::end:
        case tok::comma: r.oper = op::exists; break;
        case tok::eq:
        case tok::deq:
        case tok::neq:
        case tok::gt:
        case tok::lt: {
          auto k = next().kind;
          r.oper = k == tok::neq ? op::not_equals : k == tok::gt ? op::greater : k == tok::lt ? op::less : op::equals;
          std::string value;
          if (peek().kind == tok::ident) value = next().text;
          else if (peek().kind == tok::in || peek().kind == tok::notin) value = next().text;
          else if (r.oper == op::greater || r.oper == op::less) parse_error("found '" + peek().text + "', expected: an integer");
          if ((r.oper == op::greater || r.oper == op::less) && !is_integer(value))
            parse_error("for 'Gt', 'Lt' operators, the value must be an integer");
          if (!valid_label_value(value)) parse_error("invalid label value: \"" + value + "\"");
          r.values.push_back(std::move(value));
          break;
        }
        case tok::in:
        case tok::notin: {
          r.oper = next().kind == tok::in ? op::in : op::not_in;
          if (next().kind != tok::open) parse_error("found '" + tokens[p - 1].text + "', expected: '('");
          for (;;) {
            std::string value;
            if (peek().kind == tok::ident) value = next().text;
            if (!valid_label_value(value)) parse_error("invalid label value: \"" + value + "\"");
            r.values.push_back(std::move(value));
            if (peek().kind == tok::comma) {
              next();
              continue;
            }
            if (peek().kind == tok::close) {
              next();
              break;
            }
            parse_error("found '" + peek().text + "', expected: ',', ')' or identifier");
          }
          break;
        }
        default: parse_error("found '" + peek().text + "', expected: in, notin, =, ==, !=, gt, lt");
      }
    }
    sel.requirements_.push_back(std::move(r));
    if (peek().kind == tok::end) break;
    if (next().kind != tok::comma) parse_error("found '" + tokens[p - 1].text + "', expected: ',' or 'end of string'");
  }
  return sel;
}

bool label_selector::matches(const boost::json::object& object) const {
  const auto* labels = labels_of(object);
  for (const auto& r : requirements_) {
    const boost::json::value* v = labels ? labels->if_contains(r.key) : nullptr;
    std::string value = v && v->is_string() ? std::string(v->get_string()) : std::string();
    bool has = v != nullptr;
    auto in_values = [&] { return std::find(r.values.begin(), r.values.end(), value) != r.values.end(); };
    switch (r.oper) {
      case op::equals:
      case op::in:
        if (!has || !in_values()) return false;
        break;
      case op::not_equals:
      case op::not_in:
        if (has && in_values()) return false;
        break;
      case op::exists:
        if (!has) return false;
        break;
      case op::not_exists:
        if (has) return false;
        break;
      case op::greater:
      case op::less: {
        if (!has || !is_integer(value)) return false;
        long long a = std::stoll(value), b = std::stoll(r.values.front());
        if (r.oper == op::greater ? !(a > b) : !(a < b)) return false;
        break;
      }
    }
  }
  return true;
}

field_selector field_selector::parse(std::string_view text, const resource_type& type) {
  field_selector sel;
  // Terms are split on unescaped commas; '\' escapes ',', '=', '!' and '\' inside values.
  std::vector<std::string> parts;
  std::string current;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size()) {
      current += text[i];
      current += text[++i];
    } else if (text[i] == ',') {
      parts.push_back(std::move(current));
      current.clear();
    } else {
      current += text[i];
    }
  }
  if (!current.empty() || !parts.empty()) parts.push_back(std::move(current));
  for (auto& part : parts) {
    if (part.empty()) continue;
    term t;
    std::size_t pos = std::string::npos;
    std::size_t op_len = 0;
    for (std::size_t i = 0; i < part.size(); ++i) {
      if (part[i] == '\\') {
        ++i;
        continue;
      }
      if (part.compare(i, 2, "!=") == 0) {
        t.negated = true;
        pos = i;
        op_len = 2;
      } else if (part.compare(i, 2, "==") == 0) {
        pos = i;
        op_len = 2;
      } else if (part[i] == '=') {
        pos = i;
        op_len = 1;
      }
      if (pos != std::string::npos) break;
    }
    if (pos == std::string::npos) throw bad_request("invalid selector: '" + std::string(text) + "'; can't understand '" + part + "'");
    t.field = part.substr(0, pos);
    while (!t.field.empty() && t.field.back() == ' ') t.field.pop_back();
    while (!t.field.empty() && t.field.front() == ' ') t.field.erase(0, 1);
    std::string raw = part.substr(pos + op_len);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      if (raw[i] == '\\' && i + 1 < raw.size()) ++i;
      t.value += raw[i];
    }
    bool supported = t.field == "metadata.name" || t.field == "metadata.namespace" ||
                     std::find(type.field_labels.begin(), type.field_labels.end(), t.field) != type.field_labels.end();
    // §2.7: an unsupported field is a 400 with this message.
    if (!supported) throw bad_request(std::string(wire::field_not_supported_prefix) + t.field);
    sel.terms_.push_back(std::move(t));
  }
  return sel;
}

std::string field_value(const boost::json::object& object, std::string_view field) {
  // Fields whose value is not simply the member at the path (apiserver field label conversions).
  if (field == "source") return field_value(object, "source.component");
  const boost::json::value* v = nullptr;
  const boost::json::object* o = &object;
  std::string_view rest = field;
  while (o != nullptr) {
    auto dot = rest.find('.');
    v = o->if_contains(rest.substr(0, dot));
    if (v == nullptr || dot == std::string_view::npos) break;
    rest = rest.substr(dot + 1);
    o = v->if_object();
    if (o == nullptr) v = nullptr;
  }
  if (v == nullptr || v->is_null()) {
    if (field == "spec.unschedulable" || field == "spec.hostNetwork") return "false";
    return {};
  }
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_bool()) return v->get_bool() ? "true" : "false";
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return {};
}

bool field_selector::matches(const boost::json::object& object) const {
  for (const auto& t : terms_) {
    bool equal = field_value(object, t.field) == t.value;
    if (equal == t.negated) return false;
  }
  return true;
}

const std::string* field_selector::pinned_name() const {
  for (const auto& t : terms_)
    if (t.field == "metadata.name" && !t.negated) return &t.value;
  return nullptr;
}

}  // namespace amlk8s::local::kube::detail
