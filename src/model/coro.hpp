// Private helpers of the model clients written as coroutines (azureml_client, instance_types_client,
// fit_analyzer): run an awaitable on an executor and complete a type-erased handler with its value
// or its error.
//
// Two GCC 12 rules for every coroutine that includes this header:
//  - start each asynchronous operation in its own statement, then `co_await std::move(op)`: GCC 12
//    destroys the temporaries of a co_await operand twice;
//  - GCC 12 pairs Asio's awaitable-frame operator delete with the wrong operator new when it inlines
//    a coroutine (GCC bug 109224), a false -Wmismatched-new-delete, silenced below for the including file.
#pragma once

#include <amlk8s/core/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>
#include <utility>

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace amlk8s::model::detail {

/// The completion token of an awaited step: (error_code, values...) as a tuple, never an exception.
inline constexpr auto use_tuple = boost::asio::as_tuple(boost::asio::use_awaitable);

/// Throws the error an awaited step completed with; its diagnostics are already in `diag`.
inline void check(error_code ec, const diagnostics& diag) {
  if (ec) throw error(ec, diag);
}

/// Completes `h` with `value`, or with the error in `ep` (its diagnostics copied into `diag`).
template <class Handler, class... T>
void finish(std::exception_ptr ep, diagnostics& diag, Handler& h, T... value) {
  if (!ep) return std::move(h)(error_code{}, std::move(value)...);
  try {
    std::rethrow_exception(ep);
  } catch (const amlk8s::error& e) {
    diag = e.diag();
    std::move(h)(e.code(), T{}...);
  } catch (const std::exception& e) {
    diag.client_message = e.what();
    std::move(h)(make_error_code(errc::protocol_error), T{}...);
  }
}

/// Runs `work` on `executor`, then completes `handler` with its value or its error.
template <class T>
void spawn(boost::asio::any_io_executor executor, diagnostics& diag, boost::asio::awaitable<T> work,
           boost::asio::any_completion_handler<void(error_code, T)> handler) {
  boost::asio::co_spawn(executor, std::move(work), [&diag, h = std::move(handler)](std::exception_ptr ep, T value) mutable {
    finish(ep, diag, h, std::move(value));
  });
}

/// The same for work without a value.
inline void spawn(boost::asio::any_io_executor executor, diagnostics& diag, boost::asio::awaitable<void> work,
                  boost::asio::any_completion_handler<void(error_code)> handler) {
  boost::asio::co_spawn(executor, std::move(work),
                        [&diag, h = std::move(handler)](std::exception_ptr ep) mutable { finish(ep, diag, h); });
}

}  // namespace amlk8s::model::detail
