#include <amlk8s/core/error.hpp>

#include <utility>

namespace amlk8s {
namespace {

class amlk8s_category final : public boost::system::error_category {
 public:
  amlk8s_category() noexcept : boost::system::error_category(0x616d6c6b38730001ULL) {}

  const char* name() const noexcept override { return "amlk8s"; }
  std::string message(int value) const override {
    switch (static_cast<errc>(value)) {
      case errc::ok: return "success";
      case errc::invalid_argument: return "invalid argument";
      case errc::not_found: return "not found";
      case errc::conflict: return "conflict";
      case errc::throttled: return "throttled";
      case errc::authentication_failed: return "authentication failed";
      case errc::authorization_failed: return "authorization failed";
      case errc::timeout: return "timed out";
      case errc::cancelled: return "cancelled";
      case errc::service_error: return "service error";
      case errc::transport_error: return "transport error";
      case errc::tls_error: return "TLS error";
      case errc::protocol_error: return "protocol error";
      case errc::operation_failed: return "operation failed";
      case errc::precondition_failed: return "precondition failed";
      case errc::connect_failed: return "could not connect";
    }
    return "unknown amlk8s error";
  }
};

std::string what_text(error_code code, const diagnostics& diag) {
  auto text = diag.to_string();
  return text.empty() ? code.message() : text;
}

}  // namespace

const boost::system::error_category& error_category() noexcept {
  static const amlk8s_category category;
  return category;
}

error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), error_category()}; }

errc errc_from_http_status(int status) noexcept {
  if (status < 400) return errc::ok;
  switch (status) {
    case 401: return errc::authentication_failed;
    case 403: return errc::authorization_failed;
    case 404: return errc::not_found;
    case 408: return errc::timeout;
    case 409:
    case 412: return errc::conflict;
    case 429: return errc::throttled;
    default: return errc::service_error;
  }
}

bool diagnostics::empty() const noexcept {
  return http_status == 0 && service_code.empty() && service_message.empty() && details.empty() &&
         request_id.empty() && correlation_request_id.empty() && client_request_id.empty() &&
         client_message.empty() && validation.empty();
}

void diagnostics::clear() { *this = diagnostics{}; }

std::string diagnostics::to_string() const {
  std::string out;
  auto sentence = [&out](std::string_view part) {
    if (part.empty()) return;
    if (!out.empty()) out += out.back() == '\n' ? "" : "; ";
    out += part;
  };
  sentence(client_message);
  for (const auto& issue : validation) {
    std::string line = issue.field + ": " + issue.message;
    if (!issue.fix.empty()) line += " (fix: " + issue.fix + ")";
    sentence(line);
  }
  if (http_status != 0 || !service_code.empty() || !service_message.empty()) {
    std::string line = "service answered";
    if (http_status != 0) line += " HTTP " + std::to_string(http_status);
    if (!service_code.empty()) line += " " + service_code;
    if (!service_message.empty()) line += ": " + service_message;
    sentence(line);
  }
  for (const auto& d : details) {
    std::string line = "detail";
    if (!d.target.empty()) line += " [" + d.target + "]";
    line += " " + d.code;
    if (!d.message.empty()) line += ": " + d.message;
    sentence(line);
  }
  std::string ids;
  auto id = [&ids](std::string_view name, const std::string& value) {
    if (value.empty()) return;
    if (!ids.empty()) ids += ", ";
    ids += std::string(name) + "=" + value;
  };
  id("x-ms-request-id", request_id);
  id("x-ms-correlation-request-id", correlation_request_id);
  id("x-ms-client-request-id", client_request_id);
  if (!ids.empty()) sentence("(" + ids + ")");
  return out;
}

error::error(error_code code, diagnostics diag)
    : boost::system::system_error(code, what_text(code, diag)), diag_(std::move(diag)) {}

error::error(errc code, std::string client_message)
    : error(make_error_code(code), [&] {
        diagnostics d;
        d.client_message = std::move(client_message);
        return d;
      }()) {}

errc error::condition() const noexcept {
  return code().category() == error_category() ? static_cast<errc>(code().value()) : errc::transport_error;
}

void throw_on_error(error_code code, const diagnostics& diag) {
  if (code) throw error(code, diag);
}

error validation_error(std::vector<validation_issue> issues) {
  diagnostics d;
  d.client_message = issues.size() == 1 ? "invalid input" : std::to_string(issues.size()) + " invalid inputs";
  d.validation = std::move(issues);
  return error(make_error_code(errc::invalid_argument), std::move(d));
}

}  // namespace amlk8s
