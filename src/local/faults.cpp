#include <amlk8s/local/faults.hpp>

namespace amlk8s::local {
namespace {

// SplitMix64: a well-mixed 64-bit value from a counter, so each draw depends only on (seed, rule, n).
std::uint64_t mix(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

double uniform(std::uint64_t seed, std::size_t rule, std::uint64_t n) {
  auto bits = mix(seed ^ mix(rule * 0x100000001b3ULL ^ mix(n)));
  return static_cast<double>(bits >> 11) * (1.0 / 9007199254740992.0);  // 53 bits in [0, 1)
}

}  // namespace

fault_injector::fault_injector(fault_plan plan) { reset(std::move(plan)); }

void fault_injector::reset(fault_plan plan) {
  std::lock_guard lock(mutex_);
  plan_ = std::move(plan);
  seen_.assign(plan_.rules.size(), 0);
  hits_.assign(plan_.rules.size(), 0);
}

fault_decision fault_injector::decide(std::string_view path) {
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < plan_.rules.size(); ++i) {
    const auto& rule = plan_.rules[i];
    if (!path.starts_with(rule.path_prefix)) continue;
    if (rule.max_hits != 0 && hits_[i] >= rule.max_hits) continue;
    double u = uniform(plan_.seed, i, seen_[i]++);
    fault_decision d;
    d.latency = rule.latency;
    d.retry_after = rule.retry_after;
    double edge = 0;
    auto pick = [&](double fraction, fault_kind kind) {
      edge += fraction;
      if (d.kind == fault_kind::none && u < edge) d.kind = kind;
    };
    pick(rule.drop_fraction, fault_kind::drop);
    pick(rule.truncate_fraction, fault_kind::truncate);
    pick(rule.throttle_fraction, fault_kind::throttle);
    pick(rule.unavailable_fraction, fault_kind::unavailable);
    pick(rule.server_error_fraction, fault_kind::server_error);
    if (d.kind != fault_kind::none || d.latency.count() > 0) ++hits_[i];
    return d;
  }
  return {};
}

}  // namespace amlk8s::local
