// Output formats and --query (see output.hpp).
#include "cli/output.hpp"

#include <amlk8s/core/error.hpp>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <ostream>
#include <variant>
#include <vector>

namespace amlk8s::cli {

namespace json = boost::json;

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

error bad_query(std::string_view path, std::string_view why) {
  return validation_error({{"--query", "'" + std::string(path) + "' " + std::string(why),
                            "write a dotted path such as properties.provisioningState, [0].name or [].name"}});
}

// One step of a query path: a member name, an index, or a projection over every item.
struct member { std::string name; };
struct index { long long i; };
struct projection {};
using step = std::variant<member, index, projection>;

std::vector<step> parse_query(std::string_view path) {
  std::vector<step> steps;
  std::size_t i = 0;
  bool need_member = true;  // at the start or after '.'
  while (i < path.size()) {
    const char c = path[i];
    if (c == '[') {
      const auto close = path.find(']', i);
      if (close == std::string_view::npos) throw bad_query(path, "has a '[' without its ']'");
      const auto inside = path.substr(i + 1, close - i - 1);
      if (inside.empty() || inside == "*") {
        steps.emplace_back(projection{});
      } else {
        long long n = 0;
        std::size_t k = inside.front() == '-' ? 1 : 0;
        if (k == inside.size()) throw bad_query(path, "has an index that is not a number");
        for (; k < inside.size(); ++k) {
          if (!std::isdigit(static_cast<unsigned char>(inside[k]))) throw bad_query(path, "has an index that is not a number");
          n = n * 10 + (inside[k] - '0');
        }
        steps.emplace_back(index{inside.front() == '-' ? -n : n});
      }
      i = close + 1;
      need_member = false;
      continue;
    }
    if (c == '.') {
      if (need_member) throw bad_query(path, "has an empty member name");
      need_member = true;
      ++i;
      continue;
    }
    if (!need_member) throw bad_query(path, "needs a '.' between members");
    if (c == '"') {
      const auto close = path.find('"', i + 1);
      if (close == std::string_view::npos) throw bad_query(path, "has an unclosed quote");
      steps.emplace_back(member{std::string(path.substr(i + 1, close - i - 1))});
      i = close + 1;
    } else {
      std::size_t j = i;
      while (j < path.size() && path[j] != '.' && path[j] != '[') ++j;
      steps.emplace_back(member{std::string(path.substr(i, j - i))});
      i = j;
    }
    need_member = false;
  }
  if (need_member && !steps.empty()) throw bad_query(path, "ends with '.'");
  if (steps.empty()) throw bad_query(path, "is empty");
  return steps;
}

json::value evaluate(const json::value& v, std::span<const step> steps) {
  if (steps.empty()) return v;
  const auto& s = steps.front();
  const auto rest = steps.subspan(1);
  if (const auto* m = std::get_if<member>(&s)) {
    const auto* o = v.if_object();
    if (o == nullptr) return nullptr;
    const auto it = o->find(m->name);
    return it == o->end() ? json::value(nullptr) : evaluate(it->value(), rest);
  }
  const auto* a = v.if_array();
  if (a == nullptr) return nullptr;
  if (const auto* n = std::get_if<index>(&s)) {
    const long long size = static_cast<long long>(a->size());
    const long long at = n->i < 0 ? size + n->i : n->i;
    if (at < 0 || at >= size) return nullptr;
    return evaluate((*a)[static_cast<std::size_t>(at)], rest);
  }
  json::array out;
  for (const auto& item : *a) {
    auto x = evaluate(item, rest);
    if (!x.is_null()) out.push_back(std::move(x));
  }
  return out;
}

bool is_scalar(const json::value& v) { return !v.is_object() && !v.is_array(); }

bool is_empty_container(const json::value& v) {
  return (v.is_object() && v.as_object().empty()) || (v.is_array() && v.as_array().empty());
}

std::string scalar_text(const json::value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_null()) return "";
  return json::serialize(v);
}

// ---- JSON ----

