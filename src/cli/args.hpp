// The command line of `amlk8s`: the words that name a command, then flags as az and kubectl
// take them. Private to the tool.
//
//   amlk8s extension create --name azureml --config enableTraining=True enableInference=True
//          --config inferenceRouterServiceType=LoadBalancer --no-wait --output=table
//
// - `--flag value` and `--flag=value`; short aliases (`-n value`, `-n=value`).
// - list flags take every following word up to the next flag (az's space-separated lists) and may
//   be repeated; their values add up in order.
// - boolean flags stand alone (`--no-wait`) or take true/false/yes/no/1/0, as the next word or
//   after `=` (`--auto-upgrade-minor-version false`).
// - a value flag given twice, an unknown flag, a missing value or a stray word is a usage error:
//   amlk8s::error (errc::invalid_argument) whose validation issue names the flag and the fix.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::cli {

/// How a flag takes its value.
enum class flag_kind {
  value,    ///< one value
  list,     ///< one or more words, repeatable
  boolean,  ///< a switch, or an explicit true/false
};

/// One flag of a command.
struct flag_spec {
  /// Every spelling, the canonical one first: "--name|-n", "--config|--configuration-settings".
  std::string_view names;
  flag_kind kind = flag_kind::value;
  /// What the value is, for --help ("NAME", "KEY=VALUE", "FILE").
  std::string_view metavar;
  /// One line for --help.
  std::string_view help;
  /// Shown as required in --help (the command checks it, so that defaults can fill it in).
  bool required = false;

  /// The canonical spelling ("--name").
  std::string_view canonical() const noexcept;
  /// Whether `spelling` is one of `names`.
  bool matches(std::string_view spelling) const noexcept;
};

/// The flags a command line gave, keyed by canonical spelling.
class parsed_flags {
 public:
  /// Whether the flag was given at all.
  bool has(std::string_view flag) const;
  /// A value flag's value.
  std::optional<std::string> value(std::string_view flag) const;
  /// A list flag's words, in order (empty when not given).
  std::vector<std::string> list(std::string_view flag) const;
  /// A boolean flag's value; nullopt when not given.
  std::optional<bool> boolean(std::string_view flag) const;
  /// A boolean flag, false when not given.
  bool on(std::string_view flag) const { return boolean(flag).value_or(false); }

  /// Records a value (used by the parser, and by commands that map a positional word to a flag).
  void add(std::string_view flag, std::string value);

 private:
  std::map<std::string, std::vector<std::string>, std::less<>> values_;
};

/// Splits `args` (without the program name) into the leading command words (those before the
/// first word that starts with '-'), for finding the command.
std::vector<std::string> leading_words(std::span<const std::string> args);

/// Parses the words after the command words against `flags`. `positional`, when not empty, is the
/// canonical name of a value flag that one bare word may give instead (kubectl's `get NAME`).
/// `command` names the command in errors ("extension create"). Throws amlk8s::error
/// (errc::invalid_argument) for anything it cannot take, naming the flag and the fix.
parsed_flags parse_flags(std::span<const std::string> args, std::span<const flag_spec> flags,
                         std::string_view positional, std::string_view command);

/// The closest spelling among `flags` to `unknown`, when one is close enough to suggest.
std::optional<std::string> closest_flag(std::string_view unknown, std::span<const flag_spec> flags);

}  // namespace amlk8s::cli
