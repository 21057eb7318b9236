#include <amlk8s/local/faults.hpp>

#include <amlk8s/core/error.hpp>
#include <amlk8s/core/json.hpp>

#include "local/world/yaml_json.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <initializer_list>
#include <optional>

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

// --- The plan document (parse_fault_plan): YAML gives every scalar as a string, JSON typed values.

using boost::json::object;
using boost::json::value;

[[noreturn]] void fail(const std::string& field, std::string problem, std::string fix) {
  throw validation_error({{field, std::move(problem), std::move(fix)}});
}

std::string show(const value& v) { return v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v); }

void check_members(const object& o, const std::string& path, std::initializer_list<std::string_view> known) {
  for (const auto& [key, v] : o) {
    bool ok = false;
    std::string list;
    for (const auto k : known) {
      ok = ok || k == key;
      list += (list.empty() ? "" : ", ") + std::string(k);
    }
    if (!ok) fail(path.empty() ? std::string(key) : path + "." + std::string(key), "is not a known member", "use one of: " + list);
  }
}

std::string field_name(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::optional<std::uint64_t> whole_at(const object& o, std::string_view key, const std::string& path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  if (v->is_uint64()) return v->as_uint64();
  if (v->is_int64() && v->as_int64() >= 0) return static_cast<std::uint64_t>(v->as_int64());
  if (v->is_string()) {
    const std::string s(v->as_string());
    char* end = nullptr;
    errno = 0;
    const auto n = std::strtoull(s.c_str(), &end, 10);
    if (!s.empty() && s[0] != '-' && end == s.c_str() + s.size() && errno == 0) return n;
  }
  fail(field_name(path, key), "expected a non-negative whole number, got '" + show(*v) + "'",
       "write a whole number such as 3");
}

std::optional<double> fraction_at(const object& o, std::string_view key, const std::string& path) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return std::nullopt;
  std::optional<double> d;
  if (v->is_number()) {
    d = v->to_number<double>();
  } else if (v->is_string()) {
    const std::string s(v->as_string());
    char* end = nullptr;
    const double n = std::strtod(s.c_str(), &end);
    if (!s.empty() && end == s.c_str() + s.size()) d = n;
  }
  if (!d || !std::isfinite(*d) || *d < 0 || *d > 1)
    fail(field_name(path, key), "expected a fraction between 0 and 1, got '" + show(*v) + "'",
         "write a number such as 0.2 (20% of the requests); 1 with max_hits N fails the next N requests");
  return d;
}

fault_rule read_rule(const value& v, const std::string& path) {
  if (!v.is_object()) fail(path, "expected a mapping, got " + std::string(json::kind_name(v)), "write a mapping of rule members");
  const auto& o = v.as_object();
  check_members(o, path,
                {"path_prefix", "latency_ms", "throttle_fraction", "unavailable_fraction", "server_error_fraction",
                 "drop_fraction", "truncate_fraction", "retry_after_s", "max_hits"});
  fault_rule r;
  if (const auto* p = o.if_contains("path_prefix"); p != nullptr && !p->is_null()) {
    if (!p->is_string()) fail(path + ".path_prefix", "expected a string, got " + std::string(json::kind_name(*p)), "write a path such as /subscriptions/");
    r.path_prefix = std::string(p->as_string());
    if (!r.path_prefix.empty() && r.path_prefix[0] != '/')
      fail(path + ".path_prefix", "'" + r.path_prefix + "' does not start with '/'", "write a path such as /subscriptions/");
  }
  if (auto n = whole_at(o, "latency_ms", path)) r.latency = std::chrono::milliseconds(static_cast<std::int64_t>(*n));
  if (auto n = whole_at(o, "retry_after_s", path)) r.retry_after = std::chrono::seconds(static_cast<std::int64_t>(*n));
  if (auto n = whole_at(o, "max_hits", path)) r.max_hits = *n;
  double total = 0;
  auto fraction = [&](std::string_view key, double& into) {
    if (auto f = fraction_at(o, key, path)) into = *f;
    total += into;
  };
  fraction("throttle_fraction", r.throttle_fraction);
  fraction("unavailable_fraction", r.unavailable_fraction);
  fraction("server_error_fraction", r.server_error_fraction);
  fraction("drop_fraction", r.drop_fraction);
  fraction("truncate_fraction", r.truncate_fraction);
  if (total > 1 + 1e-9)
    fail(path, "the fractions add up to " + boost::json::serialize(value(total)) + ", more than 1",
         "lower throttle_fraction, unavailable_fraction, server_error_fraction, drop_fraction and truncate_fraction "
         "so that they add up to at most 1");
  return r;
}

