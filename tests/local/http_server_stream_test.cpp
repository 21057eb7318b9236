// Streamed answers of the local HTTP server (responder::stream) and the Kubernetes watches the
// control plane streams through it (contracts/kubernetes.md §2.7): pieces go out as they become
// ready, the body ends when the stream is finished or at its time limit, and a client that leaves
// ends the stream. Waits have a bounded deadline and poll a condition; nothing asserts on speed.
#include <amlk8s/http/client.hpp>
#include <amlk8s/kube/kubeconfig.hpp>
#include <amlk8s/local/control_plane.hpp>
#include <amlk8s/local/http_server.hpp>

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

namespace {

namespace asio = boost::asio;
namespace http = amlk8s::http;
namespace local = amlk8s::local;
using namespace std::chrono_literals;

constexpr auto deadline = 20s;

template <class F>
bool eventually(F condition) {
  auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (condition()) return true;
    std::this_thread::sleep_for(5ms);
  }
  return condition();
}

// A body the test feeds by hand.
class fed_body final : public local::body_stream {
 public:
  struct shared {
    std::mutex mutex;
    std::deque<std::string> pieces;
    std::function<void()> notify;
    bool finished = false;
    std::atomic<bool> destroyed{false};
    std::atomic<int> polls{0};

    void push(std::string piece) {
      std::function<void()> n;
      {
        std::lock_guard lock(mutex);
        pieces.push_back(std::move(piece));
        n = notify;
      }
      if (n) n();
    }
    void finish() {
      std::function<void()> n;
      {
        std::lock_guard lock(mutex);
        finished = true;
        n = notify;
      }
      if (n) n();
    }
  };

  explicit fed_body(std::shared_ptr<shared> s, std::optional<std::chrono::milliseconds> limit = std::nullopt,
                    std::optional<std::string> idle = std::nullopt, std::chrono::milliseconds idle_every = 1min)
      : s_(std::move(s)), limit_(limit), idle_(std::move(idle)), idle_every_(idle_every) {}
  ~fed_body() override {
    {
      std::lock_guard lock(s_->mutex);
      s_->notify = nullptr;
    }
    s_->destroyed = true;
  }

  std::vector<std::string> poll() override {
    ++s_->polls;
    std::lock_guard lock(s_->mutex);
    std::vector<std::string> out(s_->pieces.begin(), s_->pieces.end());
    s_->pieces.clear();
    return out;
  }
  void on_ready(std::function<void()> notify) override {
    std::lock_guard lock(s_->mutex);
    s_->notify = std::move(notify);
  }
  bool finished() const override {
    std::lock_guard lock(s_->mutex);
    return s_->finished && s_->pieces.empty();
  }
  std::optional<std::chrono::milliseconds> time_limit() const override { return limit_; }
  std::optional<std::string> idle_piece() override { return idle_; }
  std::chrono::milliseconds idle_interval() const override { return idle_every_; }

 private:
  std::shared_ptr<shared> s_;
  std::optional<std::chrono::milliseconds> limit_;
  std::optional<std::string> idle_;
  std::chrono::milliseconds idle_every_;
};

// What a streamed request has received so far, readable from the test thread.
struct received {
  std::mutex mutex;
  std::string body;
  int status = 0;
  std::string transfer_encoding;
  std::string text() {
    std::lock_guard lock(mutex);
    return body;
  }
  http::body_sink sink() {
    return [this](const http::response& head, std::string_view data) {
      std::lock_guard lock(mutex);
      status = head.status;
      transfer_encoding = std::string(head.headers.get("Transfer-Encoding").value_or(""));
      body.append(data);
    };
  }
};

http::request get(const std::string& url) {
  http::request r;
  r.url = url;
  return r;
}

