// The long-running-operation algorithm, sans I/O: feed it ARM answers, it says what to do next.
// arm::poller (poller.hpp) drives it over the network; tests drive it with plain values.
//
// How an operation is followed (contracts/arm-extensions.md §1.6, aml-workspace-and-auth.md §1.6),
// all of it in src/arm/lro.cpp:
//  1. `Azure-AsyncOperation` on the first answer wins: GET that URL verbatim until its body's
//     `status` is terminal.
//  2. Else `Location` on a 201/202: GET it verbatim; 202 means running (a new `Location` on a 202
//     replaces the URL), 200/201/204 means finished and its body, if any, is the result.
//  3. Else a PUT/PATCH answered 200/201 whose `properties.provisioningState` is not terminal:
//     GET the resource itself until it is.
//  4. Else the first answer is final (204, a DELETE/POST with no header, a state already terminal).
// `Operation-Location` is ignored: ARM sends it next to `Azure-AsyncOperation`, sometimes relative.
//
// Status values are an open enum compared case-insensitively: Succeeded, Failed and Canceled end
// the operation, every other value ("InProgress", "Creating", "Pending", ...) means running.
// After success, a PUT/PATCH reads its resource once more (the final GET) even when the status
// resource said Succeeded, since only the resource holds the final body; a POST reads its
// `Location` when the first answer had one; a DELETE reads nothing.
// Failed or Canceled ends as errc::operation_failed with the status resource's `error` (or the
// resource's `properties.errorInfo` / `provisioningErrors[0].error`) in the diagnostics.
// An HTTP error while polling ends the operation only when it is not transient: 408, 429 and 5xx
// (which the retry policy below has already retried) leave the machine where it was, so that a
// later wait simply polls again.
// The wait before each poll is the answer's Retry-After when present, else `default_delay`,
// never more than `max_delay`. A final GET is sent without waiting.
#pragma once

#include <amlk8s/arm/message.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/http/message.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

namespace amlk8s::arm {

/// How long to wait between polls.
struct lro_timing {
  /// Used when an answer has no Retry-After (contracts/arm-extensions.md §1.6: azure-mgmt-core's ARM
  /// default is 30 s).
  std::chrono::milliseconds default_delay{std::chrono::seconds(30)};
  /// Ceiling on any single wait, a server's Retry-After included (tests set it near zero).
  std::chrono::milliseconds max_delay{std::chrono::minutes(5)};
};

/// What the algorithm asks for next.
enum class lro_action_kind {
  poll,       ///< GET `url` after `delay`
  final_get,  ///< GET `url` (the resource, or a POST's Location) for the final body, now
  done,       ///< finished successfully; lro_machine::result() holds the body, if any
  failed,     ///< finished (or, for a transient HTTP error, stopped) with `error` and `diag`
};

/// One step of the algorithm.
struct lro_action {
  lro_action_kind kind = lro_action_kind::done;
  std::string url{};                   ///< for poll and final_get; an absolute URL, used verbatim
  std::chrono::milliseconds delay{0};  ///< for poll
  error_code error{};                  ///< for failed
  diagnostics diag{};                  ///< for failed
};

/// The state of one long-running operation.
class lro_machine {
 public:
  /// An empty machine, done with nothing to do (so that pollers can be default-constructed).
  lro_machine() = default;
  /// A machine for an operation started by `method` on `resource_url` (the absolute URL of the
  /// first request, api-version included: the final GET of a PUT/PATCH reads it again).
  lro_machine(http::verb method, std::string resource_url, lro_timing timing = {});

  /// Reads the answer to the first request.
  lro_action start(const response& initial);
  /// Reads the answer to the request of the last poll/final_get action.
  lro_action resume(const response& answer);
  /// The request still to make (poll/final_get), or the terminal action once finished. After a
  /// transient failure it is the same poll again; after from_resume_token it has no delay.
  const lro_action& pending() const noexcept { return next_; }

  /// True once the operation has finished, either way.
  bool done() const noexcept { return next_.kind == lro_action_kind::done || next_.kind == lro_action_kind::failed; }
  /// True once the operation has finished successfully.
  bool succeeded() const noexcept { return next_.kind == lro_action_kind::done; }
  /// The last status the service reported, verbatim ("Creating", "InProgress", "Succeeded", ...);
  /// "InProgress"/"Succeeded" are used for Location polling, which reports none.
  const std::string& status() const noexcept { return status_; }
  /// The final body once done (null for a DELETE, or when the service returned none).
  const boost::json::value& result() const noexcept { return result_; }
  /// The method of the first request.
  http::verb method() const noexcept { return method_; }
  /// The URL of the first request.
  const std::string& resource_url() const noexcept { return resource_url_; }
  /// The delays, adjustable between steps.
  lro_timing& timing() noexcept { return timing_; }

  /// An opaque, URL-safe string from which the operation can be followed later, in another process.
  std::string resume_token() const;
  /// Rebuilds a machine from resume_token(); `out.pending()` is then the request to make, at once.
  /// Fails with errc::invalid_argument when `token` was not made by resume_token().
  static error_code from_resume_token(std::string_view token, lro_machine& out, diagnostics& diag,
                                      lro_timing timing = {});

 private:
  enum class mode { none, async_operation, location, provisioning_state };

  lro_action poll_after(const response& answer);
  lro_action succeed(boost::json::value result);
  lro_action after_status_succeeded(const response& answer);
  lro_action fail_terminal(error_code ec, diagnostics diag);
  lro_action fail_http(const response& answer);
  lro_action fail_operation(std::string_view status, const boost::json::value* error_detail, const response& answer);
  lro_action from_provisioning_state(const response& answer);

  http::verb method_ = http::verb::get;
  std::string resource_url_;
  lro_timing timing_;
  mode mode_ = mode::none;
  std::string poll_url_;
  std::string location_url_;  // the first answer's Location, kept for a POST's final GET
  std::string status_;
  boost::json::value result_;
  lro_action next_;
};

/// True for Succeeded, Failed and Canceled in any letter case.
bool is_terminal_status(std::string_view status) noexcept;

/// How a poller waits (a part of client_options, adjustable per poller).
struct poller_options {
  /// Delays between polls.
  lro_timing timing{};
  /// The most one wait may take, measured from its start; errc::timeout after that (the operation
  /// goes on at the service and can be waited for again). Zero waits without limit.
  std::chrono::milliseconds timeout{0};
  /// Called after every answer with the status and the time since the poller was made, so that a
  /// front end can show progress. Runs on the poller's executor; must not throw.
  std::function<void(std::string_view status, std::chrono::milliseconds elapsed)> on_progress{};
};

}  // namespace amlk8s::arm
