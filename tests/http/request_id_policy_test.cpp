// The request id policy: one GUID per operation, kept across tries.
#include <amlk8s/http/request_id_policy.hpp>

#include "fakes.hpp"

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <set>

namespace {

using namespace amlk8s_test;

// Checks `text` against a shape where 'h' is a lower-case hex digit and any other character must
// match itself (no std::regex: it trips GCC 12's sanitizer build with false warnings).
bool has_shape(std::string_view text, std::string_view shape) {
  if (text.size() != shape.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool hex = (text[i] >= '0' && text[i] <= '9') || (text[i] >= 'a' && text[i] <= 'f');
    if (shape[i] == 'h' ? !hex : text[i] != shape[i]) return false;
  }
  return true;
}

TEST(RequestId, IsARandomVersion4Guid) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto id = http::new_client_request_id();
    EXPECT_TRUE(has_shape(id, "hhhhhhhh-hhhh-4hhh-hhhh-hhhhhhhhhhhh")) << id;
    EXPECT_NE(std::string_view("89ab").find(id.at(19)), std::string_view::npos) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(RequestId, SetsTheIdAndAsksForItBack) {
  asio::io_context ctx;
  fake_sender transport(ctx.get_executor());
  http::request_id_policy policy(transport);
  amlk8s::diagnostics diag;
  result r;
  http::async_send(policy, get(), diag, capture(r));
  ctx.run();
  const auto& sent = transport.requests.at(0);
  EXPECT_EQ(sent.headers.get("x-ms-client-request-id"), diag.client_request_id);
  EXPECT_EQ(sent.headers.get("x-ms-return-client-request-id"), "true");
  EXPECT_EQ(r.resp.status, 200);
}

}  // namespace
