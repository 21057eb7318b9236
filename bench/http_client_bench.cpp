// Requests per second of http::client over keep-alive against the in-process loopback server, with
// 1 to 64 requests in flight (one connection per request in flight).
#include "bench_common.hpp"

#include <amlk8s/local/http_server.hpp>

#include <benchmark/benchmark.h>

namespace {

using namespace amlk8s;

void BM_HttpClientKeepAliveGet(benchmark::State& state) {
  auto body = bench::arm_extension_body();
  local::http_server server({}, local::synchronous([&body](const local::server_request&) {
    http::response res;
    res.status = 200;
    res.headers.set("Content-Type", "application/json");
    res.body = body;
    return res;
  }));
  auto in_flight = static_cast<std::size_t>(state.range(0));
  http::client_options options;
  options.max_connections_per_host = in_flight;
  http::client client(options);
  bench::in_flight_driver driver(client, server.url() + bench::arm_extension_path, in_flight);
  driver.run(in_flight * 4);  // opens the connections outside the timed loop
  constexpr std::uint64_t batch = 2000;
  std::uint64_t errors = 0;
  for (auto _ : state) errors += driver.run(batch);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.counters["errors"] = static_cast<double>(errors);
  state.counters["connections"] = static_cast<double>(server.stats().connections_accepted);
}
BENCHMARK(BM_HttpClientKeepAliveGet)->Arg(1)->Arg(8)->Arg(64)->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_HttpsClientKeepAliveGet(benchmark::State& state) {
  local::test_ca ca;
  local::server_options server_options;
  server_options.tls = ca.issue_server_certificate();
  auto body = bench::arm_extension_body();
  local::http_server server(server_options, local::synchronous([&body](const local::server_request&) {
    http::response res;
    res.status = 200;
    res.body = body;
    return res;
  }));
  auto in_flight = static_cast<std::size_t>(state.range(0));
  http::client_options options;
  options.max_connections_per_host = in_flight;
  options.ca_pem = ca.certificate_pem();
  http::client client(options);
  bench::in_flight_driver driver(client, server.url() + bench::arm_extension_path, in_flight);
  driver.run(in_flight * 4);
  constexpr std::uint64_t batch = 2000;
  std::uint64_t errors = 0;
  for (auto _ : state) errors += driver.run(batch);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch));
  state.counters["errors"] = static_cast<double>(errors);
}
BENCHMARK(BM_HttpsClientKeepAliveGet)->Arg(8)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
