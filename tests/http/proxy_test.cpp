#include <amlk8s/http/proxy.hpp>

#include <gtest/gtest.h>

#include <cstdlib>

namespace {

using amlk8s::http::is_loopback_host;
using amlk8s::http::matches_no_proxy;
using amlk8s::http::proxy_settings;

TEST(Proxy, LoopbackHostsAreRecognisedWithoutDns) {
  for (const char* host : {"localhost", "LOCALHOST", "localhost.", "api.localhost", "127.0.0.1", "127.1.2.3", "::1",
                           "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"})
    EXPECT_TRUE(is_loopback_host(host)) << host;
  for (const char* host : {"example.com", "localhost.example.com", "mylocalhost", "10.0.0.1", "128.0.0.1", "::2",
                           "[::]", ""})
    EXPECT_FALSE(is_loopback_host(host)) << host;
}

TEST(Proxy, NoProxyMatchesHostsAndTheirSubdomains) {
  EXPECT_TRUE(matches_no_proxy("example.com", "example.com"));
  EXPECT_TRUE(matches_no_proxy("api.example.com", "example.com"));
  EXPECT_TRUE(matches_no_proxy("api.example.com", ".example.com"));
  EXPECT_TRUE(matches_no_proxy("api.example.com", "*.example.com"));
  EXPECT_TRUE(matches_no_proxy("API.Example.COM", "example.com"));
  EXPECT_FALSE(matches_no_proxy("notexample.com", "example.com"));
  EXPECT_FALSE(matches_no_proxy("example.com.evil.net", "example.com"));
  EXPECT_TRUE(matches_no_proxy("b.test", " a.test , b.test:443 "));
  EXPECT_TRUE(matches_no_proxy("anything.at.all", "*"));
  EXPECT_FALSE(matches_no_proxy("example.com", ""));
  EXPECT_FALSE(matches_no_proxy("example.com", ","));
}

TEST(Proxy, NoProxyMatchesAddressesAndRanges) {
  EXPECT_TRUE(matches_no_proxy("10.1.2.3", "10.1.2.3"));
  EXPECT_FALSE(matches_no_proxy("10.1.2.4", "10.1.2.3"));
  EXPECT_TRUE(matches_no_proxy("10.200.0.1", "10.0.0.0/8"));
  EXPECT_FALSE(matches_no_proxy("11.0.0.1", "10.0.0.0/8"));
  EXPECT_TRUE(matches_no_proxy("172.16.5.4", "172.16.0.0/12"));
  EXPECT_FALSE(matches_no_proxy("172.32.0.1", "172.16.0.0/12"));
  EXPECT_TRUE(matches_no_proxy("[fd00::1]", "fd00::/8"));
  EXPECT_TRUE(matches_no_proxy("fd00::1", "[fd00::1]:443"));
  EXPECT_FALSE(matches_no_proxy("example.com", "10.0.0.0/8"));
}

TEST(Proxy, SelectsByScheme) {
  proxy_settings s;
  s.http_proxy = "http://plain:3128";
  s.https_proxy = "http://tunnel:3128";
  s.no_proxy = ".internal";
  EXPECT_EQ(s.select("https", "management.azure.com"), "http://tunnel:3128");
  EXPECT_EQ(s.select("http", "management.azure.com"), "http://plain:3128");
  EXPECT_EQ(s.select("https", "svc.internal"), "");
  EXPECT_EQ(s.select("https", "localhost"), "");
  EXPECT_EQ(s.select("https", "127.0.0.1"), "");
  EXPECT_EQ(proxy_settings{}.select("https", "management.azure.com"), "");
}

TEST(Proxy, ReadsTheEnvironmentUpperCaseFirst) {
  ::setenv("HTTPS_PROXY", "http://upper:1", 1);
  ::setenv("https_proxy", "http://lower:1", 1);
  ::unsetenv("HTTP_PROXY");
  ::setenv("http_proxy", "http://lower:2", 1);
  ::setenv("NO_PROXY", "a.test", 1);
  auto s = proxy_settings::from_environment();
  ::unsetenv("HTTPS_PROXY");
  ::unsetenv("https_proxy");
  ::unsetenv("http_proxy");
  ::unsetenv("NO_PROXY");
  EXPECT_EQ(s.https_proxy, "http://upper:1");
  EXPECT_EQ(s.http_proxy, "http://lower:2");
  EXPECT_EQ(s.no_proxy, "a.test");
}

}  // namespace
