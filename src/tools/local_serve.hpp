// `serve`: the local control plane as a foreground program, shared by `amlk8s-local serve` and
// `amlk8s local serve` so that both take the same flags and print the same ready line.
#pragma once

#include <iosfwd>
#include <span>
#include <string_view>

namespace amlk8s::tools {

/// Writes the flags of serve, one per line, for a program called `program` (e.g. "amlk8s-local serve").
void local_serve_usage(std::ostream& os, std::string_view program);

/// Runs serve with `args` (the words after `serve`): starts the control plane, prints its ready
/// line (the endpoints JSON) to `out`, and serves until SIGINT or SIGTERM. Returns 0 then, or 0
/// after printing the usage for --help. Throws amlk8s::error (errc::invalid_argument, naming the
/// flag) for a flag it does not know or a bad value, and whatever the control plane throws.
int local_serve(std::span<char* const> args, std::string_view program, std::ostream& out);

}  // namespace amlk8s::tools
