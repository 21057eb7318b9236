// Watch as an event log with resourceVersions, read through pull-based streams
// (contracts/kubernetes.md §2.7).
#include "kube_test_support.hpp"

#include <atomic>
#include <thread>

namespace {

using namespace kube_test;

struct event {
  std::string type;
  boost::json::object object;
};

std::vector<event> events(kube::watch_stream& w) {
  std::vector<event> out;
  for (const auto& line : w.poll()) {
    EXPECT_EQ(line.back(), '\n');
    auto v = boost::json::parse(line).as_object();
    out.push_back({std::string(v.at("type").as_string()), v.at("object").as_object()});
  }
  return out;
}

std::string name_of(const event& e) { return std::string(e.object.at("metadata").at("name").as_string()); }

TEST(KubeWatch, FromAResourceVersionSeesOnlyLaterChanges) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("a")).status, 201);
  auto list = body_of(s.get(it_path));
  auto rv = std::string(list.at("metadata").at("resourceVersion").as_string());

  auto reply = s.api.serve(make(verb::get, it_path + "?resourceVersion=" + rv + "&watch=true"));
  ASSERT_EQ(reply.response.status, 200);
  EXPECT_EQ(reply.response.headers.get("Content-Type"), "application/json");
  EXPECT_TRUE(reply.response.body.empty());
  ASSERT_TRUE(reply.stream);
  EXPECT_TRUE(events(*reply.stream).empty());

  std::atomic<int> notified{0};
  reply.stream->on_ready([&] { ++notified; });
  ASSERT_EQ(s.patch(it_path + "/a", R"({"metadata":{"labels":{"x":"y"}}})", "application/merge-patch+json").status, 200);
  EXPECT_EQ(notified.load(), 1);
  auto seen = events(*reply.stream);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].type, "MODIFIED");
  EXPECT_EQ(seen[0].object.at("kind"), "InstanceType");
  EXPECT_EQ(seen[0].object.at("metadata").at("labels").at("x"), "y");

  ASSERT_EQ(s.del(it_path + "/a").status, 200);
  seen = events(*reply.stream);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].type, "DELETED");
  EXPECT_EQ(std::string(seen[0].object.at("metadata").at("resourceVersion").as_string()), std::to_string(s.api.resource_version()));
}

TEST(KubeWatch, WithoutResourceVersionStartsWithAddedEvents) {
  server s;
  for (auto n : {"a", "b"}) ASSERT_EQ(s.post(it_path, instance_type(n)).status, 201);
  auto w = s.api.watch(watch_of(kube::resources::instancetypes));
  auto seen = events(*w);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].type, "ADDED");
  EXPECT_EQ(name_of(seen[0]), "a");
  EXPECT_EQ(name_of(seen[1]), "b");
  ASSERT_EQ(s.post(it_path, instance_type("c")).status, 201);
  seen = events(*w);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].type, "ADDED");
  EXPECT_EQ(name_of(seen[0]), "c");
}

TEST(KubeWatch, SelectorsTurnLabelChangesIntoAddedAndDeleted) {
  server s;
  auto q = watch_of(kube::resources::configmaps);
  q.ns = "default";
  q.label_selector = "app=x";
  auto w = s.api.watch(q);
  const std::string cm = "/api/v1/namespaces/default/configmaps";
  ASSERT_EQ(s.post(cm, R"({"metadata":{"name":"c"}})").status, 201);
  ASSERT_EQ(s.post("/api/v1/namespaces/kube-system/configmaps", R"({"metadata":{"name":"c","labels":{"app":"x"}}})").status, 201);
  EXPECT_TRUE(events(*w).empty());
  ASSERT_EQ(s.patch(cm + "/c", R"({"metadata":{"labels":{"app":"x"}}})", "application/merge-patch+json").status, 200);
  ASSERT_EQ(s.patch(cm + "/c", R"({"data":{"k":"v"}})", "application/merge-patch+json").status, 200);
  ASSERT_EQ(s.patch(cm + "/c", R"({"metadata":{"labels":{"app":"y"}}})", "application/merge-patch+json").status, 200);
  auto seen = events(*w);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].type, "ADDED");
  EXPECT_EQ(seen[1].type, "MODIFIED");
  EXPECT_EQ(seen[2].type, "DELETED");
}

TEST(KubeWatch, PollHonoursItsLimit) {
  server s;
  auto w = s.api.watch(watch_of(kube::resources::instancetypes, std::to_string(s.api.resource_version())));
  for (auto n : {"a", "b", "c"}) ASSERT_EQ(s.post(it_path, instance_type(n)).status, 201);
  EXPECT_EQ(w->poll(2).size(), 2u);
  EXPECT_EQ(w->poll(2).size(), 1u);
  EXPECT_TRUE(w->poll(2).empty());
}

TEST(KubeWatch, TooOldResourceVersionIsAnExpiredError) {
  kube::api_server_options o;
  o.event_log_capacity = 2;
  server s(true, o);
  auto start = s.api.resource_version();
  for (auto n : {"a", "b", "c", "d"}) ASSERT_EQ(s.post(it_path, instance_type(n)).status, 201);
  auto w = s.api.watch(watch_of(kube::resources::instancetypes, std::to_string(start)));
  auto lines = w->poll();
  ASSERT_EQ(lines.size(), 1u);
  auto e = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(e.at("type"), "ERROR");
  EXPECT_EQ(e.at("object").at("kind"), "Status");
  EXPECT_EQ(e.at("object").at("code"), 410);
  EXPECT_EQ(e.at("object").at("reason"), "Expired");
  EXPECT_TRUE(w->finished());
}

