// First policy of the pipeline: every operation carries a client request id that support can
// search for, the same on every retry.
#pragma once

#include <amlk8s/http/sender.hpp>

#include <string>

namespace amlk8s::http {

/// A new random (version 4) GUID, lower case, 8-4-4-4-12.
std::string new_client_request_id();

/// Sets `x-ms-client-request-id` to a new GUID unless the caller set one, and
/// `x-ms-return-client-request-id: true` so that the service echoes it. The id is also recorded in
/// diagnostics::client_request_id. Placed above the retry policy, so all tries share the id.
class request_id_policy final : public sender {
 public:
  /// Sends through `next`, which must outlive this policy.
  explicit request_id_policy(sender& next) noexcept : next_(next) {}

  boost::asio::any_io_executor get_executor() override { return next_.get_executor(); }
  void async_send_erased(request req, diagnostics& diag, handler_type handler) override;
  void async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) override;

 private:
  sender& next_;
};

}  // namespace amlk8s::http
