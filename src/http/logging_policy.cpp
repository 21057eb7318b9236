#include <amlk8s/http/logging_policy.hpp>

#include "detail/completion.hpp"

#include <amlk8s/core/redact.hpp>

#include <chrono>
#include <memory>

namespace amlk8s::http {
namespace {

using clock = std::chrono::steady_clock;

std::string header_text(const header_map& headers, const logging_options& options) {
  std::string out;
  for (const auto& [name, value] : headers) {
    out += out.empty() ? " {" : ", ";
    out += name;
    out += ": ";
    out += redact_header(name, value, options.allowed_headers);
  }
  if (!out.empty()) out += '}';
  return out;
}

std::string body_text(const std::string& body, const logging_options& options) {
  auto text = redact_json_text(body);
  if (text.size() > options.max_body_bytes) {
    // Cut after redaction, so that a cut can never split a secret from its marker.
    text.resize(options.max_body_bytes);
    text += "... (" + std::to_string(body.size()) + " bytes in all)";
  }
  return text;
}

class logging_op : public std::enable_shared_from_this<logging_op> {
 public:
  logging_op(const logging_options& options, std::string target, diagnostics& diag, sender::handler_type handler,
             boost::asio::any_io_executor io_executor)
      : options_(options), target_(std::move(target)), diag_(diag), completion_(std::move(handler), std::move(io_executor)) {}

  void send(sender& next, request req) {
    started_ = clock::now();
    next.async_send_erased(std::move(req), diag_, completion_.step([self = shared_from_this()](error_code ec, response resp) {
      self->on_response(ec, std::move(resp));
    }));
    completion_.initiated();
  }

  void send_streaming(sender& next, request req, body_sink sink) {
    started_ = clock::now();
    streaming_ = true;
    next.async_send_streaming_erased(
        std::move(req), diag_,
        [self = shared_from_this(), sink = std::move(sink)](const response& head, std::string_view data) {
          self->streamed_ += data.size();
          if (sink) sink(head, data);
        },
        completion_.step([self = shared_from_this()](error_code ec, response resp) { self->on_response(ec, std::move(resp)); }));
    completion_.initiated();
  }

 private:
  void on_response(error_code ec, response resp) {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - started_).count();
    const auto& sink = options_.sink;
    if (ec) {
      std::string line = "HTTP request failed: " + target_ + " after " + std::to_string(ms) + " ms: " + ec.message();
      if (!diag_.client_message.empty()) line += ": " + redact_text(diag_.client_message);
      sink(log_level::warning, line);
    } else {
      std::string line = "HTTP response: " + std::to_string(resp.status);
      if (!resp.reason.empty()) line += " " + redact_text(resp.reason);
      line += " for " + target_ + " in " + std::to_string(ms) + " ms";
      if (streaming_) line += " (" + std::to_string(streamed_) + " body bytes streamed)";
      line += header_text(resp.headers, options_);
      bool notable = resp.status == 429 || resp.status >= 500;
      sink(notable ? log_level::warning : log_level::info, line);
      if (options_.log_bodies && !resp.body.empty())
        sink(log_level::debug, "HTTP response body: " + body_text(resp.body, options_));
    }
    completion_.complete(ec, std::move(resp));
  }

  const logging_options& options_;
  std::string target_;
  diagnostics& diag_;
  detail::send_completion completion_;
  clock::time_point started_;
  bool streaming_ = false;
  std::size_t streamed_ = 0;
};

// The request line (and body) as they go out; false when nothing is logged.
bool log_request(const logging_options& options, const request& req, std::string& target) {
  if (!options.sink) return false;
  target = std::string(to_string(req.method)) + " " + redact_url(req.url, options.allowed_query_parameters);
  options.sink(log_level::info, "HTTP request: " + target + header_text(req.headers, options));
  if (options.log_bodies && !req.body.empty()) {
    if (req.body_is_secret) {
      options.sink(log_level::debug, "HTTP request body: (secret, " + std::to_string(req.body.size()) + " bytes)");
    } else {
      options.sink(log_level::debug, "HTTP request body: " + body_text(req.body, options));
    }
  }
  return true;
}

}  // namespace

void logging_policy::async_send_erased(request req, diagnostics& diag, handler_type handler) {
  std::string target;
  if (!log_request(options_, req, target)) {
    next_.async_send_erased(std::move(req), diag, std::move(handler));
    return;
  }
  auto op = std::make_shared<logging_op>(options_, std::move(target), diag, std::move(handler), next_.get_executor());
  op->send(next_, std::move(req));
}

void logging_policy::async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) {
  std::string target;
  if (!log_request(options_, req, target)) {
    next_.async_send_streaming_erased(std::move(req), diag, std::move(sink), std::move(handler));
    return;
  }
  auto op = std::make_shared<logging_op>(options_, std::move(target), diag, std::move(handler), next_.get_executor());
  op->send_streaming(next_, std::move(req), std::move(sink));
}

}  // namespace amlk8s::http
