// A tiny forward proxy on loopback for the client's proxy tests: it accepts CONNECT (opening a
// tunnel) and absolute-form requests (forwarding the bytes), always to one upstream port on
// 127.0.0.1 whatever host the client named, so that tests can use names no DNS knows.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace amlk8s::testing {

class test_proxy {
 public:
  /// Forwards to 127.0.0.1:upstream_port; with `refuse`, answers 407 to everything instead.
  explicit test_proxy(std::uint16_t upstream_port, bool refuse = false);
  ~test_proxy();

  /// "http://127.0.0.1:PORT".
  std::string url() const;
  /// The first request line of each connection, e.g. "CONNECT fake.test:443 HTTP/1.1".
  std::vector<std::string> request_lines() const;
  /// The Proxy-Authorization header of each connection's first request ("" when absent).
  std::vector<std::string> authorizations() const;

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace amlk8s::testing
