// Completing a type-erased handler the way Asio expects: never inline from the initiating call, on the
// handler's associated executor, else on the operation's own executor.
#pragma once

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>

#include <utility>

namespace amlk8s::auth::detail {

/// Posts `handler(args...)` to the handler's associated executor, or to `fallback`.
template <class Signature, class... Args>
void post_completion(const boost::asio::any_io_executor& fallback,
                     boost::asio::any_completion_handler<Signature> handler, Args... args) {
  // Submitted to `fallback` (which can promise never to run it inline) and from there dispatched to the
  // handler's own executor, as asio::post does for any handler with an associated executor.
  auto ex = boost::asio::get_associated_executor(handler, fallback);
  boost::asio::post(fallback, boost::asio::bind_executor(ex, [h = std::move(handler), ... a = std::move(args)]() mutable {
                      std::move(h)(std::move(a)...);
                    }));
}

}  // namespace amlk8s::auth::detail
