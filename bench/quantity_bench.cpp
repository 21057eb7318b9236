// Parsing and printing of quantities as they appear in pod specs, node status and instance types.
#include <amlk8s/core/quantity.hpp>

#include <benchmark/benchmark.h>
#include <boost/json.hpp>

#include <array>
#include <string_view>
#include <vector>

namespace {

// What real manifests and node status carry: CPU in millis or cores, memory in Mi/Gi or bytes,
// GPU counts, and the odd exponent form from YAML numbers.
constexpr std::array<std::string_view, 12> typical_inputs{
    "500m", "1.5Gi", "4", "100Mi", "1e3", "250m", "16Gi", "2", "32986444Ki", "1", "0.5", "7820Mi"};

std::vector<amlk8s::quantity> parsed_inputs() {
  std::vector<amlk8s::quantity> out;
  for (auto text : typical_inputs) out.push_back(amlk8s::quantity::parse(text));
  return out;
}

void parse_mix(benchmark::State& state) {
  for (auto _ : state) {
    for (auto text : typical_inputs) benchmark::DoNotOptimize(amlk8s::quantity::parse(text));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(typical_inputs.size()));
}
BENCHMARK(parse_mix);

void parse_one(benchmark::State& state) {
  const auto text = typical_inputs[static_cast<std::size_t>(state.range(0))];
  state.SetLabel(std::string(text));
  for (auto _ : state) benchmark::DoNotOptimize(amlk8s::quantity::parse(text));
}
BENCHMARK(parse_one)->DenseRange(0, static_cast<int>(typical_inputs.size()) - 1);

void to_string_mix(benchmark::State& state) {
  const auto quantities = parsed_inputs();
  for (auto _ : state) {
    for (const auto& q : quantities) benchmark::DoNotOptimize(q.to_string());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(quantities.size()));
}
BENCHMARK(to_string_mix);

// to_string without the echoed input: the cost of computing the canonical form every time.
void canonical_string_mix(benchmark::State& state) {
  const auto quantities = parsed_inputs();
  for (auto _ : state) {
    for (const auto& q : quantities) benchmark::DoNotOptimize(q.canonical_string());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(quantities.size()));
}
BENCHMARK(canonical_string_mix);

void compare_mix(benchmark::State& state) {
  const auto quantities = parsed_inputs();
  for (auto _ : state) {
    for (const auto& a : quantities) {
      for (const auto& b : quantities) benchmark::DoNotOptimize(a < b);
    }
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(quantities.size() * quantities.size()));
}
BENCHMARK(compare_mix);

void json_read_mix(benchmark::State& state) {
  std::vector<boost::json::value> values;
  for (auto text : typical_inputs) values.emplace_back(text);
  for (auto _ : state) {
    for (const auto& v : values) benchmark::DoNotOptimize(boost::json::value_to<amlk8s::quantity>(v));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(values.size()));
}
BENCHMARK(json_read_mix);

}  // namespace
