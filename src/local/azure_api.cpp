#include <amlk8s/local/azure_api.hpp>

#include "local/common/respond.hpp"
#include "local/common/text.hpp"

#include <boost/json/object.hpp>

namespace amlk8s::local {

azure_api::azure_api(azure_api_options options)
    : time_(options.time ? std::move(options.time) : clock::system()),
      tokens_(std::make_shared<token_service>(std::move(options.tokens), time_)),
      arm_(std::make_unique<arm_api>(std::move(options.arm), tokens_)) {}

bool azure_api::owns(std::string_view path) noexcept { return arm_api::owns(path) || token_service::owns(path); }

void azure_api::on_request(request_logger logger) {
  std::lock_guard lock(log_mutex_);
  loggers_.push_back(std::move(logger));
}

http::response azure_api::handle(const http::request& req) {
  const auto started = std::chrono::steady_clock::now();
  const auto path = detail::split_target(req, "http").path;
  http::response res;
  if (token_service::owns(path)) {
    res = tokens_->handle(req);
  } else if (arm_api::owns(path)) {
    res = arm_->handle(req);
  } else {
    res = detail::json_response(
        404, boost::json::object{{"error", boost::json::object{{"code", "NotFound"},
                                                               {"message", "The path '" + path + "' is not served here."}}}});
  }

  std::vector<request_logger> loggers;
  {
    std::lock_guard lock(log_mutex_);
    loggers = loggers_;
  }
  if (!loggers.empty()) {
    request_log_entry entry;
    entry.method = std::string(http::to_string(req.method));
    entry.target = loggable_target(req.url);
    entry.status = res.status;
    entry.duration = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    if (const auto id = req.headers.get("x-ms-client-request-id")) entry.client_request_id = std::string(*id);
    else if (const auto id2 = req.headers.get("client-request-id")) entry.client_request_id = std::string(*id2);
    if (const auto id = res.headers.get("x-ms-request-id")) entry.request_id = std::string(*id);
    for (const auto& logger : loggers) logger(entry);
  }
  return res;
}

}  // namespace amlk8s::local
