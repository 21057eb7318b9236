// The command-line parser of `amlk8s` (see args.hpp).
#include "cli/args.hpp"

#include <amlk8s/core/error.hpp>

#include <algorithm>
#include <cctype>

namespace amlk8s::cli {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::optional<bool> parse_bool(std::string_view text) {
  const auto t = lower(text);
  if (t == "true" || t == "yes" || t == "1" || t == "on") return true;
  if (t == "false" || t == "no" || t == "0" || t == "off") return false;
  return std::nullopt;
}

// Every spelling of `spec`, split on '|'.
std::vector<std::string_view> spellings(std::string_view names) {
  std::vector<std::string_view> out;
  while (!names.empty()) {
    const auto bar = names.find('|');
    out.push_back(names.substr(0, bar));
    if (bar == std::string_view::npos) break;
    names.remove_prefix(bar + 1);
  }
  return out;
}

const flag_spec* find_flag(std::span<const flag_spec> flags, std::string_view spelling) {
  for (const auto& f : flags) {
    if (f.matches(spelling)) return &f;
  }
  return nullptr;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

error usage(std::string field, std::string message, std::string fix) {
  return validation_error({{std::move(field), std::move(message), std::move(fix)}});
}

}  // namespace

std::string_view flag_spec::canonical() const noexcept { return names.substr(0, names.find('|')); }

bool flag_spec::matches(std::string_view spelling) const noexcept {
  for (auto s : spellings(names)) {
    if (s == spelling) return true;
  }
  return false;
}

bool parsed_flags::has(std::string_view flag) const { return values_.find(flag) != values_.end(); }

std::optional<std::string> parsed_flags::value(std::string_view flag) const {
  auto it = values_.find(flag);
  if (it == values_.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> parsed_flags::list(std::string_view flag) const {
  auto it = values_.find(flag);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<bool> parsed_flags::boolean(std::string_view flag) const {
  auto it = values_.find(flag);
  if (it == values_.end()) return std::nullopt;
  return it->second.empty() ? true : parse_bool(it->second.back()).value_or(true);
}

void parsed_flags::add(std::string_view flag, std::string value) {
  values_[std::string(flag)].push_back(std::move(value));
}

std::vector<std::string> leading_words(std::span<const std::string> args) {
  std::vector<std::string> out;
  for (const auto& a : args) {
    if (a.empty() || a.front() == '-') break;
    out.push_back(a);
  }
  return out;
}

std::optional<std::string> closest_flag(std::string_view unknown, std::span<const flag_spec> flags) {
  std::optional<std::string> best;
  std::size_t best_distance = 3;  // suggest only near misses
  for (const auto& f : flags) {
    for (auto s : spellings(f.names)) {
      if (s.size() < 3) continue;  // short aliases are no useful suggestion
      const auto d = edit_distance(unknown, s);
      const bool prefix = unknown.size() >= 4 && s.substr(0, unknown.size()) == unknown;
      if (prefix || d < best_distance) {
        best = std::string(f.canonical());
        best_distance = prefix ? 0 : d;
      }
    }
  }
  return best;
}

parsed_flags parse_flags(std::span<const std::string> args, std::span<const flag_spec> flags, std::string_view positional,
                         std::string_view command) {
  parsed_flags out;
  const std::string help_hint = "see 'amlk8s " + std::string(command) + " --help'";
  // A word that starts another flag rather than being a value.
  auto is_flag_word = [&](const std::string& w) {
    return w.size() > 1 && w.front() == '-' &&
           (w.starts_with("--") || find_flag(flags, w.substr(0, w.find('='))) != nullptr);
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word.size() <= 1 || word.front() != '-') {
      if (!positional.empty() && !out.has(positional)) {
        out.add(positional, word);
        continue;
      }
      throw usage(word, "is not a flag and '" + std::string(command) + "' takes no more words",
                  "remove it, quote values that contain spaces, or " + help_hint);
    }
    const auto eq = word.find('=');
    const std::string spelling = word.substr(0, eq);
    const flag_spec* spec = find_flag(flags, spelling);
    if (spec == nullptr) {
      std::string fix = help_hint + " for its flags";
      if (auto near = closest_flag(spelling, flags)) fix = "did you mean " + *near + "? (" + help_hint + ")";
      throw usage(spelling, "is not a flag of '" + std::string(command) + "'", fix);
    }
    const std::string name(spec->canonical());
    const bool inline_value = eq != std::string::npos;
    switch (spec->kind) {
      case flag_kind::value: {
        if (out.has(name)) {
          throw usage(name, "is given more than once", "give it once");
        }
        if (inline_value) {
          out.add(name, word.substr(eq + 1));
        } else if (i + 1 < args.size() && !is_flag_word(args[i + 1])) {
          out.add(name, args[++i]);
        } else {
          throw usage(name, "needs a value", "write " + name + " " + std::string(spec->metavar.empty() ? "VALUE" : spec->metavar));
        }
        break;
      }
      case flag_kind::list: {
        std::size_t taken = 0;
        if (inline_value) {
          out.add(name, word.substr(eq + 1));
          ++taken;
        } else {
          while (i + 1 < args.size() && !is_flag_word(args[i + 1])) {
            out.add(name, args[++i]);
            ++taken;
          }
        }
        if (taken == 0) {
          throw usage(name, "needs at least one value",
                      "write " + name + " " + std::string(spec->metavar.empty() ? "VALUE" : spec->metavar) + " ...");
        }
        break;
      }
      case flag_kind::boolean: {
        if (inline_value) {
          const auto text = word.substr(eq + 1);
          if (!parse_bool(text)) {
            throw usage(name, "takes true or false, not '" + text + "'", "write " + name + " or " + name + "=false");
          }
          out.add(name, text);
        } else if (i + 1 < args.size() && parse_bool(args[i + 1])) {
          out.add(name, args[++i]);
        } else {
          out.add(name, "true");
        }
        break;
      }
    }
  }
  return out;
}

}  // namespace amlk8s::cli
