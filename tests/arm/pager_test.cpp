#include <amlk8s/arm/pager.hpp>

#include "fake_sender.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <gtest/gtest.h>

#include <thread>

namespace {

namespace arm = amlk8s::arm;
namespace asio = boost::asio;
namespace http = amlk8s::http;
using amlk8s::errc;
using amlk8s::error_code;
using amlk8s::test::answer;
using amlk8s::test::fake_sender;
using amlk8s::test::json_answer;

const std::string list_path = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/"
                              "workspaces/w/computes";
const std::string first_url = "https://management.azure.com" + list_path + "?api-version=2025-04-01";
// nextLinks carry their own api-version (and odd casing); they must be used as they are.
const std::string page2 = "https://management.azure.com" + list_path + "?api-Version=2025-04-01&$skip=2";
const std::string page3 = "https://management.azure.com" + list_path + "?api-Version=2025-04-01&$skip=4";

struct Pager : ::testing::Test {
  asio::io_context ioc;
  fake_sender sender{ioc.get_executor()};
  arm::client client{sender};

  std::pair<error_code, arm::page> next(arm::pager& p) {
    std::pair<error_code, arm::page> out;
    bool called = false;
    p.async_next_page([&](error_code ec, arm::page pg) {
      called = true;
      out = {ec, std::move(pg)};
    });
    EXPECT_FALSE(called);
    ioc.run();
    ioc.restart();
    EXPECT_TRUE(called);
    return out;
  }

  void script_three_pages() {
    sender.push(json_answer(200, R"({"value":[{"name":"a"},{"name":"b"}],"nextLink":")" + page2 + "\"}"));
    sender.push(json_answer(200, R"({"value":[{"name":"c"},{"name":"d"}],"nextLink":")" + page3 + "\"}"));
    sender.push(json_answer(200, R"({"value":[{"name":"e"}],"nextLink":null,"extra":1})"));
  }
};

TEST_F(Pager, ReadsThreePagesLazilyFollowingNextLinkVerbatim) {
  script_three_pages();
  arm::pager p(client, list_path);
  EXPECT_TRUE(sender.sent().empty());  // nothing is read before it is asked for
  EXPECT_FALSE(p.done());

  auto [ec1, pg1] = next(p);
  ASSERT_FALSE(ec1) << p.diag().to_string();
  EXPECT_EQ(pg1.items.size(), 2u);
  EXPECT_EQ(pg1.next_link, page2);
  EXPECT_EQ(sender.sent().size(), 1u);
  EXPECT_FALSE(p.done());

  auto [ec2, pg2] = next(p);
  ASSERT_FALSE(ec2);
  EXPECT_EQ(pg2.items.at(1).at("name"), "d");

  auto [ec3, pg3] = next(p);
  ASSERT_FALSE(ec3);
  EXPECT_EQ(pg3.items.size(), 1u);
  EXPECT_TRUE(pg3.next_link.empty());
  EXPECT_EQ(pg3.raw.body.at("extra"), 1);
  EXPECT_FALSE(pg3.raw.body.as_object().contains("value"));
  EXPECT_TRUE(p.done());
  EXPECT_EQ(p.pages_read(), 3u);
  EXPECT_EQ(sender.urls(), (std::vector<std::string>{first_url, page2, page3}));

  // Past the end: an empty page, no request.
  auto [ec4, pg4] = next(p);
  EXPECT_FALSE(ec4);
  EXPECT_TRUE(pg4.items.empty());
  EXPECT_EQ(sender.sent().size(), 3u);
}

TEST_F(Pager, AllCollectsEveryItem) {
  script_three_pages();
  arm::pager p(client, list_path);
  boost::json::array items;
  error_code ec;
  p.async_all([&](error_code e, boost::json::array a) {
    ec = e;
    items = std::move(a);
  });
  ioc.run();
  ASSERT_FALSE(ec);
  ASSERT_EQ(items.size(), 5u);
  EXPECT_EQ(items[0].at("name"), "a");
  EXPECT_EQ(items[4].at("name"), "e");
}

TEST_F(Pager, StopsOnMissingOrEmptyNextLink) {
  sender.push(json_answer(200, R"({"value":[1,2]})"));
  arm::pager p(client, list_path);
  EXPECT_EQ(next(p).second.items.size(), 2u);
  EXPECT_TRUE(p.done());

  sender.push(json_answer(200, R"({"value":[],"nextLink":""})"));
  arm::pager q(client, list_path);
  next(q);
  EXPECT_TRUE(q.done());
}

