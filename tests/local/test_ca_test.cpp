#include <amlk8s/core/error.hpp>
#include <amlk8s/local/test_ca.hpp>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(TestCa, MakesAPemCaCertificateAndWritesItToAFile) {
  amlk8s::local::test_ca ca;
  const auto& pem = ca.certificate_pem();
  EXPECT_EQ(count(pem, "-----BEGIN CERTIFICATE-----"), 1u);
  auto path = std::filesystem::temp_directory_path() / ("amlk8s-test-ca-" + std::to_string(::getpid()) + ".pem");
  ca.write_certificate(path);
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), pem);
  std::filesystem::remove(path);
}

TEST(TestCa, IssuesAServerChainAndKey) {
  amlk8s::local::test_ca ca;
  auto issued = ca.issue_server_certificate({"localhost", "127.0.0.1", "::1", "fake.test"});
  EXPECT_EQ(count(issued.certificate_chain_pem, "-----BEGIN CERTIFICATE-----"), 2u);
  EXPECT_TRUE(issued.certificate_chain_pem.ends_with(ca.certificate_pem()));
  EXPECT_EQ(count(issued.private_key_pem, "-----BEGIN PRIVATE KEY-----"), 1u);
}

TEST(TestCa, EachCaIsNew) {
  amlk8s::local::test_ca a;
  amlk8s::local::test_ca b;
  EXPECT_NE(a.certificate_pem(), b.certificate_pem());
}

TEST(TestCa, RefusesACertificateWithoutNames) {
  amlk8s::local::test_ca ca;
  EXPECT_THROW(ca.issue_server_certificate({}), amlk8s::error);
}

}  // namespace
