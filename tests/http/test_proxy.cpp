#include "http/test_proxy.hpp"

// GCC 12 under the sanitizers misreads the frame allocator of Asio coroutines defined here.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <mutex>
#include <thread>

namespace amlk8s::testing {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

asio::awaitable<void> pump(std::shared_ptr<tcp::socket> from, std::shared_ptr<tcp::socket> to) {
  char buf[16384];
  for (;;) {
    auto [ec, n] = co_await from->async_read_some(asio::buffer(buf), use_tuple);
    if (ec) break;
    auto [wec, wn] = co_await asio::async_write(*to, asio::buffer(buf, n), use_tuple);
    if (wec) break;
  }
  boost::system::error_code ignored;
  to->shutdown(tcp::socket::shutdown_send, ignored);
  from->close(ignored);
}

}  // namespace

struct test_proxy::impl {
  asio::io_context io{1};
  tcp::acceptor acceptor{io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  std::uint16_t upstream;
  bool refuse;
  mutable std::mutex mutex;
  std::vector<std::string> lines;
  std::vector<std::string> auths;
  std::thread thread;

  asio::awaitable<void> serve(std::shared_ptr<tcp::socket> client) {
    std::string head;
    auto [ec, n] = co_await asio::async_read_until(*client, asio::dynamic_buffer(head), "\r\n\r\n", use_tuple);
    if (ec) co_return;
    std::string line = head.substr(0, head.find("\r\n"));
    std::string auth;
    if (auto pos = head.find("\r\nProxy-Authorization: "); pos != std::string::npos) {
      pos += 23;
      auth = head.substr(pos, head.find("\r\n", pos) - pos);
    }
    {
      std::lock_guard lock(mutex);
      lines.push_back(line);
      auths.push_back(auth);
    }
    if (refuse) {
      std::string answer = "HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
      co_await asio::async_write(*client, asio::buffer(answer), use_tuple);
      co_return;
    }
    auto server = std::make_shared<tcp::socket>(io);
    auto [cec] = co_await server->async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), upstream), use_tuple);
    if (cec) co_return;
    std::string forward = head;
    if (line.starts_with("CONNECT ")) {
      forward = head.substr(head.find("\r\n\r\n") + 4);
      std::string answer = "HTTP/1.1 200 Connection established\r\n\r\n";
      auto [wec, wn] = co_await asio::async_write(*client, asio::buffer(answer), use_tuple);
      if (wec) co_return;
    }
    if (!forward.empty()) {
      auto [fec, fn] = co_await asio::async_write(*server, asio::buffer(forward), use_tuple);
      if (fec) co_return;
    }
    asio::co_spawn(io, pump(server, client), asio::detached);
    co_await pump(client, server);
  }

  asio::awaitable<void> accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(use_tuple);
      if (ec) co_return;
      asio::co_spawn(io, serve(std::make_shared<tcp::socket>(std::move(socket))), asio::detached);
    }
  }
};

test_proxy::test_proxy(std::uint16_t upstream_port, bool refuse) : impl_(std::make_unique<impl>()) {
  impl_->upstream = upstream_port;
  impl_->refuse = refuse;
  asio::co_spawn(impl_->io, impl_->accept(), asio::detached);
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

test_proxy::~test_proxy() {
  impl_->io.stop();
  impl_->thread.join();
}

std::string test_proxy::url() const { return "http://127.0.0.1:" + std::to_string(impl_->acceptor.local_endpoint().port()); }

std::vector<std::string> test_proxy::request_lines() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->lines;
}

std::vector<std::string> test_proxy::authorizations() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->auths;
}

}  // namespace amlk8s::testing
