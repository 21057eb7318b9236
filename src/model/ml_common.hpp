// Private helpers of the workspace clients (computes, jobs, online endpoints): blocking forms,
// precondition errors, and awaitable ARM reads that throw. Include after model/coro.hpp.
#pragma once

#include "arm/blocking.hpp"
#include "model/coro.hpp"
#include "model/wire.hpp"

#include <amlk8s/arm/client.hpp>
#include <amlk8s/arm/pager.hpp>
#include <amlk8s/arm/poller.hpp>
#include <amlk8s/model/detail/initiate.hpp>

#include <boost/asio/awaitable.hpp>
#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <utility>

namespace amlk8s::model::detail {

/// A check before the operation found the target unfit: errc::precondition_failed with the issue
/// (field and fix) in diagnostics::validation.
inline amlk8s::error precondition(validation_issue issue) {
  diagnostics d;
  d.client_message = issue.message;
  d.validation.push_back(std::move(issue));
  return amlk8s::error(make_error_code(errc::precondition_failed), std::move(d));
}

/// Runs `start(diag, handler)` and waits; throws amlk8s::error on failure.
template <class T, class Start>
T block(Start&& start) {
  diagnostics diag;
  auto [ec, value] = arm::detail::run_blocking<T>([&](auto h) { start(diag, handler<T>(std::move(h))); });
  throw_on_error(ec, diag);
  return std::move(value);
}

/// read_body that throws its protocol error.
template <class T, class Read>
T read_or_throw(const boost::json::value& body, std::string_view what, diagnostics& diag, Read&& read) {
  T out;
  check(read_body(body, what, diag, out, std::forward<Read>(read)), diag);
  return out;
}

/// Sends `req` and returns the response; throws on any error (its diagnostics in `diag`).
inline boost::asio::awaitable<arm::response> ml_send(arm::client& arm, arm::request req, diagnostics& diag) {
  auto op = arm.async_send(std::move(req), diag, use_tuple);
  auto [ec, res] = co_await std::move(op);
  check(ec, diag);
  co_return std::move(res);
}

/// GET `path`; the body.
inline boost::asio::awaitable<boost::json::value> ml_get(arm::client& arm, std::string path, diagnostics& diag) {
  arm::request req;
  req.path = std::move(path);
  auto sending = ml_send(arm, std::move(req), diag);
  auto res = co_await std::move(sending);
  co_return std::move(res.body);
}

/// Every item of the collection at `path`, following nextLink (contracts/aml-workspace-and-auth.md §1.8).
inline boost::asio::awaitable<boost::json::array> ml_list(arm::client& arm, std::string path, diagnostics& diag) {
  arm::pager pages(arm, std::move(path));
  auto op = pages.async_all(use_tuple);
  auto [ec, items] = co_await std::move(op);
  diag = pages.diag();
  check(ec, diag);
  co_return std::move(items);
}

/// Begins a long-running operation; throws when the first request fails.
inline boost::asio::awaitable<arm::poller> ml_begin(arm::client& arm, arm::request req, diagnostics& diag) {
  auto op = arm::async_begin(arm, std::move(req), diag, use_tuple);
  auto [ec, poller] = co_await std::move(op);
  check(ec, diag);
  co_return std::move(poller);
}

/// Waits for a poller; throws errc::operation_failed with the service's error when it failed.
inline boost::asio::awaitable<boost::json::value> ml_wait(arm::poller poller, diagnostics& diag) {
  auto op = poller.async_wait(use_tuple);
  auto [ec, body] = co_await std::move(op);
  if (ec) diag = poller.diag();
  check(ec, diag);
  co_return std::move(body);
}

}  // namespace amlk8s::model::detail