void pretty(const json::value& v, int indent, std::string& out) {
  const std::string pad(static_cast<std::size_t>(indent + 2), ' ');
  if (const auto* o = v.if_object(); o != nullptr && !o->empty()) {
    out += "{\n";
    bool first = true;
    for (const auto& [k, x] : *o) {
      if (!first) out += ",\n";
      first = false;
      out += pad + json::serialize(json::value(k)) + ": ";
      pretty(x, indent + 2, out);
    }
    out += "\n" + std::string(static_cast<std::size_t>(indent), ' ') + "}";
  } else if (const auto* a = v.if_array(); a != nullptr && !a->empty()) {
    out += "[\n";
    bool first = true;
    for (const auto& x : *a) {
      if (!first) out += ",\n";
      first = false;
      out += pad;
      pretty(x, indent + 2, out);
    }
    out += "\n" + std::string(static_cast<std::size_t>(indent), ' ') + "]";
  } else {
    out += json::serialize(v);
  }
}

// ---- YAML ----

bool yaml_needs_quotes(std::string_view s) {
  if (s.empty()) return true;
  static constexpr std::string_view reserved[] = {"true", "false", "yes", "no", "on", "off", "null", "~", "y", "n"};
  const auto l = lower(s);
  for (auto r : reserved) {
    if (l == r) return true;
  }
  // Anything a YAML reader could take for a number.
  if (std::all_of(s.begin(), s.end(), [](char c) {
        return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E' ||
               c == '_' || c == 'x' || c == 'o' || c == ':';
      })) {
    return true;
  }
  // Dates and times (YAML 1.1 readers make timestamps of them).
  if (s.size() >= 5 && std::all_of(s.begin(), s.begin() + 4, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }) &&
      s[4] == '-') {
    return true;
  }
  if (std::string_view("-?:,[]{}#&*!|>'\"%@` ").find(s.front()) != std::string_view::npos) return true;
  if (s.back() == ' ' || s.back() == ':') return true;
  if (s.find(": ") != std::string_view::npos || s.find(" #") != std::string_view::npos) return true;
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

std::string yaml_scalar(const json::value& v) {
  if (v.is_string()) {
    const std::string_view s = v.as_string();
    // A JSON string is a valid YAML double-quoted scalar.
    return yaml_needs_quotes(s) ? json::serialize(v) : std::string(s);
  }
  if (v.is_object()) return "{}";
  if (v.is_array()) return "[]";
  return json::serialize(v);  // null, true, false, numbers read the same in YAML
}

void yaml_block(const json::value& v, int indent, std::string& out);

// An item after "- " or a member value on the following lines.
void yaml_nested(const json::value& x, int indent, std::string& out, bool after_dash) {
  if (is_scalar(x) || is_empty_container(x)) {
    out += (after_dash ? "" : " ") + yaml_scalar(x) + "\n";
    return;
  }
  if (after_dash) {
    // The first line of the nested block goes right after the dash.
    std::string block;
    yaml_block(x, indent, block);
    out += block.substr(static_cast<std::size_t>(indent));
  } else {
    out += "\n";
    yaml_block(x, x.is_array() ? indent - 2 : indent, out);
  }
}

void yaml_block(const json::value& v, int indent, std::string& out) {
  const std::string pad(static_cast<std::size_t>(indent), ' ');
  if (const auto* o = v.if_object()) {
    for (const auto& [k, x] : *o) {
      out += pad + yaml_scalar(json::value(k)) + ":";
      yaml_nested(x, indent + 2, out, false);
    }
  } else if (const auto* a = v.if_array()) {
    for (const auto& x : *a) {
      out += pad + "- ";
      yaml_nested(x, indent + 2, out, true);
    }
  }
}

// ---- tables ----

std::vector<const json::object*> table_rows(const json::value& v) {
  std::vector<const json::object*> rows;
  if (const auto* o = v.if_object()) rows.push_back(o);
  if (const auto* a = v.if_array()) {
    for (const auto& x : *a) {
      if (const auto* o = x.if_object()) rows.push_back(o);
    }
  }
  return rows;
}

std::string cell_text(const json::value& v) { return is_scalar(v) ? scalar_text(v) : json::serialize(v); }

}  // namespace