TEST_F(Pager, NextLinkLoopIsAProtocolError) {
  sender.push(json_answer(200, R"({"value":[1],"nextLink":")" + page2 + "\"}"));
  sender.push(json_answer(200, R"({"value":[2],"nextLink":")" + page3 + "\"}"));
  sender.push(json_answer(200, R"({"value":[3],"nextLink":")" + page2 + "\"}"));
  arm::pager p(client, list_path);
  boost::json::array items;
  error_code ec;
  p.async_all([&](error_code e, boost::json::array a) {
    ec = e;
    items = std::move(a);
  });
  ioc.run();
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::protocol_error));
  EXPECT_EQ(items.size(), 3u);  // what was read is still handed over
  EXPECT_EQ(sender.sent().size(), 3u);
  EXPECT_TRUE(p.done());
  EXPECT_NE(p.diag().client_message.find("already read"), std::string::npos) << p.diag().client_message;
}

TEST_F(Pager, NextLinkPointingAtTheFirstPageIsALoopToo) {
  sender.push(json_answer(200, R"({"value":[1],"nextLink":")" + first_url + "\"}"));
  arm::pager p(client, list_path);
  EXPECT_EQ(next(p).first, amlk8s::make_error_code(errc::protocol_error));
}

TEST_F(Pager, MaxPagesGuard) {
  sender.push(json_answer(200, R"({"value":[1],"nextLink":")" + page2 + "\"}"));
  arm::pager p(client, list_path, arm::pager_options{.max_pages = 1});
  EXPECT_EQ(next(p).first, amlk8s::make_error_code(errc::protocol_error));
  EXPECT_TRUE(p.done());
}

TEST_F(Pager, MalformedAnswersAreProtocolErrors) {
  sender.push(json_answer(200, R"([1,2])"));
  arm::pager a(client, list_path);
  EXPECT_EQ(next(a).first, amlk8s::make_error_code(errc::protocol_error));
  sender.push(json_answer(200, R"({"value":{"x":1}})"));
  arm::pager b(client, list_path);
  EXPECT_EQ(next(b).first, amlk8s::make_error_code(errc::protocol_error));
  sender.push(json_answer(200, R"({"value":[],"nextLink":42})"));
  arm::pager c(client, list_path);
  EXPECT_EQ(next(c).first, amlk8s::make_error_code(errc::protocol_error));
}

TEST_F(Pager, HttpErrorCanBeRetried) {
  sender.push(json_answer(429, R"({"error":{"code":"TooManyRequests","message":"slow down"}})", {{"Retry-After", "1"}}));
  sender.push(json_answer(200, R"({"value":[7]})"));
  arm::pager p(client, list_path);
  auto [ec, pg] = next(p);
  EXPECT_EQ(ec, amlk8s::make_error_code(errc::throttled));
  EXPECT_EQ(p.diag().service_code, "TooManyRequests");
  EXPECT_EQ(pg.raw.throttle.retry_after, std::chrono::seconds(1));
  EXPECT_FALSE(p.done());
  auto [ec2, pg2] = next(p);
  EXPECT_FALSE(ec2);
  EXPECT_EQ(pg2.items.at(0), 7);
  EXPECT_EQ(sender.urls(), (std::vector<std::string>{first_url, first_url}));
}

TEST_F(Pager, NextLinkToAnotherHostIsRefused) {
  sender.push(json_answer(200, R"({"value":[1],"nextLink":"https://elsewhere.example/list?page=2"})"));
  arm::pager p(client, list_path);
  EXPECT_FALSE(next(p).first);
  EXPECT_EQ(next(p).first, amlk8s::make_error_code(errc::protocol_error));
  EXPECT_EQ(sender.sent().size(), 1u);
}

TEST_F(Pager, AwaitablePageByPage) {
  script_three_pages();
  std::vector<std::string> names;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        arm::pager p(client, list_path);
        while (!p.done()) {
          arm::page pg = co_await p.async_next_page(asio::use_awaitable);
          for (const auto& item : pg.items) names.emplace_back(item.at("name").as_string());
        }
      },
      asio::detached);
  ioc.run();
  EXPECT_EQ(names, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST_F(Pager, BlockingAll) {
  script_three_pages();
  auto guard = asio::make_work_guard(ioc);
  std::thread io([this] { ioc.run(); });
  arm::pager p(client, list_path);
  EXPECT_EQ(p.all().size(), 5u);
  guard.reset();
  io.join();
}

}  // namespace
