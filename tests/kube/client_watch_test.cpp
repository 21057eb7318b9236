// kube::client watches over HTTPS against the local control plane (contracts/kubernetes.md §2.7):
// events as they happen, initial ADDED events, bookmarks, the end of the stream, cancellation and
// 410 Expired. Also the lifetime of clients made per call, each with its own I/O thread.
#include <amlk8s/kube/client.hpp>
#include <amlk8s/local/control_plane.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>
#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <thread>

namespace {

using namespace amlk8s;
namespace asio = boost::asio;
namespace resources = amlk8s::kube::resources;
using namespace std::chrono_literals;

constexpr auto deadline = 20s;

local::cluster_spec small_cluster(const std::string& subscription) {
  local::cluster_spec c;
  c.kind = local::cluster_kind::aks;
  c.subscription = subscription;
  c.resource_group = "ml-rg";
  c.name = "watch-aks";
  c.location = "eastus";
  c.kubernetes_version = "1.30.6";
  c.node_pools.push_back({"system", 1, "", 4000, 16LL << 30, 0, {}, {}, "System"});
  return c;
}

boost::json::value config_map(const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"labels", {{"app", "watched"}}}}},
          {"data", {{"key", value}}}};
}

// Events a watch delivered, readable from the test thread.
struct event_log {
  std::mutex mutex;
  std::vector<kube::watch_event> events;
  kube::watch_event_handler handler() {
    return [this](kube::watch_event e) {
      std::lock_guard lock(mutex);
      events.push_back(std::move(e));
    };
  }
  std::size_t size() {
    std::lock_guard lock(mutex);
    return events.size();
  }
  std::vector<kube::watch_event> copy() {
    std::lock_guard lock(mutex);
    return events;
  }
  bool wait_for(std::size_t n) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      if (size() >= n) return true;
      std::this_thread::sleep_for(5ms);
    }
    return size() >= n;
  }
};

// How a watch ended, for a test thread to wait on.
struct watch_end {
  std::promise<std::pair<error_code, std::string>> promise;
  std::future<std::pair<error_code, std::string>> future = promise.get_future();
  auto handler() {
    return [this](error_code ec, std::string rv) { promise.set_value({ec, std::move(rv)}); };
  }
};

std::string name_of(const kube::watch_event& e) {
  return std::string(e.object.at("metadata").at("name").as_string());
}

local::control_plane_options plane_options() {
  local::control_plane_options o;
  o.watch_bookmark_interval = 100ms;
  o.watch_event_log_capacity = 5;
  return o;
}

struct KubeClientWatch : ::testing::Test {
  local::control_plane plane{plane_options()};
  kube::cluster_config config;

  void SetUp() override {
    plane.azure().arm().add_cluster(small_cluster(plane.endpoints().subscription_id));
    config = kube::kubeconfig::load_file(plane.kubeconfig_path("watch-aks")).resolve();
  }
};

TEST_F(KubeClientWatch, SeesAddedModifiedAndDeletedAsTheyHappen) {
  kube::client client(config);
  auto list = client.list(resources::configmaps, "default");
  event_log log;
  diagnostics diag;
  asio::cancellation_signal stop;
  kube::watch_options options;
  options.resource_version = list.resource_version;
  watch_end done;
  client.async_watch(resources::configmaps, "default", options, log.handler(), diag,
                     asio::bind_cancellation_slot(stop.slot(), done.handler()));
  client.create(resources::configmaps, "default", config_map("settings", "one"));
  ASSERT_TRUE(log.wait_for(1));
  client.merge_patch(resources::configmaps, "default", "settings", {{"data", {{"key", "two"}}}});
  ASSERT_TRUE(log.wait_for(2));
  client.delete_(resources::configmaps, "default", "settings");
  ASSERT_TRUE(log.wait_for(3));
  auto events = log.copy();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type, kube::watch_event_type::added);
  EXPECT_EQ(events[1].type, kube::watch_event_type::modified);
  EXPECT_EQ(events[1].object.at("data").at("key"), "two");
  EXPECT_EQ(events[2].type, kube::watch_event_type::deleted);
  for (const auto& e : events) EXPECT_EQ(name_of(e), "settings");
  EXPECT_EQ(kube::to_string(events[2].type), "DELETED");

  // Cancelling ends it promptly, with the last version it saw.
  asio::post(client.get_executor(), [&] { stop.emit(asio::cancellation_type::terminal); });
  ASSERT_EQ(done.future.wait_for(deadline), std::future_status::ready);
  auto [ec, rv] = done.future.get();
  EXPECT_EQ(ec, errc::cancelled);
  EXPECT_EQ(rv, std::string(events[2].object.at("metadata").at("resourceVersion").as_string()));
}

