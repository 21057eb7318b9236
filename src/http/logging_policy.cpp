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
      line += " for " + target_ + " in " + std::to_string(ms) + " ms" + header_text(resp.headers, options_);
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
};

}  // namespace

void logging_policy::async_send_erased(request req, diagnostics& diag, handler_type handler) {
  if (!options_.sink) {
    next_.async_send_erased(std::move(req), diag, std::move(handler));
    return;
  }
  std::string target = std::string(to_string(req.method)) + " " + redact_url(req.url, options_.allowed_query_parameters);
  options_.sink(log_level::info, "HTTP request: " + target + header_text(req.headers, options_));
  if (options_.log_bodies && !req.body.empty()) {
    if (req.body_is_secret) {
      options_.sink(log_level::debug, "HTTP request body: (secret, " + std::to_string(req.body.size()) + " bytes)");
    } else {
      options_.sink(log_level::debug, "HTTP request body: " + body_text(req.body, options_));
    }
  }
  auto op = std::make_shared<logging_op>(options_, std::move(target), diag, std::move(handler), next_.get_executor());
  op->send(next_, std::move(req));
}

}  // namespace amlk8s::http
