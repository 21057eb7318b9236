// The amlk8s side of bench/compare_http.sh: keeps --connections GETs in flight over keep-alive
// (one per connection, as wrk -c does) for --duration seconds and prints requests per second.
#include "bench_common.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

int main(int argc, char** argv) {
  std::string url;
  std::size_t connections = 16;
  double duration = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--url") url = argv[i + 1];
    else if (flag == "--connections") connections = static_cast<std::size_t>(std::atoi(argv[i + 1]));
    else if (flag == "--duration") duration = std::atof(argv[i + 1]);
    else url.clear(), i = argc;
  }
  if (url.empty() || connections == 0) {
    std::cerr << "usage: http_bench_client --url URL [--connections N] [--duration SECONDS]\n";
    return 2;
  }
  amlk8s::http::client_options options;
  options.max_connections_per_host = connections;
  amlk8s::http::client client(options);
  amlk8s::bench::in_flight_driver driver(client, url, connections);
  driver.run(connections * 4);  // warm up: open the connections

  std::atomic<bool> stop{false};
  std::thread timer([&] {
    std::this_thread::sleep_for(std::chrono::duration<double>(duration));
    stop = true;
  });
  auto start = std::chrono::steady_clock::now();
  auto errors = driver.run(UINT64_MAX / 2, &stop);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  timer.join();
  std::cout << "requests=" << driver.completed() << " errors=" << errors << " seconds=" << seconds
            << " rps=" << static_cast<std::uint64_t>(static_cast<double>(driver.completed()) / seconds) << std::endl;
  return errors == 0 ? 0 : 1;
}