TEST_F(KubeClientWatch, WithoutAResourceVersionStartsWithTheCurrentObjectsAndHonoursSelectors) {
  kube::client client(config);
  client.create(resources::configmaps, "default", config_map("a", "1"));
  client.create(resources::configmaps, "default", config_map("b", "2"));
  auto other = config_map("c", "3");
  other.as_object()["metadata"].as_object()["labels"] = boost::json::object{{"app", "other"}};
  client.create(resources::configmaps, "default", other);
  event_log log;
  diagnostics diag;
  asio::cancellation_signal stop;
  kube::watch_options options;
  options.label_selector = "app=watched";
  watch_end done;
  client.async_watch(resources::configmaps, "default", options, log.handler(), diag,
                     asio::bind_cancellation_slot(stop.slot(), done.handler()));
  ASSERT_TRUE(log.wait_for(2));
  auto events = log.copy();
  EXPECT_EQ(events[0].type, kube::watch_event_type::added);
  EXPECT_EQ(name_of(events[0]), "a");
  EXPECT_EQ(name_of(events[1]), "b");
  client.create(resources::configmaps, "default", config_map("d", "4"));
  ASSERT_TRUE(log.wait_for(3));
  EXPECT_EQ(name_of(log.copy()[2]), "d");
  asio::post(client.get_executor(), [&] { stop.emit(asio::cancellation_type::terminal); });
  ASSERT_EQ(done.future.wait_for(deadline), std::future_status::ready);
  EXPECT_EQ(log.size(), 3u);  // "c" never matched
}