fault_plan read_plan(const value& root) {
  if (root.is_null()) return {};
  if (!root.is_object()) fail("(document)", "expected a mapping, got " + std::string(json::kind_name(root)), "write a mapping with seed and rules");
  const auto& o = root.as_object();
  check_members(o, "", {"seed", "rules"});
  fault_plan plan;
  if (auto n = whole_at(o, "seed", "")) plan.seed = *n;
  if (const auto* rules = o.if_contains("rules"); rules != nullptr && !rules->is_null()) {
    if (!rules->is_array()) fail("rules", "expected a list, got " + std::string(json::kind_name(*rules)), "write a list of rules");
    std::size_t i = 0;
    for (const auto& r : rules->as_array()) plan.rules.push_back(read_rule(r, "rules[" + std::to_string(i++) + "]"));
  }
  return plan;
}

}  // namespace

fault_plan parse_fault_plan(std::string_view text, std::string_view source_name) {
  const auto first = text.find_first_not_of(" \t\r\n");
  const bool is_json = first != std::string_view::npos && text[first] == '{';
  const auto root = is_json ? json::parse(text, source_name) : detail::yaml_to_json(text, source_name);
  try {
    return read_plan(root);
  } catch (const error& e) {
    auto d = e.diag();
    d.client_message = std::string(source_name) + ": " + (d.client_message.empty() ? "invalid fault plan" : d.client_message);
    throw error(e.code(), std::move(d));
  }
}

std::string to_json(const fault_plan& plan) {
  boost::json::array rules;
  for (const auto& r : plan.rules) {
    rules.push_back(object{{"path_prefix", r.path_prefix},
                           {"latency_ms", r.latency.count()},
                           {"throttle_fraction", r.throttle_fraction},
                           {"unavailable_fraction", r.unavailable_fraction},
                           {"server_error_fraction", r.server_error_fraction},
                           {"drop_fraction", r.drop_fraction},
                           {"truncate_fraction", r.truncate_fraction},
                           {"retry_after_s", r.retry_after.count()},
                           {"max_hits", r.max_hits}});
  }
  return boost::json::serialize(object{{"seed", plan.seed}, {"rules", std::move(rules)}});
}

fault_plan mixed_fault_plan(double rate, std::uint64_t seed) {
  if (!std::isfinite(rate) || rate < 0 || rate > 1)
    fail("--fault-rate", "expected a fraction between 0 and 1", "write a number such as 0.2 (20% of the requests)");
  fault_plan plan;
  plan.seed = seed;
  fault_rule r;
  r.throttle_fraction = rate / 2;
  r.unavailable_fraction = rate / 2;
  plan.rules.push_back(r);
  return plan;
}

fault_injector::fault_injector(fault_plan plan) { reset(std::move(plan)); }

void fault_injector::reset(fault_plan plan) {
  std::lock_guard lock(mutex_);
  plan_ = std::move(plan);
  seen_.assign(plan_.rules.size(), 0);
  hits_.assign(plan_.rules.size(), 0);
}

fault_plan fault_injector::plan() const {
  std::lock_guard lock(mutex_);
  return plan_;
}

fault_decision fault_injector::decide(std::string_view path) {
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);
  if (path.starts_with(admin_path_prefix)) return {};
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