TEST(HttpServerStream, SendsEachPieceWhenItIsReadyAndEndsWhenFinished) {
  auto body = std::make_shared<fed_body::shared>();
  local::http_server server({}, [body](local::server_request, local::responder res) {
    http::response head;
    head.status = 200;
    head.headers.set("Content-Type", "application/json");
    res.stream(std::move(head), std::make_unique<fed_body>(body));
  });
  http::client client;
  received got;
  amlk8s::diagnostics diag;
  auto done = http::async_send_streaming(client, get(server.url() + "/watch"), diag, got.sink(), asio::use_future);
  ASSERT_TRUE(eventually([&] { return body->polls > 0; }));
  body->push("{\"n\":1}\n");
  ASSERT_TRUE(eventually([&] { return got.text() == "{\"n\":1}\n"; })) << got.text();
  body->push("{\"n\":2}\n");
  body->push("{\"n\":3}\n");
  ASSERT_TRUE(eventually([&] { return got.text().size() == 24; })) << got.text();
  body->finish();
  ASSERT_EQ(done.wait_for(deadline), std::future_status::ready);
  auto head = done.get();
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(got.text(), "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  EXPECT_EQ(got.transfer_encoding, "chunked");
  EXPECT_EQ(head.headers.get("Connection"), "close");
  EXPECT_TRUE(eventually([&] { return body->destroyed.load(); }));
}

TEST(HttpServerStream, EndsTheBodyAtItsTimeLimit) {
  auto body = std::make_shared<fed_body::shared>();
  local::http_server server({}, [body](local::server_request, local::responder res) {
    http::response head;
    head.status = 200;
    res.stream(std::move(head), std::make_unique<fed_body>(body, 300ms));
  });
  http::client client;
  received got;
  amlk8s::diagnostics diag;
  auto started = std::chrono::steady_clock::now();
  auto done = http::async_send_streaming(client, get(server.url() + "/watch"), diag, got.sink(), asio::use_future);
  ASSERT_EQ(done.wait_for(deadline), std::future_status::ready);
  EXPECT_EQ(done.get().status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
  EXPECT_TRUE(eventually([&] { return body->destroyed.load(); }));
}

TEST(HttpServerStream, SendsTheIdlePieceWhenNothingElseCame) {
  auto body = std::make_shared<fed_body::shared>();
  local::http_server server({}, [body](local::server_request, local::responder res) {
    http::response head;
    head.status = 200;
    res.stream(std::move(head), std::make_unique<fed_body>(body, std::nullopt, "tick\n", 50ms));
  });
  http::client client;
  received got;
  amlk8s::diagnostics diag;
  auto done = http::async_send_streaming(client, get(server.url() + "/watch"), diag, got.sink(), asio::use_future);
  ASSERT_TRUE(eventually([&] { return got.text().starts_with("tick\ntick\n"); })) << got.text();
  body->finish();
  ASSERT_EQ(done.wait_for(deadline), std::future_status::ready);
}

TEST(HttpServerStream, AClientThatLeavesEndsTheStream) {
  auto body = std::make_shared<fed_body::shared>();
  local::http_server server({}, [body](local::server_request, local::responder res) {
    http::response head;
    head.status = 200;
    res.stream(std::move(head), std::make_unique<fed_body>(body));
  });
  // A raw connection that reads the head and the first piece, then hangs up.
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  socket.connect({asio::ip::make_address("127.0.0.1"), server.port()});
  std::string request = "GET /watch HTTP/1.1\r\nHost: x\r\n\r\n";
  asio::write(socket, asio::buffer(request));
  ASSERT_TRUE(eventually([&] { return body->polls > 0; }));
  body->push("first\n");
  std::string seen;
  while (seen.find("first\n") == std::string::npos) {
    std::array<char, 256> buf;
    auto n = socket.read_some(asio::buffer(buf));
    seen.append(buf.data(), n);
  }
  EXPECT_NE(seen.find("Transfer-Encoding: chunked"), std::string::npos) << seen;
  EXPECT_NE(seen.find("6\r\nfirst\n\r\n"), std::string::npos) << seen;
  socket.close();
  EXPECT_TRUE(eventually([&] { return body->destroyed.load(); }));
  EXPECT_TRUE(eventually([&] { return server.stats().open_connections == 0; }));
}

TEST(HttpServerStream, StopEndsOpenStreams) {
  auto body = std::make_shared<fed_body::shared>();
  auto server = std::make_unique<local::http_server>(local::server_options{}, [body](local::server_request, local::responder res) {
    http::response head;
    head.status = 200;
    res.stream(std::move(head), std::make_unique<fed_body>(body));
  });
  http::client client;
  received got;
  amlk8s::diagnostics diag;
  auto done = http::async_send_streaming(client, get(server->url() + "/watch"), diag, got.sink(), asio::use_future);
  ASSERT_TRUE(eventually([&] { return body->polls > 0; }));
  server->stop();
  EXPECT_TRUE(body->destroyed);
  ASSERT_EQ(done.wait_for(deadline), std::future_status::ready);
  EXPECT_THROW(done.get(), boost::system::system_error);  // the body never ended: a transport error
}

// ---- Watches through the control plane ---------------------------------------------------------

local::cluster_spec one_node_cluster(const std::string& subscription) {
  local::cluster_spec c;
  c.kind = local::cluster_kind::aks;
  c.subscription = subscription;
  c.resource_group = "rg";
  c.name = "watched";
  c.location = "eastus";
  c.kubernetes_version = "1.30.6";
  c.node_pools.push_back({"system", 1, "", 4000, 16LL << 30, 0, {}, {}, "System"});
  return c;
}

struct ControlPlaneWatch : ::testing::Test {
  local::control_plane plane;
  amlk8s::kube::cluster_config config;
  std::unique_ptr<http::client> client;

  void SetUp() override {
    plane.azure().arm().add_cluster(one_node_cluster(plane.endpoints().subscription_id));
    config = amlk8s::kube::kubeconfig::load_file(plane.kubeconfig_path("watched")).resolve();
    http::client_options o;
    o.ca_pem = config.ca_pem;
    client = std::make_unique<http::client>(o);
  }
  http::request watch_request(const std::string& query) const {
    auto r = get(config.server + "/api/v1/namespaces/default/configmaps?watch=true" + query);
    r.headers.set("Authorization", "Bearer " + config.token.reveal());
    return r;
  }
  boost::json::object config_map(const std::string& name) const {
    return {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", {{"name", name}, {"namespace", "default"}}}};
  }
};

TEST_F(ControlPlaneWatch, ACreateAfterTheWatchStartedArrivesAsAdded) {
  auto* api = plane.cluster("watched");
  ASSERT_NE(api, nullptr);
  auto rv = std::to_string(api->resource_version());
  received got;
  amlk8s::diagnostics diag;
  asio::cancellation_signal stop;
  auto done = http::async_send_streaming(*client, watch_request("&resourceVersion=" + rv), diag, got.sink(),
                                         asio::bind_cancellation_slot(stop.slot(), asio::use_future));
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(got.mutex);
    return got.status == 200;
  }));
  api->create(amlk8s::local::kube::resources::configmaps, config_map("after-watch"));
  ASSERT_TRUE(eventually([&] { return got.text().find('\n') != std::string::npos; })) << got.text();
  auto text = got.text();
  auto event = boost::json::parse(text.substr(0, text.find('\n'))).as_object();
  EXPECT_EQ(event.at("type"), "ADDED");
  EXPECT_EQ(event.at("object").at("metadata").at("name"), "after-watch");
  EXPECT_EQ(got.transfer_encoding, "chunked");
  asio::post(client->get_executor(), [&] { stop.emit(asio::cancellation_type::terminal); });
  ASSERT_EQ(done.wait_for(deadline), std::future_status::ready);
}

