#include "local/ml/job_spec.hpp"

#include <boost/json/serialize.hpp>

#include <cctype>
#include <cstdint>
#include <cmath>
#include <stdexcept>

namespace amlk8s::local::ml {

std::optional<std::chrono::milliseconds> parse_iso8601_duration(std::string_view text) {
  if (text.size() < 3 || (text[0] != 'P' && text[0] != 'p')) return std::nullopt;
  double total_seconds = 0;
  bool in_time = false;
  bool any = false;
  std::size_t i = 1;
  while (i < text.size()) {
    const char c = text[i];
    if (c == 'T' || c == 't') {
      if (in_time) return std::nullopt;
      in_time = true;
      ++i;
      continue;
    }
    const std::size_t start = i;
    while (i < text.size() && (std::isdigit(static_cast<unsigned char>(text[i])) != 0 || text[i] == '.' || text[i] == ','))
      ++i;
    if (i == start || i == text.size()) return std::nullopt;
    std::string number(text.substr(start, i - start));
    for (auto& ch : number)
      if (ch == ',') ch = '.';
    if (number.front() == '.' || number.back() == '.' || number.find('.') != number.rfind('.')) return std::nullopt;
    const double value = std::stod(number);
    const char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(text[i++])));
    double factor = 0;
    if (!in_time && unit == 'W') factor = 7 * 86400.0;
    else if (!in_time && unit == 'D') factor = 86400.0;
    else if (in_time && unit == 'H') factor = 3600.0;
    else if (in_time && unit == 'M') factor = 60.0;
    else if (in_time && unit == 'S') factor = 1.0;
    else return std::nullopt;  // years and months, or a unit out of place
    total_seconds += value * factor;
    any = true;
  }
  if (!any || !std::isfinite(total_seconds) || total_seconds > 1e12) return std::nullopt;
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(total_seconds * 1000)));
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())) != 0) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())) != 0) s.remove_suffix(1);
  return s;
}

std::string input_text(const boost::json::value& input, std::string_view name) {
  if (!input.is_object()) return input.is_string() ? std::string(input.as_string()) : boost::json::serialize(input);
  const auto& o = input.as_object();
  for (const auto* key : {"value", "uri"}) {
    if (const auto* v = o.if_contains(key); v != nullptr && !v->is_null())
      return v->is_string() ? std::string(v->as_string()) : boost::json::serialize(*v);
  }
  throw std::invalid_argument("properties.inputs." + std::string(name) +
                              " has neither a value (jobInputType literal) nor a uri, so ${{inputs." +
                              std::string(name) + "}} in properties.command has nothing to stand for");
}

}  // namespace

std::string bind_command(std::string_view command, const boost::json::object* inputs,
                         const boost::json::object* outputs,
                         const std::function<std::string(std::string_view name)>& output_path) {
  std::string out;
  std::size_t pos = 0;
  for (;;) {
    const auto open = command.find("${{", pos);
    if (open == std::string_view::npos) break;
    const auto close = command.find("}}", open + 3);
    if (close == std::string_view::npos)
      throw std::invalid_argument("properties.command has a '${{' at offset " + std::to_string(open) +
                                  " without its closing '}}'");
    out.append(command.substr(pos, open - pos));
    const auto binding = trim(command.substr(open + 3, close - open - 3));
    const auto dot = binding.find('.');
    const auto scope = binding.substr(0, dot);
    const auto name = dot == std::string_view::npos ? std::string_view{} : binding.substr(dot + 1);
    if (name.empty() || (scope != "inputs" && scope != "outputs"))
      throw std::invalid_argument("properties.command binds '${{" + std::string(binding) +
                                  "}}'; a command job binds only ${{inputs.<name>}} and ${{outputs.<name>}}");
    const auto* map = scope == "inputs" ? inputs : outputs;
    const auto* entry = map != nullptr ? map->if_contains(name) : nullptr;
    if (entry == nullptr)
      throw std::invalid_argument("properties.command binds ${{" + std::string(binding) + "}}, but the job has no " +
                                  std::string(scope) + "." + std::string(name) + ": add it to properties." +
                                  std::string(scope));
    out += scope == "inputs" ? input_text(*entry, name) : output_path(name);
    pos = close + 2;
  }
  out.append(command.substr(pos));
  return out;
}

bool is_python_image(std::string_view image) {
  if (const auto at = image.find('@'); at != std::string_view::npos) image = image.substr(0, at);
  const auto slash = image.rfind('/');
  auto repo = slash == std::string_view::npos ? image : image.substr(slash + 1);
  repo = repo.substr(0, repo.find(':'));
  return repo == "python" || repo.starts_with("python3") || repo.starts_with("python-");
}

}  // namespace amlk8s::local::ml
