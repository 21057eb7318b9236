// Private helpers of the model layer: reading ARM bodies with the member's full path in every error
// (core/json.hpp's rules: unknown members ignored, absent or null means unset, a wrong type is an
// amlk8s::error naming the path), and the compiled async operations shared by the model clients.
#pragma once

#include <amlk8s/arm/client.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/json.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/append.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/post.hpp>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace amlk8s::model::detail {

/// ASCII lower case.
std::string to_lower(std::string_view s);

/// An object of a body together with its path ("properties.scope.cluster").
class reader {
 public:
  reader(const boost::json::object& object, std::string path) : object_(&object), path_(std::move(path)) {}

  /// The body itself; throws when it is not an object.
  static reader root(const boost::json::value& body, std::string_view what);

  const boost::json::object& object() const noexcept { return *object_; }
  /// The path of member `key`.
  std::string path_of(std::string_view key) const { return path_.empty() ? std::string(key) : path_ + "." + std::string(key); }

  /// The member, or null when absent or null.
  const boost::json::value* find(std::string_view key) const;
  std::optional<std::string> string(std::string_view key) const;
  /// The string, or "" when unset.
  std::string string_or_empty(std::string_view key) const { return string(key).value_or(std::string{}); }
  std::optional<bool> boolean(std::string_view key) const;
  std::optional<std::int64_t> integer(std::string_view key) const;
  std::optional<reader> child(std::string_view key) const;
  /// The array, or null when unset.
  const boost::json::array* array(std::string_view key) const;
  /// A map of strings; null values are skipped (a protected setting shows only its key).
  std::map<std::string, std::string> string_map(std::string_view key) const;
  /// An array of strings.
  std::vector<std::string> strings(std::string_view key) const;
  /// The keys of an object member.
  std::vector<std::string> keys(std::string_view key) const;

 private:
  const boost::json::object* object_;
  std::string path_;
};

/// Runs `read(body)`; an amlk8s::error it throws becomes errc::protocol_error in `diag`, saying
/// that the service's `what` could not be read, and `out` stays as it was.
template <class T, class Read>
error_code read_body(const boost::json::value& body, std::string_view what, diagnostics& diag, T& out, Read&& read) {
  try {
    out = read(body);
    return {};
  } catch (const amlk8s::error& e) {
    diag.client_message = "the service answered with a " + std::string(what) + " that cannot be read: " +
                          (e.diag().validation.empty() ? std::string(e.what())
                                                       : e.diag().validation.front().field + ": " +
                                                             e.diag().validation.front().message);
    diag.validation = e.diag().validation;
    return make_error_code(errc::protocol_error);
  }
}

/// Completes `handler` with (ec, value) through a post, never from inside the initiating call.
template <class T>
void complete_later(const boost::asio::any_io_executor& ex,
                    boost::asio::any_completion_handler<void(error_code, T)> handler, error_code ec, T value) {
  boost::asio::post(ex, boost::asio::append(std::move(handler), ec, std::move(value)));
}

/// One ARM request whose answer is turned into a T by `finish(ec, response, diag) -> T` (which may
/// change ec). The compiled half of most model operations.
template <class T, class Finish>
struct send_op {
  arm::client cl;
  arm::request req;
  diagnostics* diag;
  Finish finish;
  bool sent = false;

  template <class Self>
  void operator()(Self& self) {
    if (sent) return;
    sent = true;
    // Locals: `self` (which owns this object) is moved into the call.
    arm::client c = cl;
    arm::request copy = req;
    diagnostics& d = *diag;
    c.async_send_erased(std::move(copy), d, std::move(self));
  }

  template <class Self>
  void operator()(Self& self, error_code ec, arm::response res) {
    T out = finish(ec, res, *diag);
    self.complete(ec, std::move(out));
  }
};

/// Starts a send_op.
template <class T, class Finish>
void async_send_then(const arm::client& cl, arm::request req, diagnostics& diag, Finish finish,
                     boost::asio::any_completion_handler<void(error_code, T)> handler) {
  boost::asio::async_compose<boost::asio::any_completion_handler<void(error_code, T)>, void(error_code, T)>(
      send_op<T, Finish>{cl, std::move(req), &diag, std::move(finish)}, handler, cl.get_executor());
}

}  // namespace amlk8s::model::detail
