// A scripted http::sender for the arm tests: no sockets, answers come from a list, every request is
// recorded. Answers are posted to the executor, as a real transport would complete.
#pragma once

#include <amlk8s/http/sender.hpp>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/cancellation_type.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace amlk8s::test {

/// One scripted answer.
struct answer {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  /// Set: complete with this error and no HTTP answer (a transport failure).
  error_code transport_error;
  /// Never answer; complete with errc::cancelled when the request is cancelled.
  bool hang = false;
};

/// An answer with a JSON body.
inline answer json_answer(int status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  return answer{status, std::move(headers), std::move(body), {}, false};
}

class fake_sender final : public http::sender {
 public:
  explicit fake_sender(boost::asio::any_io_executor ex) : ex_(std::move(ex)) {}

  boost::asio::any_io_executor get_executor() override { return ex_; }

  /// Appends answers to the script.
  void push(answer a) { script_.push_back(std::move(a)); }
  /// When the script runs out, answer every further request with the last answer again.
  void repeat_last(bool on = true) { repeat_last_ = on; }
  /// Every request sent so far.
  const std::vector<http::request>& sent() const { return sent_; }
  /// The URLs of every request sent so far.
  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (const auto& r : sent_) out.push_back(r.url);
    return out;
  }
  /// True while a hanging request waits for cancellation.
  bool hanging() const { return pending_.has_value(); }
  /// How many requests were cancelled.
  int cancellations() const { return cancellations_; }

  void async_send_erased(http::request req, diagnostics& diag, handler_type handler) override {
    sent_.push_back(req);
    answer a;
    if (!script_.empty()) {
      a = script_.front();
      if (script_.size() > 1 || !repeat_last_) script_.pop_front();
    } else {
      ADD_FAILURE() << "unscripted request: " << http::to_string(req.method) << " " << req.url;
      a.transport_error = make_error_code(errc::transport_error);
    }
    if (a.hang) {
      auto slot = boost::asio::get_associated_cancellation_slot(handler);
      pending_.emplace(std::move(handler));
      if (slot.is_connected()) {
        slot.assign([this, &diag](boost::asio::cancellation_type) {
          if (!pending_) return;
          ++cancellations_;
          diag.client_message = "request cancelled";
          auto h = std::move(*pending_);
          pending_.reset();
          boost::asio::post(ex_, boost::asio::append(std::move(h), make_error_code(errc::cancelled), http::response{}));
        });
      }
      return;
    }
    http::response res;
    if (a.transport_error) {
      diag.client_message = "scripted transport failure";
    } else {
      res.status = a.status;
      for (auto& [k, v] : a.headers) res.headers.add(k, v);
      res.body = a.body;
    }
    boost::asio::post(ex_, boost::asio::append(std::move(handler), a.transport_error, std::move(res)));
  }

 private:
  boost::asio::any_io_executor ex_;
  std::deque<answer> script_;
  bool repeat_last_ = false;
  std::vector<http::request> sent_;
  std::optional<handler_type> pending_;
  int cancellations_ = 0;
};

}  // namespace amlk8s::test
