// Following an ARM long-running operation over the network: arm::begin sends the first request and
// hands back a poller; the poller drives lro_machine (lro.hpp, where the algorithm and its choices
// are written down) with real requests and timers.
//
//   auto p = co_await arm::async_begin(client, arm::request{.method = http::verb::put, .path = id,
//                                                            .body = body}, diag, asio::use_awaitable);
//   std::string token = p.resume_token();          // keep it to follow the operation elsewhere
//   boost::json::value extension = co_await p.async_wait(asio::use_awaitable);
//
// A poller owns its diagnostics (diag()): they describe the last failure of a wait or poll.
// Waiting can be cancelled through the completion handler's cancellation slot (any type: polls are
// GETs, so cancelling leaves nothing half done) and bounded by poller_options::timeout; either way
// the operation goes on at the service, the poller keeps its state, and a later wait continues.
// One wait or poll at a time per poller, started from the thread (or strand) that runs the client's
// executor, since the deadline and the requests complete there. Copies of a poller share one state.
#pragma once

#include <amlk8s/arm/client.hpp>
#include <amlk8s/arm/lro.hpp>
#include <amlk8s/arm/message.hpp>
#include <amlk8s/core/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <utility>

namespace amlk8s::arm {

/// Waits for one long-running operation.
class poller {
 public:
  /// Completion of async_wait: the final body.
  using wait_signature = void(error_code, boost::json::value);
  /// Completion of async_poll_once.
  using poll_signature = void(error_code);

  /// An empty poller (valid() is false); what async_begin hands over when no answer came back.
  poller() = default;
  /// Follows the operation that `initial_request` started and `initial` answered; `options` default
  /// to the client's polling options.
  poller(client c, const request& initial_request, response initial);
  /// The same with explicit options.
  poller(client c, const request& initial_request, response initial, poller_options options);
  /// Rebuilds a poller from resume_token(); throws amlk8s::error (invalid_argument) for a bad token.
  static poller from_resume_token(client c, std::string_view token);
  /// The same with explicit options.
  static poller from_resume_token(client c, std::string_view token, poller_options options);

  /// False for a default-constructed poller.
  bool valid() const noexcept { return st_ != nullptr; }
  /// True once the operation has finished, either way.
  bool done() const noexcept;
  /// True once the operation has finished successfully.
  bool succeeded() const noexcept;
  /// The last status the service reported (see lro_machine::status).
  std::string status() const;
  /// The final body once done (null for DELETE or when there is none).
  const boost::json::value& result() const;
  /// A token from which from_resume_token rebuilds this poller.
  std::string resume_token() const;
  /// What went wrong in the last wait/poll (also for a failed operation); empty after success.
  const diagnostics& diag() const;
  /// The wait settings; may be changed between waits.
  poller_options& options();

  /// Waits until the operation finishes, polling as the algorithm says; completes with the final
  /// body, or with errc::operation_failed, errc::timeout, errc::cancelled or the transport's error.
  template <class CompletionToken>
  auto async_wait(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, wait_signature>(
        [this](auto handler) { async_wait_erased(std::move(handler)); }, token);
  }
  /// Sends the one pending request now (no delay) and updates the state; completes with the error
  /// of that step, errc::operation_failed when it ended the operation so.
  template <class CompletionToken>
  auto async_poll_once(CompletionToken&& token) {
    return boost::asio::async_initiate<CompletionToken, poll_signature>(
        [this](auto handler) { async_poll_once_erased(std::move(handler)); }, token);
  }

  /// Blocking wait; throws amlk8s::error with diag(). Needs the sender's executor run elsewhere.
  boost::json::value wait();
  /// Blocking poll_once; throws amlk8s::error with diag().
  void poll_once();

  /// The type-erased operation behind async_wait.
  void async_wait_erased(boost::asio::any_completion_handler<wait_signature> handler);
  /// The type-erased operation behind async_poll_once.
  void async_poll_once_erased(boost::asio::any_completion_handler<poll_signature> handler);

  struct state;  ///< shared by copies and by operations in flight (defined in src/arm/poller.cpp)

 private:
  std::shared_ptr<state> st_;
};

/// The completion signature of async_begin.
using begin_signature = void(error_code, poller);

/// The type-erased operation behind async_begin.
void async_begin_erased(const client& c, request req, diagnostics& diag,
                        boost::asio::any_completion_handler<begin_signature> handler);

/// Sends the first request of a long-running operation (PUT, PATCH, DELETE or POST) and completes
/// with a poller for it. A non-2xx first answer completes with its error and a poller that is done
/// and failed; no answer at all completes with the transport's error and an empty poller.
template <class CompletionToken>
auto async_begin(const client& c, request req, diagnostics& diag, CompletionToken&& token) {
  return boost::asio::async_initiate<CompletionToken, begin_signature>(
      [&c, &diag](auto handler, request r) { async_begin_erased(c, std::move(r), diag, std::move(handler)); }, token,
      std::move(req));
}

/// Blocking begin; throws amlk8s::error when the first request fails.
poller begin(const client& c, request req);

}  // namespace amlk8s::arm
