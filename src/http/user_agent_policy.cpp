#include <amlk8s/http/user_agent_policy.hpp>

#include <amlk8s/core/version.hpp>

#include <algorithm>

#if defined(__unix__) || defined(__APPLE__)
#include <sys/utsname.h>
#endif

namespace amlk8s::http {
namespace {

std::string os_name() {
#if defined(__unix__) || defined(__APPLE__)
  utsname u{};
  if (::uname(&u) == 0) return std::string(u.sysname) + " " + u.release;
#endif
#if defined(_WIN32)
  return "Windows";
#elif defined(__APPLE__)
  return "Darwin";
#elif defined(__linux__)
  return "Linux";
#else
  return "unknown";
#endif
}

std::string_view arch_name() {
#if defined(__x86_64__) || defined(_M_X64)
  return "x86_64";
#elif defined(__aarch64__) || defined(_M_ARM64)
  return "aarch64";
#elif defined(__i386__) || defined(_M_IX86)
  return "x86";
#elif defined(__arm__)
  return "arm";
#elif defined(__powerpc64__)
  return "ppc64";
#elif defined(__s390x__)
  return "s390x";
#else
  return "unknown";
#endif
}

// The platform part does not change while the process runs.
const std::string& platform() {
  static const std::string value = [] {
    std::string os = os_name();
    // Keep the comment well-formed whatever uname reports.
    std::replace_if(os.begin(), os.end(), [](char c) { return c < 0x20 || c > 0x7e || c == '(' || c == ')' || c == ';'; }, ' ');
    return "(" + os + "; " + std::string(arch_name()) + ")";
  }();
  return value;
}

}  // namespace

std::string make_user_agent(std::string_view application_id) {
  constexpr std::size_t max_application_id = 64;
  bool printable = std::all_of(application_id.begin(), application_id.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
  if (application_id.size() > max_application_id || !printable) {
    throw validation_error({{"pipeline_options.application_id",
                             "must be at most 64 printable ASCII characters (it is sent in the User-Agent header)",
                             "shorten it and remove control or non-ASCII characters"}});
  }
  std::string ua = "amlk8s/" AMLK8S_VERSION_STRING " " + platform();
  if (!application_id.empty()) {
    ua += ' ';
    ua += application_id;
  }
  return ua;
}

namespace {

void set_user_agent(request& req, const std::string& user_agent) {
  if (auto existing = req.headers.get("User-Agent"); existing && !existing->empty()) {
    req.headers.set("User-Agent", user_agent + " " + std::string(*existing));
  } else {
    req.headers.set("User-Agent", user_agent);
  }
}

}  // namespace

void user_agent_policy::async_send_erased(request req, diagnostics& diag, handler_type handler) {
  set_user_agent(req, user_agent_);
  next_.async_send_erased(std::move(req), diag, std::move(handler));
}

void user_agent_policy::async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) {
  set_user_agent(req, user_agent_);
  next_.async_send_streaming_erased(std::move(req), diag, std::move(sink), std::move(handler));
}

}  // namespace amlk8s::http
