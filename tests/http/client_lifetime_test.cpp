// The lifetime of an http::client that runs its own I/O thread: its last handle may go from any
// thread, from inside its own completion handlers, or while objects built on its executor (the
// retry policy's timers, a caller's timer) still exist on another thread. Each test repeats the
// pattern that used to free the client's io_context under a running handler; AddressSanitizer (the
// asan preset) reports what a plain build may survive.
#include <amlk8s/http/client.hpp>
#include <amlk8s/http/pipeline.hpp>
#include <amlk8s/local/http_server.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <optional>
#include <thread>

namespace {

namespace asio = boost::asio;
namespace http = amlk8s::http;
namespace local = amlk8s::local;
using namespace std::chrono_literals;

constexpr int iterations = 200;

http::request get(const std::string& url) {
  http::request r;
  r.url = url;
  return r;
}

// A thread running an io_context of its own, as a session or an application event loop would.
struct event_loop {
  asio::io_context io{1};
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> guard{io.get_executor()};
  std::thread thread{[this] { io.run(); }};
  ~event_loop() {
    guard.reset();
    thread.join();
  }
};

class HttpClientLifetime : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<local::http_server>(local::server_options{}, local::synchronous([](const local::server_request&) {
                                                      http::response res;
                                                      res.status = 200;
                                                      res.body = "hello";
                                                      return res;
                                                    }));
  }
  std::string url() const { return server_->url() + "/hello"; }

  std::unique_ptr<local::http_server> server_;
};

TEST_F(HttpClientLifetime, DroppedRightAfterABlockingCall) {
  for (int i = 0; i < iterations; ++i) {
    auto c = std::make_unique<http::client>();
    EXPECT_EQ(c->send(get(url())).status, 200);
    c.reset();
  }
}

// The request is started on the client's own thread, so that its handler, which holds the only
// handle, cannot run before the initiating call has returned.
template <class Handler>
void send_holding_the_last_handle(std::shared_ptr<http::client> c, const std::string& url, amlk8s::diagnostics& diag,
                                  Handler handler) {
  auto ex = c->get_executor();
  asio::post(ex, [c = std::move(c), url, &diag, handler = std::move(handler)]() mutable {
    auto& client = *c;
    client.async_send_erased(get(url), diag,
                             [c = std::move(c), handler = std::move(handler)](amlk8s::error_code ec, http::response res) mutable {
                               handler(std::move(c), ec, std::move(res));
                             });
  });
}

TEST_F(HttpClientLifetime, LastHandleDroppedInsideItsOwnCompletionHandler) {
  for (int i = 0; i < iterations; ++i) {
    std::promise<int> done;
    amlk8s::diagnostics diag;
    // The handler runs on the client's own thread and destroys the client there: no join of the
    // current thread, no io_context destroyed under the running handler.
    send_holding_the_last_handle(std::make_shared<http::client>(), url(), diag,
                                 [&done](std::shared_ptr<http::client> c, amlk8s::error_code ec, http::response res) {
                                   c.reset();
                                   done.set_value(ec ? -1 : res.status);
                                 });
    EXPECT_EQ(done.get_future().get(), 200);
  }
}

TEST_F(HttpClientLifetime, LastHandleDroppedByWhicheverThreadLetsGoLast) {
  for (int i = 0; i < iterations; ++i) {
    auto c = std::make_shared<http::client>();
    std::promise<int> done;
    amlk8s::diagnostics diag;
    c->async_send_erased(get(url()), diag, [&done, copy = c](amlk8s::error_code ec, http::response res) mutable {
      copy.reset();
      done.set_value(ec ? -1 : res.status);
    });
    c.reset();  // races with the handler's reset
    EXPECT_EQ(done.get_future().get(), 200);
  }
}

TEST_F(HttpClientLifetime, LastHandleDroppedInsideAHandlerThatKeepsATimerOnItsExecutor) {
  for (int i = 0; i < iterations; ++i) {
    std::promise<int> done;
    amlk8s::diagnostics diag;
    send_holding_the_last_handle(
        std::make_shared<http::client>(), url(), diag,
        [&done](std::shared_ptr<http::client> c, amlk8s::error_code ec, http::response res) {
          auto timer = std::make_shared<asio::steady_timer>(c->get_executor(), 1ms);
          c.reset();
          // The thread goes on serving the timer after its client is gone.
          timer->async_wait([timer, &done, status = ec ? -1 : res.status](amlk8s::error_code wait_ec) {
            done.set_value(wait_ec ? -2 : status);
          });
        });
    EXPECT_EQ(done.get_future().get(), 200);
  }
}

TEST_F(HttpClientLifetime, ATimerOnItsExecutorOutlivesTheClient) {
  for (int i = 0; i < iterations; ++i) {
    auto c = std::make_unique<http::client>();
    asio::steady_timer timer(c->get_executor());
    EXPECT_EQ(c->send(get(url())).status, 200);
    c.reset();
    timer.expires_after(1ms);
    auto waited = timer.async_wait(asio::use_future);
    waited.get();
  }
}

// What a session's coroutine does with a client of its own: the request goes through the pipeline
// (whose retry operation keeps timers on the transport's executor) and completes on the session's
// thread; whoever waits for it drops the pipeline and the client at once, while the session's
// thread is still unwinding out of the completion.
TEST_F(HttpClientLifetime, PipelineCompletingOnAnotherThreadIsDroppedByTheWaiter) {
  event_loop session;
  http::pipeline_options po;
  po.retry.try_timeout = 30s;  // arms the retry operation's per-try timer
  for (int i = 0; i < iterations; ++i) {
    auto transport = std::make_shared<http::client>();
    auto p = std::make_unique<http::pipeline>(transport, po);
    struct handshake {
      std::promise<int> answered;
      std::promise<void> dropped;
    };
    auto h = std::make_shared<handshake>();
    auto answered = h->answered.get_future();
    // Every second iteration holds the session's thread inside the completion until the client is
    // gone: the interleaving that happens now and then without the wait.
    bool hold = i % 2 == 0;
    asio::co_spawn(
        session.io,
        [h, hold, sender = p.get(), target = url()]() -> asio::awaitable<void> {
          amlk8s::diagnostics diag;
          auto op = http::async_send(*sender, get(target), diag, asio::as_tuple(asio::use_awaitable));
          auto [ec, res] = co_await std::move(op);
          auto dropped = h->dropped.get_future();
          h->answered.set_value(ec ? -1 : res.status);
          if (hold) dropped.wait();
        },
        asio::detached);
    EXPECT_EQ(answered.get(), 200);
    p.reset();
    transport.reset();
    h->dropped.set_value();
  }
}

}  // namespace
