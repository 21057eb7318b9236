// Second policy of the pipeline: tells the service which SDK, platform and application call it.
#pragma once

#include <amlk8s/http/sender.hpp>

#include <string>
#include <string_view>

namespace amlk8s::http {

/// `amlk8s/<version> (<os>; <arch>)`, then ` <application_id>` when one is given. Throws
/// amlk8s::error (errc::invalid_argument) when application_id is longer than 64 characters or holds
/// characters other than printable ASCII, since it goes into a header verbatim.
std::string make_user_agent(std::string_view application_id = {});

/// Sets `User-Agent` to make_user_agent(application_id). A value the caller set is kept, after ours.
class user_agent_policy final : public sender {
 public:
  /// Sends through `next`, which must outlive this policy; throws as make_user_agent does.
  explicit user_agent_policy(sender& next, std::string_view application_id = {})
      : next_(next), user_agent_(make_user_agent(application_id)) {}

  /// The value this policy sets.
  const std::string& user_agent() const noexcept { return user_agent_; }

  boost::asio::any_io_executor get_executor() override { return next_.get_executor(); }
  void async_send_erased(request req, diagnostics& diag, handler_type handler) override;
  void async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) override;

 private:
  sender& next_;
  std::string user_agent_;
};

}  // namespace amlk8s::http
