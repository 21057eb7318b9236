// A standalone loopback server for bench/compare_http.sh: answers every request with the same
// ARM-shaped JSON body, prints its URL on one line, and serves until SIGINT or SIGTERM.
#include "bench_common.hpp"

#include <amlk8s/local/http_server.hpp>

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  amlk8s::local::server_options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--port") options.port = static_cast<std::uint16_t>(std::atoi(argv[i + 1]));
    else if (flag == "--threads") options.threads = static_cast<std::size_t>(std::atoi(argv[i + 1]));
    else {
      std::cerr << "usage: http_bench_server [--port N] [--threads N]\n";
      return 2;
    }
  }
  // Block the signals before any thread starts, so that only sigwait below receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto body = amlk8s::bench::arm_extension_body();
  amlk8s::local::http_server server(options, amlk8s::local::synchronous([&body](const amlk8s::local::server_request&) {
    amlk8s::http::response res;
    res.status = 200;
    res.headers.set("Content-Type", "application/json");
    res.body = body;
    return res;
  }));
  std::cout << server.url() << std::endl;
  int received = 0;
  sigwait(&signals, &received);
  server.stop();
  std::cerr << "served " << server.stats().requests << " requests on " << server.stats().connections_accepted
            << " connections\n";
  return 0;
}
