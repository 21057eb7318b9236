#include <amlk8s/http/retry_policy.hpp>

#include "detail/completion.hpp"

#include <amlk8s/core/redact.hpp>

#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <random>

namespace amlk8s::http {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

double jitter_sample() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

std::string describe(error_code ec, const response& resp, const diagnostics& diag) {
  if (!ec) return "HTTP " + std::to_string(resp.status);
  std::string text = ec.message();
  if (!diag.client_message.empty()) text += " (" + redact_text(diag.client_message) + ")";
  return text;
}

// One operation: tries, back-off waits between them, and the caller's cancellation over all.
class retry_op : public std::enable_shared_from_this<retry_op> {
 public:
  retry_op(sender& next, const retry_options& options, const log_sink& sink, request req, diagnostics& diag,
           sender::handler_type handler)
      : next_(next),
        options_(options),
        sink_(sink),
        req_(std::move(req)),
        diag_(diag),
        completion_(std::move(handler), next.get_executor()),
        backoff_timer_(next.get_executor()),
        try_timer_(next.get_executor()) {
    if (options_.operation_timeout.count() > 0) deadline_ = clock::now() + options_.operation_timeout;
  }

  void start() {
    auto slot = completion_.slot();
    if (slot.is_connected()) {
      // The slot handler must not keep the operation alive: it lives as long as the caller's signal.
      slot.assign([weak = weak_from_this()](boost::asio::cancellation_type type) {
        if (auto self = weak.lock()) self->on_cancel(type);
      });
    }
    begin_try();
    completion_.initiated();
  }

 private:
  enum class phase { sending, waiting, done };

  void on_cancel(boost::asio::cancellation_type type) {
    if (phase_ == phase::done) return;
    cancelled_ = true;
    if (phase_ == phase::sending) {
      inner_signal_.emit(type);
    } else {
      backoff_timer_.cancel();
    }
  }

  void begin_try() {
    phase_ = phase::sending;
    ++tries_;
    try_expired_ = false;
    std::optional<clock::time_point> limit = deadline_;
    if (options_.try_timeout.count() > 0) {
      auto try_limit = clock::now() + options_.try_timeout;
      if (!limit || try_limit < *limit) limit = try_limit;
    }
    if (limit) {
      try_timer_.expires_at(*limit);
      // No cancellation slot: the caller's cancellation reaches the try through inner_signal_.
      try_timer_.async_wait(completion_.step(
          [self = shared_from_this(), this_try = tries_](error_code ec) { self->on_try_timer(ec, this_try); },
          boost::asio::cancellation_slot()));
    }
    // Every try needs the original request again, because even a non-idempotent one may be resent
    // after a connect failure.
    next_.async_send_erased(req_, diag_,
                            completion_.step([self = shared_from_this()](error_code ec,
                                                                        response resp) { self->on_try_done(ec, std::move(resp)); },
                                             inner_signal_.slot()));
  }

  void on_try_timer(error_code ec, int this_try) {
    if (ec || this_try != tries_ || phase_ != phase::sending) return;
    try_expired_ = true;
    inner_signal_.emit(boost::asio::cancellation_type::terminal);
  }

  void on_try_done(error_code ec, response resp) {
    try_timer_.cancel();
    if (cancelled_) {
      // An answer that made it despite the cancellation is still the answer.
      if (ec) finish(errc::cancelled, {}, "cancelled by the caller");
      else finish({}, std::move(resp));
      return;
    }
    bool past_deadline = deadline_ && clock::now() >= *deadline_;
    if (try_expired_ && ec) {
      ec = errc::timeout;
      if (past_deadline) {
        finish(ec, {},
               "operation timed out after " + std::to_string(options_.operation_timeout.count()) + " ms (" +
                   std::to_string(tries_) + (tries_ == 1 ? " try)" : " tries)"));
        return;
      }
      diag_.client_message = "try timed out after " + std::to_string(options_.try_timeout.count()) + " ms";
    }

    retry_state state;
    state.retries_done = tries_ - 1;
    state.now = std::chrono::system_clock::now();
    if (deadline_) state.time_left = std::chrono::duration_cast<milliseconds>(*deadline_ - clock::now());
    state.jitter = jitter_sample();
    auto decision = decide_retry(options_, req_, ec, resp, state);
    if (!decision.retry) {
      std::string note;
      if (ec && tries_ > 1) note = "gave up after " + std::to_string(tries_ - 1) + " retries: " + std::string(decision.reason);
      finish(ec, std::move(resp), std::move(note));
      return;
    }

    if (sink_) {
      sink_(log_level::warning, "retry " + std::to_string(tries_) + " of " + std::to_string(options_.max_retries) +
                                    " for " + std::string(to_string(req_.method)) + " " + redact_url(req_.url) +
                                    " in " + std::to_string(decision.delay.count()) + " ms after " +
                                    describe(ec, resp, diag_) + " (x-ms-client-request-id: " +
                                    diag_.client_request_id + ")");
    }
    // What the failed try left in the diagnostics does not describe the next one.
    auto client_request_id = std::move(diag_.client_request_id);
    diag_.clear();
    diag_.client_request_id = std::move(client_request_id);

    phase_ = phase::waiting;
    backoff_timer_.expires_after(decision.delay);
    backoff_timer_.async_wait(
        completion_.step([self = shared_from_this()](error_code) { self->on_backoff_done(); },
                         boost::asio::cancellation_slot()));
  }

  void on_backoff_done() {
    if (cancelled_) {
      finish(errc::cancelled, {}, "cancelled by the caller while waiting to retry");
      return;
    }
    begin_try();
  }

  void finish(error_code ec, response resp, std::string note = {}) {
    phase_ = phase::done;
    if (!note.empty()) {
      if (!diag_.client_message.empty()) diag_.client_message += "; ";
      diag_.client_message += note;
    }
    // The caller's slot must be free again before its handler runs.
    if (auto slot = completion_.slot(); slot.is_connected()) slot.clear();
    completion_.complete(ec, std::move(resp));
  }

  sender& next_;
  const retry_options& options_;
  const log_sink& sink_;
  request req_;
  diagnostics& diag_;
  detail::send_completion completion_;
  boost::asio::steady_timer backoff_timer_;
  boost::asio::steady_timer try_timer_;
  boost::asio::cancellation_signal inner_signal_;
  std::optional<clock::time_point> deadline_;
  phase phase_ = phase::sending;
  int tries_ = 0;
  bool cancelled_ = false;
  bool try_expired_ = false;
};

}  // namespace

retry_policy::retry_policy(sender& next, retry_options options, log_sink sink)
    : next_(next), options_(std::move(options)), sink_(std::move(sink)) {
  validate(options_);
}

void retry_policy::async_send_erased(request req, diagnostics& diag, handler_type handler) {
  std::make_shared<retry_op>(next_, options_, sink_, std::move(req), diag, std::move(handler))->start();
}

// A streamed body cannot be taken back once the sink has seen part of it, so the request goes
// through once, with the caller's handler (executor and cancellation slot) as it is.
void retry_policy::async_send_streaming_erased(request req, diagnostics& diag, body_sink sink, handler_type handler) {
  next_.async_send_streaming_erased(std::move(req), diag, std::move(sink), std::move(handler));
}

}  // namespace amlk8s::http