TEST(KubeWatch, SlowReaderFallsBehindTheLogAndGetsExpired) {
  kube::api_server_options o;
  o.event_log_capacity = 2;
  server s(true, o);
  auto w = s.api.watch(watch_of(kube::resources::instancetypes, std::to_string(s.api.resource_version())));
  for (auto n : {"a", "b", "c"}) ASSERT_EQ(s.post(it_path, instance_type(n)).status, 201);
  auto lines = w->poll();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(boost::json::parse(lines[0]).at("type"), "ERROR");
  EXPECT_TRUE(w->finished());
}

TEST(KubeWatch, BookmarksWhenAllowed) {
  server s;
  auto quiet = s.api.watch(watch_of(kube::resources::instancetypes, "1"));
  ASSERT_EQ(s.post(it_path, instance_type("a")).status, 201);
  EXPECT_FALSE(quiet->bookmark());
  auto q = watch_of(kube::resources::configmaps, std::to_string(s.api.resource_version()));
  q.allow_bookmarks = true;
  auto w = s.api.watch(q);
  ASSERT_EQ(s.post(it_path, instance_type("b")).status, 201);  // another kind: nothing to send
  auto mark = w->bookmark();
  ASSERT_TRUE(mark);
  auto e = boost::json::parse(*mark).as_object();
  EXPECT_EQ(e.at("type"), "BOOKMARK");
  EXPECT_EQ(e.at("object").at("kind"), "ConfigMap");
  EXPECT_EQ(std::string(e.at("object").at("metadata").at("resourceVersion").as_string()), std::to_string(s.api.resource_version()));
  ASSERT_EQ(s.post("/api/v1/namespaces/default/configmaps", R"({"metadata":{"name":"c"}})").status, 201);
  EXPECT_FALSE(w->bookmark());  // an event is pending: poll first
  EXPECT_EQ(w->poll().size(), 1u);
}

TEST(KubeWatch, SendInitialEventsEndsWithAnnotatedBookmark) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("a")).status, 201);
  auto reply = s.api.serve(make(verb::get, it_path +
                                               "?watch=1&sendInitialEvents=true&allowWatchBookmarks=true&resourceVersionMatch=NotOlderThan"));
  ASSERT_TRUE(reply.stream);
  auto seen = events(*reply.stream);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].type, "ADDED");
  EXPECT_EQ(seen[1].type, "BOOKMARK");
  EXPECT_EQ(seen[1].object.at("metadata").at("annotations").at("k8s.io/initial-events-end"), "true");
}

TEST(KubeWatch, TableWatchEventsCarryOneRowTables) {
  server s;
  auto rv = std::to_string(s.api.resource_version());
  auto reply = s.api.serve(make(verb::get, it_path + "?resourceVersion=" + rv + "&watch=true", {}, {}, table_accept));
  ASSERT_TRUE(reply.stream);
  EXPECT_EQ(reply.response.headers.get("Content-Type"), "application/json;as=Table;v=v1;g=meta.k8s.io");
  ASSERT_EQ(s.post(it_path, instance_type("a")).status, 201);
  auto seen = events(*reply.stream);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].type, "ADDED");
  EXPECT_EQ(seen[0].object.at("kind"), "Table");
  EXPECT_EQ(seen[0].object.at("rows").at(0).at("cells").at(0), "a");
}

TEST(KubeWatch, WatchOfOneObjectByName) {
  server s;
  for (auto n : {"a", "b"}) ASSERT_EQ(s.post(it_path, instance_type(n)).status, 201);
  auto reply = s.api.serve(make(verb::get, it_path + "?watch=true&fieldSelector=metadata.name%3Db"));
  ASSERT_TRUE(reply.stream);
  auto seen = events(*reply.stream);
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(name_of(seen[0]), "b");
}

TEST(KubeWatch, HandleAnswersWhatIsPendingAndEnds) {
  server s;
  ASSERT_EQ(s.post(it_path, instance_type("a")).status, 201);
  auto r = s.get(it_path + "?watch=true");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(std::count(r.body.begin(), r.body.end(), '\n'), 1);
}

TEST(KubeWatch, BadWatchesAreRefused) {
  server s;
  EXPECT_EQ(s.get(it_path + "?watch=true&resourceVersion=abc").status, 400);
  EXPECT_EQ(s.get(it_path + "?watch=true&labelSelector=a%20in").status, 400);
  EXPECT_THROW(s.api.watch(watch_of({"example.com", "v1", "things"})), amlk8s::error);
}

TEST(KubeWatch, ConcurrentWritersLoseNoEvent) {
  server s;
  auto w = s.api.watch(watch_of(kube::resources::configmaps, std::to_string(s.api.resource_version())));
  std::atomic<int> notified{0};
  std::atomic<std::size_t> seen{0};
  w->on_ready([&] {
    ++notified;
    seen += w->poll().size();
  });
  auto writer = [&](std::string ns) {
    for (int i = 0; i < 100; ++i)
      s.api.create(kube::resources::configmaps,
                   boost::json::parse(R"({"metadata":{"name":"c)" + std::to_string(i) + R"(","namespace":")" + ns + R"("}})").as_object());
  };
  std::thread a(writer, "default"), b(writer, "azureml");
  std::thread reader([&] {
    for (int i = 0; i < 50; ++i) s.get("/api/v1/configmaps?limit=10");
  });
  a.join();
  b.join();
  reader.join();
  seen += w->poll().size();
  EXPECT_EQ(seen.load(), 200u);
  EXPECT_EQ(notified.load(), 200);
}

TEST(KubeWatch, StreamOutlivesNothingItNeeds) {
  std::unique_ptr<kube::watch_stream> w;
  {
    server s;
    w = s.api.watch(watch_of(kube::resources::namespaces));
  }
  EXPECT_EQ(w->poll().size(), 5u);  // the initial namespaces; the state stays alive with the stream
}

}  // namespace
