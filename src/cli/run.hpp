// The entry point of the `amlk8s` tool, apart from cli.hpp so that main() compiles without the
// SDK's headers.
#pragma once

#include <iosfwd>
#include <span>
#include <string>

namespace amlk8s::cli {

/// Runs the tool with `args` (the words after the program name; `raw_args` the same words as
/// main() got them, for `local serve`); returns the exit code (documented in `amlk8s --help`).
int run(std::span<const std::string> args, std::span<char* const> raw_args, std::ostream& out, std::ostream& err);

}  // namespace amlk8s::cli
