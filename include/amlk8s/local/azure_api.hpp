// The Azure side of the local control plane in one sans-I/O handler: the Entra-style token
// endpoint and ARM, sharing one clock, with a request log. This is what the HTTP(S) server mounts
// for every path that is not a simulated cluster's Kubernetes API.
#pragma once

#include <amlk8s/http/message.hpp>
#include <amlk8s/local/arm_api.hpp>
#include <amlk8s/local/clock.hpp>
#include <amlk8s/local/request_log.hpp>
#include <amlk8s/local/token_service.hpp>

#include <memory>
#include <mutex>
#include <string_view>
#include <vector>

namespace amlk8s::local {

/// Settings of azure_api.
struct azure_api_options {
  token_options tokens;
  arm_options arm;
  /// The clock of tokens, operations and the throttle; null: the system clock.
  std::shared_ptr<clock> time;
};

/// Token endpoint + ARM behind one `handle`. Thread-safe.
class azure_api {
 public:
  explicit azure_api(azure_api_options options = {});

  /// True for the paths served here (token endpoint, OpenID discovery, `/subscriptions/...`).
  static bool owns(std::string_view path) noexcept;
  /// Answers one request; other paths get 404 with the ARM error shape.
  http::response handle(const http::request& req);

  /// Adds a receiver of request log entries.
  void on_request(request_logger logger);

  /// The token endpoint (also checks the Kubernetes API's bearer tokens).
  token_service& tokens() noexcept { return *tokens_; }
  /// The ARM handlers and their state.
  arm_api& arm() noexcept { return *arm_; }
  /// The shared clock.
  clock& time() noexcept { return *time_; }
  /// The shared clock, for other parts of the control plane that must read the same time.
  const std::shared_ptr<clock>& time_ptr() const noexcept { return time_; }

 private:
  std::shared_ptr<clock> time_;
  std::shared_ptr<token_service> tokens_;
  std::unique_ptr<arm_api> arm_;
  std::mutex log_mutex_;
  std::vector<request_logger> loggers_;
};

}  // namespace amlk8s::local