std::optional<output_format> parse_output_format(std::string_view text) {
  const auto t = lower(text);
  if (t == "json" || t == "jsonc") return output_format::json;
  if (t == "yaml" || t == "yamlc") return output_format::yaml;
  if (t == "table") return output_format::table;
  if (t == "tsv") return output_format::tsv;
  if (t == "none") return output_format::none;
  return std::nullopt;
}

json::value query_path(const json::value& v, std::string_view path) {
  const auto steps = parse_query(path);
  return evaluate(v, steps);
}

std::string to_pretty_json(const json::value& v) {
  std::string out;
  pretty(v, 0, out);
  return out + "\n";
}

std::string to_yaml(const json::value& v) {
  if (is_scalar(v) || is_empty_container(v)) return yaml_scalar(v) + "\n";
  std::string out;
  yaml_block(v, 0, out);
  return out;
}

std::string to_table(const json::value& v, std::span<const column> columns) {
  if (is_scalar(v)) return v.is_null() ? std::string() : scalar_text(v) + "\n";
  const auto rows = table_rows(v);
  if (rows.empty()) {
    // An array of scalars: one per line.
    std::string out;
    if (const auto* a = v.if_array()) {
      for (const auto& x : *a) out += cell_text(x) + "\n";
    }
    return out;
  }
  std::vector<std::string> headers;
  std::vector<std::vector<std::string>> cells(rows.size());
  if (!columns.empty()) {
    for (const auto& c : columns) {
      headers.emplace_back(c.header);
      for (std::size_t r = 0; r < rows.size(); ++r) cells[r].push_back(cell_text(query_path(json::value(*rows[r]), c.path)));
    }
  } else {
    for (const auto& [k, x] : *rows.front()) {
      if (!is_scalar(x)) continue;
      headers.emplace_back(k);
      for (std::size_t r = 0; r < rows.size(); ++r) {
        const auto it = rows[r]->find(k);
        cells[r].push_back(it == rows[r]->end() ? std::string() : cell_text(it->value()));
      }
    }
  }
  std::vector<std::size_t> width(headers.size());
  for (std::size_t c = 0; c < headers.size(); ++c) {
    width[c] = headers[c].size();
    for (const auto& row : cells) width[c] = std::max(width[c], row[c].size());
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& items) {
    std::string l;
    for (std::size_t c = 0; c < items.size(); ++c) {
      l += items[c];
      if (c + 1 < items.size()) l += std::string(width[c] - items[c].size() + 2, ' ');
    }
    while (!l.empty() && l.back() == ' ') l.pop_back();
    out += l + "\n";
  };
  line(headers);
  std::vector<std::string> dashes;
  for (auto w : width) dashes.emplace_back(w, '-');
  line(dashes);
  for (const auto& row : cells) line(row);
  return out;
}

std::string to_tsv(const json::value& v) {
  auto row = [](const json::value& x) {
    if (const auto* o = x.if_object()) {
      std::string l;
      for (const auto& [k, m] : *o) {
        if (!is_scalar(m)) continue;
        if (!l.empty()) l += "\t";
        l += scalar_text(m);
      }
      return l;
    }
    return is_scalar(x) ? scalar_text(x) : json::serialize(x);
  };
  if (const auto* a = v.if_array()) {
    std::string out;
    for (const auto& x : *a) out += row(x) + "\n";
    return out;
  }
  return v.is_null() ? std::string() : row(v) + "\n";
}

void print(std::ostream& os, const json::value& v, output_format format, std::string_view query,
           std::span<const column> columns) {
  json::value selected;
  const json::value* shown = &v;
  if (!query.empty()) {
    selected = query_path(v, query);
    shown = &selected;
    columns = {};
  }
  if (shown->is_null()) return;
  switch (format) {
    case output_format::json: os << to_pretty_json(*shown); break;
    case output_format::yaml: os << to_yaml(*shown); break;
    case output_format::table: os << to_table(*shown, columns); break;
    case output_format::tsv: os << to_tsv(*shown); break;
    case output_format::none: break;
  }
}

}  // namespace amlk8s::cli
