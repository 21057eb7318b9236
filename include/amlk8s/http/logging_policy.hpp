// Fifth policy of the pipeline, right above the transport: one line per try as it goes out and
// one as it comes back. Everything is redacted before it reaches the sink (core/redact.hpp).
#pragma once

#include <amlk8s/core/log.hpp>
#include <amlk8s/http/sender.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace amlk8s::http {

/// What the logging policy writes, and where.
struct logging_options {
  /// Receives the lines; when empty nothing is logged.
  log_sink sink;
  /// Header names shown verbatim besides the built-in allow-list (a trailing `*` matches a prefix).
  /// Credential headers are never shown, whatever this says.
  std::vector<std::string> allowed_headers;
  /// Query parameter names whose values are shown besides the built-in allow-list.
  std::vector<std::string> allowed_query_parameters;
  /// Also log bodies (at log_level::debug), after JSON redaction; bodies marked
  /// request::body_is_secret are never logged.
  bool log_bodies = false;
  /// Longer bodies are cut to this many bytes in the log.
  std::size_t max_body_bytes = 4096;
};

/// Logs method, redacted URL, allow-listed headers (others as `***`), status, duration and, on
/// failure, the redacted reason; request lines at info, answers at info (429 and 5xx at warning),
/// transport failures at warning.
/// Operations in flight refer to the policy: keep it alive until they complete.
class logging_policy final : public sender {
 public:
  /// Sends through `next`, which must outlive this policy.
  logging_policy(sender& next, logging_options options) : next_(next), options_(std::move(options)) {}

  boost::asio::any_io_executor get_executor() override { return next_.get_executor(); }
  void async_send_erased(request req, diagnostics& diag, handler_type handler) override;
  void async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) override;

 private:
  sender& next_;
  logging_options options_;
};

}  // namespace amlk8s::http
