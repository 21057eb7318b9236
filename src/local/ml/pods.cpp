#include "local/ml/pods.hpp"

#include <amlk8s/model/workload_labels.hpp>

#include <boost/json/array.hpp>

namespace amlk8s::local::ml {

namespace {

using boost::json::array;
using boost::json::object;
namespace labels = model::workload_labels;

object& member(object& o, std::string_view key) {
  auto& v = o[key];
  if (!v.is_object()) v = object{};
  return v.as_object();
}

std::string string_at(const object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
}

object condition(std::string_view type, bool ok, std::string_view now, std::string_view reason = {},
                 std::string_view message = {}) {
  object c{{"type", type}, {"status", ok ? "True" : "False"}, {"lastProbeTime", nullptr}, {"lastTransitionTime", now}};
  if (!reason.empty()) c["reason"] = reason;
  if (!message.empty()) c["message"] = message;
  return c;
}

bool same(const quantity& a, const quantity& b) { return !(a < b) && !(b < a); }

// core/v1 QoS classes: Guaranteed when cpu and memory limits are set and requests equal them.
std::string qos_class(const model::instance_type& t) {
  if (t.requests.empty() && t.limits.empty()) return "BestEffort";
  for (const char* r : {"cpu", "memory"}) {
    const auto limit = t.limits.find(r);
    if (limit == t.limits.end()) return "Burstable";
    const auto request = t.requests.find(r);
    if (request != t.requests.end() && !same(request->second, limit->second)) return "Burstable";
  }
  return "Guaranteed";
}

std::uint32_t fnv(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return h;
}

std::string pod_ip(std::string_view name) {
  const auto h = fnv(name);
  return "10.244." + std::to_string(h % 250) + "." + std::to_string(h / 250 % 250 + 2);
}

object& container_status(object& pod) {
  auto& status = member(pod, "status");
  auto& list = status["containerStatuses"];
  if (!list.is_array() || list.as_array().empty()) {
    const auto& spec = member(pod, "spec");
    std::string image;
    if (const auto* cs = spec.if_contains("containers"); cs != nullptr && cs->is_array() && !cs->as_array().empty())
      image = string_at(cs->as_array().front().as_object(), "image");
    list = array{object{{"name", labels::job_container},
                        {"ready", false},
                        {"started", false},
                        {"restartCount", 0},
                        {"image", image},
                        {"imageID", ""}}};
  }
  return list.as_array().front().as_object();
}

std::string running_since(object& pod) {
  const auto& c = container_status(pod);
  if (const auto* state = c.if_contains("state"); state != nullptr && state->is_object())
    if (const auto* running = state->as_object().if_contains("running"); running != nullptr && running->is_object())
      return string_at(running->as_object(), "startedAt");
  return {};
}

}  // namespace

boost::json::object job_pod(const pod_plan& plan) {
  object meta{{"name", plan.name},
              {"namespace", plan.ns},
              {"labels", object{{labels::job_name, plan.job},
                                {labels::compute, plan.compute},
                                {labels::instance_type, plan.type.name},
                                {labels::instance_index, std::to_string(plan.index)}}}};
  object selector;
  for (const auto& [k, v] : plan.settings.node_selector) selector[k] = v;
  array tolerations;
  for (const auto& t : plan.settings.tolerations) {
    const std::string op = t.op.empty() ? std::string("Equal") : t.op;
    object o{{"key", t.key}, {"operator", op}};
    if (op != "Exists") o["value"] = t.value;
    if (!t.effect.empty()) o["effect"] = t.effect;
    if (t.toleration_seconds) o["tolerationSeconds"] = *t.toleration_seconds;
    tolerations.push_back(std::move(o));
  }
  array env;
  for (const auto& [k, v] : plan.env) env.push_back(object{{"name", k}, {"value", v}});
  object container{{"name", labels::job_container},
                   {"image", plan.image},
                   {"command", array{"/bin/sh", "-c", plan.command}},
                   {"env", std::move(env)},
                   {"imagePullPolicy", "IfNotPresent"}};
  const auto type_json = plan.type.to_json();
  if (const auto* spec = type_json.if_contains("spec"); spec != nullptr && spec->is_object())
    if (const auto* res = spec->as_object().if_contains("resources")) container["resources"] = *res;
  object spec{{"containers", array{std::move(container)}},
              {"restartPolicy", "Never"},
              {"schedulerName", "default-scheduler"},
              {"terminationGracePeriodSeconds", 30}};
  if (!selector.empty()) spec["nodeSelector"] = std::move(selector);
  if (!tolerations.empty()) spec["tolerations"] = std::move(tolerations);
  return object{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", std::move(meta)},
                {"spec", std::move(spec)},
                {"status", object{{"phase", "Pending"}, {"qosClass", qos_class(plan.type)}}}};
}

void mark_unschedulable(boost::json::object& pod, std::string_view message, std::string_view now) {
  auto& status = member(pod, "status");
  status["phase"] = "Pending";
  status["conditions"] = array{condition("PodScheduled", false, now, "Unschedulable", message)};
}

void mark_bound(boost::json::object& pod, std::string_view node, std::string_view host_ip, std::string_view now) {
  member(pod, "spec")["nodeName"] = node;
  auto& status = member(pod, "status");
  status["phase"] = "Pending";
  status["conditions"] = array{condition("PodScheduled", true, now)};
  if (!host_ip.empty()) status["hostIP"] = host_ip;
  auto& c = container_status(pod);
  c["state"] = object{{"waiting", object{{"reason", "ContainerCreating"}}}};
}

void mark_running(boost::json::object& pod, std::string_view now) {
  auto& status = member(pod, "status");
  status["phase"] = "Running";
  status["conditions"] = array{condition("Initialized", true, now), condition("Ready", true, now),
                               condition("ContainersReady", true, now), condition("PodScheduled", true, now)};
  status["podIP"] = pod_ip(string_at(member(pod, "metadata"), "name"));
  status["startTime"] = now;
  auto& c = container_status(pod);
  c["ready"] = true;
  c["started"] = true;
  c["state"] = object{{"running", object{{"startedAt", now}}}};
}

void mark_terminated(boost::json::object& pod, int exit_code, std::string_view reason, std::string_view message,
                     std::string_view pod_reason, std::string_view now) {
  auto started = running_since(pod);
  auto& status = member(pod, "status");
  status["phase"] = exit_code == 0 ? "Succeeded" : "Failed";
  if (!pod_reason.empty()) status["reason"] = pod_reason;
  status["conditions"] = array{condition("Initialized", true, now, "PodCompleted"),
                               condition("Ready", false, now, "PodCompleted"),
                               condition("ContainersReady", false, now, "PodCompleted"),
                               condition("PodScheduled", true, now)};
  auto& c = container_status(pod);
  c["ready"] = false;
  c["started"] = false;
  object terminated{{"exitCode", exit_code}, {"reason", reason}, {"startedAt", started.empty() ? std::string(now) : started},
                    {"finishedAt", now}};
  if (!message.empty()) terminated["message"] = message;
  c["state"] = object{{"terminated", std::move(terminated)}};
}

boost::json::object scheduler_event(const boost::json::object& pod, std::string name, std::string_view reason,
                                    std::string_view message, std::string_view now) {
  const auto* m = pod.if_contains("metadata");
  const auto meta = m != nullptr && m->is_object() ? m->as_object() : object{};
  return object{{"apiVersion", "v1"},
                {"kind", "Event"},
                {"metadata", object{{"name", std::move(name)}, {"namespace", string_at(meta, "namespace")}}},
                {"involvedObject", object{{"apiVersion", "v1"},
                                          {"kind", "Pod"},
                                          {"namespace", string_at(meta, "namespace")},
                                          {"name", string_at(meta, "name")},
                                          {"uid", string_at(meta, "uid")}}},
                {"reason", reason},
                {"message", message},
                {"type", reason == "FailedScheduling" ? "Warning" : "Normal"},
                {"source", object{{"component", "default-scheduler"}}},
                {"reportingComponent", "default-scheduler"},
                {"reportingInstance", ""},
                {"firstTimestamp", now},
                {"lastTimestamp", now},
                {"count", 1}};
}

model::pod_usage usage_of(const boost::json::object& pod) {
  model::pod_usage u;
  if (const auto* m = pod.if_contains("metadata"); m != nullptr && m->is_object()) {
    u.ns = string_at(m->as_object(), "namespace");
    u.name = string_at(m->as_object(), "name");
  }
  if (const auto* spec = pod.if_contains("spec")) u.requests = model::pod_requests(*spec);
  return u;
}

std::string internal_ip(const boost::json::object& node) {
  const auto* st = node.if_contains("status");
  const auto* addrs = st != nullptr && st->is_object() ? st->as_object().if_contains("addresses") : nullptr;
  if (addrs != nullptr && addrs->is_array())
    for (const auto& a : addrs->as_array())
      if (a.is_object() && string_at(a.as_object(), "type") == "InternalIP") return string_at(a.as_object(), "address");
  return {};
}

}  // namespace amlk8s::local::ml
