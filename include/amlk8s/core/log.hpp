// The log hook of amlk8s. The SDK never writes to a stream of its own: an application that wants
// diagnostics hands in a sink and routes the lines to its own logger. Every line given to a sink has
// already been through core/redact.hpp.
#pragma once

#include <functional>
#include <string_view>

namespace amlk8s {

/// How much a log line matters.
enum class log_level { debug, info, warning, error };

/// "debug", "info", "warning", "error".
std::string_view to_string(log_level level) noexcept;

/// Receives one finished line. May be called from any thread that runs amlk8s completions, so it
/// must be thread-safe when the application runs several.
using log_sink = std::function<void(log_level level, std::string_view line)>;

}  // namespace amlk8s
