// What `amlk8s` prints: JSON (az's default), YAML, a table for people, tab-separated values for
// scripts, or nothing, after an optional `--query` path. Private to the tool.
#pragma once

#include <boost/json/value.hpp>

#include <iosfwd>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace amlk8s::cli {

/// `--output`.
enum class output_format { json, yaml, table, tsv, none };

/// Parses "json", "yaml", "table", "tsv" or "none" (any case); nullopt otherwise.
std::optional<output_format> parse_output_format(std::string_view text);

/// One column of a table: its header and the dotted path of its value in each row.
struct column {
  std::string_view header;
  std::string_view path;
};

/// The value at `path` in `v`: members separated by '.', array items as `[N]` (`[0].name`,
/// `properties.statuses[1].code`, `properties.configurationSettings."nodeSelector.pool"` for a key
/// with dots). A path that is not there gives null. Throws amlk8s::error (errc::invalid_argument,
/// field --query) for a path that does not parse.
boost::json::value query_path(const boost::json::value& v, std::string_view path);

/// JSON indented by two spaces, members in their order.
std::string to_pretty_json(const boost::json::value& v);
/// Block-style YAML (strings quoted when YAML would read them as something else).
std::string to_yaml(const boost::json::value& v);
/// A table: for an array of objects one row each, for an object one row. `columns` are used when
/// given; otherwise the scalar members of the first row. Scalars print as themselves.
std::string to_table(const boost::json::value& v, std::span<const column> columns);
/// Scalars as themselves, an array one item per line, an object's scalar members tab-separated.
std::string to_tsv(const boost::json::value& v);

/// Prints `v` to `os` in `format` after `query` (when not empty). `columns` apply to tables when no
/// query is given. A null result prints nothing (as az does).
void print(std::ostream& os, const boost::json::value& v, output_format format, std::string_view query,
           std::span<const column> columns = {});

}  // namespace amlk8s::cli
