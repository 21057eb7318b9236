// The public half of the workspace clients' asynchronous operations: a template that only
// initiates, handing a type-erased handler to compiled code (ARCHITECTURE.md, "Async model").
#pragma once

#include <amlk8s/core/error.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>

#include <utility>

namespace amlk8s::model::detail {

/// The handler type of an operation completing with (error_code, T).
template <class T>
using handler = boost::asio::any_completion_handler<void(error_code, T)>;

/// Initiates an operation completing with (error_code, T): `start(handler<T>)` runs at initiation
/// (for deferred tokens, when the operation is launched).
template <class T, class CompletionToken, class Start>
auto initiate(CompletionToken&& token, Start start) {
  return boost::asio::async_initiate<CompletionToken, void(error_code, T)>(
      [](auto h, Start s) { std::move(s)(handler<T>(std::move(h))); }, token, std::move(start));
}

}  // namespace amlk8s::model::detail
