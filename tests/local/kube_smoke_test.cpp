#include <amlk8s/local/kube/api_server.hpp>

#include <gtest/gtest.h>

TEST(KubeApiServer, Starts) {
  amlk8s::local::kube::api_server api;
  EXPECT_GT(api.resource_version(), 0u);
}
