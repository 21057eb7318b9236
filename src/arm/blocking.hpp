// The blocking forms of the arm operations: start the type-erased async operation with a handler
// that fulfils a promise, and wait on its future. The sender's executor must be run by some other
// thread; that is the documented contract of every blocking arm call.
#pragma once

#include <amlk8s/core/error.hpp>

#include <future>
#include <tuple>
#include <utility>

namespace amlk8s::arm::detail {

/// Runs `initiate(handler)` and waits for the handler's (error_code, values...).
template <class... Values, class Initiate>
std::tuple<error_code, Values...> run_blocking(Initiate&& initiate) {
  std::promise<std::tuple<error_code, Values...>> promise;
  auto future = promise.get_future();
  std::forward<Initiate>(initiate)(
      [&promise](error_code ec, Values... values) { promise.set_value({ec, std::move(values)...}); });
  return future.get();
}

}  // namespace amlk8s::arm::detail