TEST_F(ControlPlaneWatch, EndsAtTimeoutSeconds) {
  received got;
  amlk8s::diagnostics diag;
  auto started = std::chrono::steady_clock::now();
  auto done = http::async_send_streaming(*client, watch_request("&timeoutSeconds=1"), diag, got.sink(), asio::use_future);
  ASSERT_EQ(done.wait_for(deadline), std::future_status::ready);
  EXPECT_EQ(done.get().status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 1s);
}

TEST_F(ControlPlaneWatch, AWatchHoldsNoServerThread) {
  // More open watches than the server has threads, and requests still get answered.
  std::vector<std::unique_ptr<received>> got;
  std::vector<std::future<http::response>> done;
  std::vector<std::unique_ptr<asio::cancellation_signal>> stops;
  std::vector<std::unique_ptr<amlk8s::diagnostics>> diags;
  for (int i = 0; i < 4; ++i) {
    got.push_back(std::make_unique<received>());
    stops.push_back(std::make_unique<asio::cancellation_signal>());
    diags.push_back(std::make_unique<amlk8s::diagnostics>());
    done.push_back(http::async_send_streaming(*client, watch_request(""), *diags.back(), got.back()->sink(),
                                              asio::bind_cancellation_slot(stops.back()->slot(), asio::use_future)));
  }
  for (auto& g : got)
    ASSERT_TRUE(eventually([&] {
      std::lock_guard lock(g->mutex);
      return g->status == 200;
    }));
  auto version = get(config.server + "/version");
  version.headers.set("Authorization", "Bearer " + config.token.reveal());
  EXPECT_EQ(client->send(version).status, 200);
  for (auto& s : stops) asio::post(client->get_executor(), [&s] { s->emit(asio::cancellation_type::terminal); });
  for (auto& d : done) ASSERT_EQ(d.wait_for(deadline), std::future_status::ready);
}

}  // namespace
