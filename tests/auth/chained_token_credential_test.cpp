#include <amlk8s/auth/chained_token_credential.hpp>

#include "auth_test_support.hpp"

#include <boost/asio/post.hpp>

namespace {

using namespace amlk8s;
namespace asio = boost::asio;
using namespace std::chrono_literals;

// Answers with a fixed outcome and counts its calls.
class scripted_credential final : public auth::token_credential {
 public:
  scripted_credential(asio::io_context& ioc, std::string name, errc outcome, std::string message = {})
      : ioc_(ioc), name_(std::move(name)), outcome_(outcome), message_(std::move(message)) {}
  std::string_view name() const noexcept override { return name_; }
  asio::any_io_executor get_executor() override { return ioc_.get_executor(); }
  void async_get_token_erased(std::vector<std::string>, diagnostics& diag, handler_type h) override {
    ++calls;
    diag.clear();
    diag.client_message = message_;
    auth::access_token t;
    if (outcome_ == errc::ok) t = {auth::secret_string(name_ + "-token"), std::chrono::system_clock::now() + 1h, std::nullopt};
    asio::post(ioc_, [h = std::move(h), ec = outcome_ == errc::ok ? error_code{} : make_error_code(outcome_),
                      t = std::move(t)]() mutable { std::move(h)(ec, std::move(t)); });
  }
  int calls = 0;

 private:
  asio::io_context& ioc_;
  std::string name_;
  errc outcome_;
  std::string message_;
};

TEST(ChainedTokenCredential, SkipsUnavailableAndRemembersTheWinner) {
  asio::io_context ioc;
  auto a = std::make_shared<scripted_credential>(ioc, "A", errc::invalid_argument, "A is not configured");
  auto b = std::make_shared<scripted_credential>(ioc, "B", errc::precondition_failed, "B is not here");
  auto c = std::make_shared<scripted_credential>(ioc, "C", errc::ok);
  auth::chained_token_credential chain({a, b, c});
  auto r = auth_test::get_token(chain, ioc);
  ASSERT_FALSE(r.ec);
  EXPECT_EQ(r.token.token.reveal(), "C-token");
  auth_test::get_token(chain, ioc);
  EXPECT_EQ(a->calls, 1);
  EXPECT_EQ(b->calls, 1);
  EXPECT_EQ(c->calls, 2);
}

TEST(ChainedTokenCredential, StopsAtARealFailure) {
  asio::io_context ioc;
  auto a = std::make_shared<scripted_credential>(ioc, "A", errc::precondition_failed, "A is not here");
  auto b = std::make_shared<scripted_credential>(ioc, "B", errc::authentication_failed, "B was refused");
  auto c = std::make_shared<scripted_credential>(ioc, "C", errc::ok);
  auth::chained_token_credential chain({a, b, c}, "MyChain");
  auto r = auth_test::get_token(chain, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::authentication_failed));
  EXPECT_EQ(c->calls, 0);
  EXPECT_EQ(r.diag.client_message, "MyChain stopped at B: B was refused\nskipped before it:\n- A is not here\n");
}

TEST(ChainedTokenCredential, AllUnavailableListsEveryReason) {
  asio::io_context ioc;
  auth::chained_token_credential chain(
      {std::make_shared<scripted_credential>(ioc, "A", errc::invalid_argument, "no settings"),
       std::make_shared<scripted_credential>(ioc, "B", errc::precondition_failed, "no endpoint")});
  auto r = auth_test::get_token(chain, ioc);
  EXPECT_EQ(r.ec, make_error_code(errc::authentication_failed));
  EXPECT_EQ(r.diag.client_message,
            "ChainedTokenCredential could not get a token from any credential:\n- A: no settings\n- B: no endpoint");
}

TEST(ChainedTokenCredential, NeedsCredentials) {
  EXPECT_THROW(auth::chained_token_credential({}), amlk8s::error);
  EXPECT_THROW(auth::chained_token_credential({nullptr}), amlk8s::error);
}

}  // namespace