TEST_F(KubeClientWatch, BookmarksMoveTheVersionOn) {
  kube::client client(config);
  auto list = client.list(resources::configmaps, "default");
  event_log log;
  diagnostics diag;
  asio::cancellation_signal stop;
  kube::watch_options options;
  options.resource_version = list.resource_version;
  options.allow_bookmarks = true;
  watch_end done;
  client.async_watch(resources::configmaps, "default", options, log.handler(), diag,
                     asio::bind_cancellation_slot(stop.slot(), done.handler()));
  // A write elsewhere moves the cluster's version on; the quiet watch hears of it as a bookmark.
  client.create(resources::namespaces, "", {{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", "elsewhere"}}}});
  auto current = std::to_string(plane.cluster("watch-aks")->resource_version());
  auto until = std::chrono::steady_clock::now() + deadline;
  std::string seen;
  while (std::chrono::steady_clock::now() < until && seen != current) {
    for (const auto& e : log.copy())
      if (e.type == kube::watch_event_type::bookmark)
        seen = std::string(e.object.at("metadata").at("resourceVersion").as_string());
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(seen, current);
  for (const auto& e : log.copy()) EXPECT_EQ(e.type, kube::watch_event_type::bookmark);
  asio::post(client.get_executor(), [&] { stop.emit(asio::cancellation_type::terminal); });
  ASSERT_EQ(done.future.wait_for(deadline), std::future_status::ready);
  EXPECT_EQ(std::get<1>(done.future.get()), current);
}

TEST_F(KubeClientWatch, EndsWhenTheServerEndsTheStreamAtTimeoutSeconds) {
  kube::client client(config);
  event_log log;
  kube::watch_options options;
  options.timeout_seconds = 1;
  auto rv = client.watch(resources::configmaps, "default", options, log.handler());
  EXPECT_EQ(log.size(), 0u);
  EXPECT_TRUE(rv.empty());
}

TEST_F(KubeClientWatch, TheBlockingFormStopsOnRequest) {
  kube::client client(config);
  std::stop_source stop;
  event_log log;
  auto watching = std::async(std::launch::async, [&]() -> error_code {
    try {
      client.watch(resources::configmaps, "default", {}, log.handler(), stop.get_token());
      return {};
    } catch (const error& e) {
      return e.code();
    }
  });
  client.create(resources::configmaps, "default", config_map("seen", "1"));
  ASSERT_TRUE(log.wait_for(1));
  stop.request_stop();
  ASSERT_EQ(watching.wait_for(deadline), std::future_status::ready);
  EXPECT_EQ(watching.get(), errc::cancelled);
}

TEST_F(KubeClientWatch, ATooOldResourceVersionIs410Expired) {
  kube::client client(config);
  auto first = client.create(resources::configmaps, "default", config_map("first", "1"));
  auto old_rv = std::string(first.at("metadata").at("resourceVersion").as_string());
  for (int i = 0; i < 8; ++i) client.create(resources::configmaps, "default", config_map("n" + std::to_string(i), "x"));
  event_log log;
  diagnostics diag;
  kube::watch_options options;
  options.resource_version = old_rv;
  watch_end done;
  client.async_watch(resources::configmaps, "default", options, log.handler(), diag, done.handler());
  ASSERT_EQ(done.future.wait_for(deadline), std::future_status::ready);
  auto [ec, rv] = done.future.get();
  EXPECT_EQ(ec, errc::service_error);
  EXPECT_TRUE(kube::is_expired(diag));
  EXPECT_EQ(diag.http_status, 410);
  EXPECT_EQ(diag.service_code, "Expired");
  EXPECT_NE(diag.service_message.find("too old resource version"), std::string::npos) << diag.service_message;
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log.copy()[0].type, kube::watch_event_type::error);

  // The blocking form throws it.
  try {
    client.watch(resources::configmaps, "default", options, nullptr);
    ADD_FAILURE() << "no error";
  } catch (const error& e) {
    EXPECT_EQ(e.diag().http_status, 410);
    EXPECT_TRUE(kube::is_expired(e.diag()));
  }
}

TEST_F(KubeClientWatch, ErrorAnswersCarryTheirStatus) {
  kube::client client(config);
  diagnostics diag;
  kube::watch_options options;
  options.label_selector = "a in (";
  watch_end done;
  client.async_watch(resources::configmaps, "default", options, nullptr, diag, done.handler());
  ASSERT_EQ(done.future.wait_for(deadline), std::future_status::ready);
  EXPECT_EQ(std::get<0>(done.future.get()), errc::service_error);
  EXPECT_EQ(diag.http_status, 400);
  EXPECT_EQ(diag.service_code, "BadRequest");

  kube::resource unknown{"example.com", "v1", "widgets", "Widget", true};
  watch_end missing;
  client.async_watch(unknown, "default", {}, nullptr, diag, missing.handler());
  ASSERT_EQ(missing.future.wait_for(deadline), std::future_status::ready);
  EXPECT_EQ(std::get<0>(missing.future.get()), errc::not_found);

  options = {};
  options.timeout_seconds = 0;
  watch_end refused;
  client.async_watch(resources::configmaps, "default", options, nullptr, diag, refused.handler());
  EXPECT_EQ(std::get<0>(refused.future.get()), errc::invalid_argument);
  ASSERT_EQ(diag.validation.size(), 1u);
  EXPECT_EQ(diag.validation[0].field, "timeout_seconds");
}

// ---- Clients made per call, each with its own I/O thread -----------------------------------------

TEST_F(KubeClientWatch, ClientsMadePerCallMayBeDroppedRightAfterABlockingCall) {
  for (int i = 0; i < 50; ++i) {
    kube::client client(config);
    EXPECT_EQ(client.version().at("gitVersion"), "v1.30.6");
  }
}

// As the model layer does: a coroutine on a session's thread awaits a client made for the call,
// and the caller drops the client as soon as the coroutine has its answer.
TEST_F(KubeClientWatch, ClientsMadePerCallMayBeDroppedWhileAnotherThreadUnwindsTheirCompletion) {
  asio::io_context session{1};
  auto guard = asio::make_work_guard(session);
  std::thread session_thread([&] { session.run(); });
  for (int i = 0; i < 50; ++i) {
    auto client = std::make_unique<kube::client>(config);
    std::promise<int> answered;
    auto got = answered.get_future();
    asio::co_spawn(
        session,
        [k = client.get(), &answered]() -> asio::awaitable<void> {
          diagnostics diag;
          auto op = k->async_list(resources::nodes, "", {}, diag, asio::as_tuple(asio::use_awaitable));
          auto [ec, list] = co_await std::move(op);
          answered.set_value(ec ? -1 : static_cast<int>(list.items.size()));
        },
        asio::detached);
    EXPECT_EQ(got.get(), 1);
    client.reset();
  }
  guard.reset();
  session_thread.join();
}

}  // namespace
