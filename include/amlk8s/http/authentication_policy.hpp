// Fourth policy of the pipeline: puts credentials on each try. It sits below the retry policy so
// that every try asks the authorizer again and so never resends an expired token.
#pragma once

#include <amlk8s/http/sender.hpp>

namespace amlk8s::http {

/// Sets `Authorization` to what the authorizer supplies. On a 401 answer it invalidates the
/// authorizer's cached credential and tries once more with a fresh one, if the request is safe to
/// resend (is_safe_to_resend). It refuses, with errc::invalid_argument and before asking for a
/// credential, to send one over plain http:// to a host other than loopback, unless
/// `allow_credentials_over_http` is set.
/// Operations in flight refer to the policy: keep it alive until they complete.
class authentication_policy final : public sender {
 public:
  /// Sends through `next` with credentials from `auth`; both must outlive this policy.
  authentication_policy(sender& next, authorizer& auth, bool allow_credentials_over_http = false) noexcept
      : next_(next), auth_(auth), allow_credentials_over_http_(allow_credentials_over_http) {}

  boost::asio::any_io_executor get_executor() override { return next_.get_executor(); }
  void async_send_erased(request req, diagnostics& diag, handler_type handler) override;
  void async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) override;

 private:
  sender& next_;
  authorizer& auth_;
  bool allow_credentials_over_http_;
};

/// True when `url` is `http://` (not https) to a host other than localhost, 127.0.0.0/8 or [::1]:
/// a request that would carry credentials in clear text over a network.
bool is_plain_http_to_remote_host(std::string_view url) noexcept;

}  // namespace amlk8s::http
