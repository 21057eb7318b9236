// Reading a command job's body (contracts/aml-workspace-and-auth.md §2.2, §3.4): the timeout, the
// `${{inputs.x}}` / `${{outputs.y}}` bindings of the command, and what an environment's image
// says about the interpreter it carries. Sans I/O. Private to amlk8s_local.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::local::ml {

/// An ISO 8601 duration as `limits.timeout` carries it ("PT5M", "PT1H30M", "P1DT2H", "PT0.5S");
/// weeks and days count 7 and 1 × 24 h. Years and months (no fixed length) and anything else: nullopt.
std::optional<std::chrono::milliseconds> parse_iso8601_duration(std::string_view text);

/// The command with every `${{inputs.<name>}}` replaced by the input's literal `value` (or its
/// `uri` for a data input) and every `${{outputs.<name>}}` by `output_path(name)`. Throws
/// std::invalid_argument naming the binding when it names no input or output of the job, or is
/// not of these two forms.
std::string bind_command(std::string_view command, const boost::json::object* inputs,
                         const boost::json::object* outputs,
                         const std::function<std::string(std::string_view name)>& output_path);

/// True for an image whose repository is a Python one: `python`, `python:3.11`,
/// `library/python:latest`, `docker.io/library/python:3.12-slim@sha256:...`.
bool is_python_image(std::string_view image);

}  // namespace amlk8s::local::ml
