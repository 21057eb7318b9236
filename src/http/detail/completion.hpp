// How the policies of the pipeline complete their callers' handlers. Private to src/http.
//
// Every policy operation keeps the caller's type-erased handler in a send_completion. Its steps
// (what it hands to the next sender, an authorizer or a timer) are step_handlers that carry the
// caller's associated executor, so each step, and so the final call of the caller's handler, runs
// where the caller asked. Each step also offers a cancellation slot of our choice to the operation
// it is given to: the caller's own slot for policies that just pass cancellation through, or a
// slot of our own where a policy must react first (the retry policy's back-off).
#pragma once

#include <amlk8s/http/sender.hpp>

#include <boost/asio/any_completion_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/post.hpp>

#include <atomic>
#include <utility>

namespace amlk8s::http::detail {

/// One intermediate step of a policy operation.
template <class Function>
class step_handler {
 public:
  using executor_type = boost::asio::any_completion_executor;
  using cancellation_slot_type = boost::asio::cancellation_slot;

  step_handler(Function f, executor_type ex, cancellation_slot_type slot)
      : f_(std::move(f)), ex_(std::move(ex)), slot_(slot) {}

  executor_type get_executor() const noexcept { return ex_; }
  cancellation_slot_type get_cancellation_slot() const noexcept { return slot_; }

  template <class... Args>
  void operator()(Args&&... args) {
    std::move(f_)(std::forward<Args>(args)...);
  }

 private:
  Function f_;
  executor_type ex_;
  cancellation_slot_type slot_;
};

/// The caller's handler of one send operation.
class send_completion {
 public:
  send_completion(sender::handler_type handler, boost::asio::any_io_executor io_executor)
      : handler_(std::move(handler)),
        io_executor_(std::move(io_executor)),
        executor_(boost::asio::get_associated_executor(handler_, io_executor_)),
        slot_(boost::asio::get_associated_cancellation_slot(handler_)) {}

  /// The executor the caller's handler runs on.
  const boost::asio::any_completion_executor& executor() const noexcept { return executor_; }
  /// The caller's cancellation slot (possibly unconnected).
  boost::asio::cancellation_slot slot() const noexcept { return slot_; }

  /// A step that runs on the caller's executor and passes the caller's cancellation slot on.
  template <class Function>
  step_handler<Function> step(Function f) const {
    return {std::move(f), executor_, slot_};
  }
  /// A step that runs on the caller's executor and offers `slot` instead.
  template <class Function>
  step_handler<Function> step(Function f, boost::asio::cancellation_slot slot) const {
    return {std::move(f), executor_, slot};
  }

  /// Call when the initiating function is about to return.
  void initiated() noexcept { initiating_.store(false, std::memory_order_release); }

  /// Completes the caller's handler. From a step it is already on the handler's executor and is
  /// called directly; from inside the initiating function it is posted, because an asynchronous
  /// operation never completes before its initiating function returns.
  void complete(error_code ec, response resp) {
    if (initiating_.load(std::memory_order_acquire)) {
      boost::asio::post(io_executor_, boost::asio::append(std::move(handler_), ec, std::move(resp)));
    } else {
      std::move(handler_)(ec, std::move(resp));
    }
  }

 private:
  sender::handler_type handler_;
  boost::asio::any_io_executor io_executor_;
  boost::asio::any_completion_executor executor_;
  boost::asio::cancellation_slot slot_;
  std::atomic<bool> initiating_{true};
};

}  // namespace amlk8s::http::detail
