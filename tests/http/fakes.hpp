// Scripted stand-ins for the transport and the credential, with no sockets. They behave as a
// well-made Asio operation does: never complete inside the initiating call, complete through the
// handler's associated executor, and honour its cancellation slot while pending.
#pragma once

#include <amlk8s/http/sender.hpp>

#include <boost/asio/append.hpp>
#include <boost/asio/associated_cancellation_slot.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>

#include <deque>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace amlk8s_test {

namespace asio = boost::asio;
namespace http = amlk8s::http;

/// One scripted outcome of a send.
struct outcome {
  amlk8s::error_code ec;
  http::response resp;
  std::string client_message;  ///< written to diagnostics::client_message with a failure
  bool hang = false;           ///< complete only when cancelled
};

/// An answer with `status` and the given headers.
inline outcome answer(int status, std::initializer_list<std::pair<std::string, std::string>> headers = {},
                      std::string body = {}) {
  outcome o;
  o.resp.status = status;
  for (const auto& [name, value] : headers) o.resp.headers.add(name, value);
  o.resp.body = std::move(body);
  return o;
}

/// A failure with `e`, as the transport reports it.
inline outcome failure(amlk8s::errc e, std::string message = {}) {
  outcome o;
  o.ec = e;
  o.client_message = std::move(message);
  return o;
}

/// Never completes until cancelled.
inline outcome hang() {
  outcome o;
  o.hang = true;
  return o;
}

/// A transport that answers from a script (200 once the script is used up) and records every request.
class fake_sender final : public http::sender {
 public:
  explicit fake_sender(asio::any_io_executor ex) : ex_(std::move(ex)) {}

  std::deque<outcome> script;
  std::vector<http::request> requests;
  int cancellations = 0;

  asio::any_io_executor get_executor() override { return ex_; }

  void async_send_erased(http::request req, amlk8s::diagnostics& diag, handler_type handler) override {
    requests.push_back(std::move(req));
    outcome o = script.empty() ? answer(200) : std::move(script.front());
    if (!script.empty()) script.pop_front();
    if (o.hang) {
      auto slot = asio::get_associated_cancellation_slot(handler);
      if (!slot.is_connected()) return;  // dropped: the test checks that this never happens
      auto pending = std::make_shared<handler_type>(std::move(handler));
      slot.assign([this, pending, slot](asio::cancellation_type) mutable {
        ++cancellations;
        // The slot handler may not clear its own slot; do it from a fresh call.
        asio::post(ex_, [pending, slot]() mutable {
          slot.clear();
          asio::dispatch(asio::append(std::move(*pending), amlk8s::error_code(amlk8s::errc::cancelled),
                                      http::response{}));
        });
      });
      return;
    }
    if (o.ec && !o.client_message.empty()) diag.client_message = o.client_message;
    asio::post(ex_, asio::append(std::move(handler), o.ec, std::move(o.resp)));
  }

 private:
  asio::any_io_executor ex_;
};

/// A credential that hands out "Bearer <token>" from a list (the last one repeats).
class fake_authorizer final : public http::authorizer {
 public:
  fake_authorizer(asio::any_io_executor ex, std::vector<std::string> tokens)
      : ex_(std::move(ex)), tokens_(std::move(tokens)) {}

  int calls = 0;
  int invalidations = 0;
  amlk8s::error_code fail_with;

  void async_authorization(const http::request&, amlk8s::diagnostics& diag, handler_type handler) override {
    std::string value;
    if (fail_with) {
      diag.client_message = "no credential available";
    } else {
      auto index = std::min<std::size_t>(static_cast<std::size_t>(calls), tokens_.size() - 1);
      value = "Bearer " + tokens_[index];
    }
    ++calls;
    asio::post(ex_, asio::append(std::move(handler), fail_with, std::move(value)));
  }

  void invalidate() override { ++invalidations; }

 private:
  asio::any_io_executor ex_;
  std::vector<std::string> tokens_;
};

/// Captures a completion.
struct result {
  bool done = false;
  amlk8s::error_code ec;
  http::response resp;
};

/// A callback that fills `r`.
inline auto capture(result& r) {
  return [&r](amlk8s::error_code ec, http::response resp) {
    r.done = true;
    r.ec = ec;
    r.resp = std::move(resp);
  };
}

/// A GET of `url`.
inline http::request get(std::string url = "https://management.azure.com/subscriptions?api-version=2022-12-01") {
  http::request r;
  r.method = http::verb::get;
  r.url = std::move(url);
  return r;
}

/// A request with `method`.
inline http::request with_method(http::verb method, std::optional<bool> safe = std::nullopt) {
  auto r = get();
  r.method = method;
  r.safe_to_retry = safe;
  return r;
}

}  // namespace amlk8s_test
