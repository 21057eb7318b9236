// The AzureML extension's inference operator on a simulated cluster: the pods of Kubernetes online
// deployments (contracts/aml-workspace-and-auth.md §2.6; contracts/kubernetes.md §1.4 for the pod
// an instance type makes, §4.4 for where it may run). Pods get the names and labels of
// amlk8s/model/workload_labels.hpp, which the SDK finds them by.
#include "local/ml/online_state.hpp"

#include "local/azureml/agent_impl.hpp"
#include "local/common/text.hpp"
#include "local/ml/cluster_target.hpp"
#include "local/ml/wire.hpp"

#include <amlk8s/core/error.hpp>
#include <amlk8s/model/fit.hpp>
#include <amlk8s/model/workload_labels.hpp>

#include <boost/json/array.hpp>

#include <functional>

namespace amlk8s::local {

namespace {

using boost::json::array;
using boost::json::object;
namespace res = kube::resources;
namespace labels = model::workload_labels;

// The image of the simulated inference server when the deployment's environment names none.
constexpr std::string_view default_image = "amlk8s-local/inference-server:latest";
// The port the inference server listens on (azureml-fe forwards there).
constexpr int inference_port = 5001;

const object* object_at(const object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

std::string string_at(const object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
}

std::string selector_of(const std::string& endpoint, const std::string& deployment) {
  return std::string(labels::endpoint) + "=" + endpoint + "," + std::string(labels::deployment) + "=" + deployment;
}

object condition(std::string_view type, bool ok, std::string_view reason, std::string_view message, const std::string& time) {
  object o{{"type", type}, {"status", ok ? "True" : "False"}, {"lastTransitionTime", time}};
  if (!reason.empty()) o["reason"] = reason;
  if (!message.empty()) o["message"] = message;
  return o;
}

object quantities(const std::map<std::string, quantity>& m) {
  object out;
  for (const auto& [name, q] : m) out[name] = q.to_string();
  return out;
}

// core/v1 QoS: Guaranteed when every resource's request equals its limit, Burstable otherwise.
std::string qos_class(const model::instance_type& type) {
  if (type.requests.empty() && type.limits.empty()) return "BestEffort";
  for (const auto& [name, q] : type.limits) {
    const auto it = type.requests.find(name);
    if (it != type.requests.end() && model::scheduler_amount(name, it->second) != model::scheduler_amount(name, q))
      return "Burstable";
  }
  for (const auto& [name, q] : type.requests)
    if (!type.limits.contains(name)) return "Burstable";
  return "Guaranteed";
}

object toleration_json(const model::toleration& t) {
  object o{{"operator", t.op}};
  if (!t.key.empty()) o["key"] = t.key;
  if (!t.value.empty()) o["value"] = t.value;
  if (!t.effect.empty()) o["effect"] = t.effect;
  if (t.toleration_seconds) o["tolerationSeconds"] = *t.toleration_seconds;
  return o;
}

std::string node_ip(const object& node) {
  if (const auto* st = object_at(node, "status"))
    if (const auto* addrs = st->if_contains("addresses"); addrs && addrs->is_array())
      for (const auto& a : addrs->as_array())
        if (a.is_object() && string_at(a.as_object(), "type") == "InternalIP") return string_at(a.as_object(), "address");
  return {};
}

// One deployment's worth of pod settings.
struct pod_plan {
  std::string endpoint;
  std::string deployment;
  const ml::cluster_target* target = nullptr;
  const model::instance_type* type = nullptr;
  const model::pod_settings* settings = nullptr;
  std::string image;
  std::string model;
};

object pod_object(const pod_plan& plan, int index, const object* node, const std::string& pending_message,
                  const std::string& time) {
  const auto name = labels::deployment_pod_name(plan.endpoint, plan.deployment, index);
  object pod_labels{{labels::endpoint, plan.endpoint},
                    {labels::deployment, plan.deployment},
                    {labels::compute, plan.target->compute_name},
                    {labels::instance_type, plan.type->name}};
  object resources;
  if (!plan.type->requests.empty()) resources["requests"] = quantities(plan.type->requests);
  if (!plan.type->limits.empty()) resources["limits"] = quantities(plan.type->limits);
  object container{{"name", labels::inference_container},
                   {"image", plan.image},
                   {"imagePullPolicy", "IfNotPresent"},
                   {"ports", array{object{{"name", "http"}, {"containerPort", inference_port}, {"protocol", "TCP"}}}},
                   {"resources", std::move(resources)}};
  if (!plan.model.empty()) container["env"] = array{object{{"name", "AZUREML_MODEL_ID"}, {"value", plan.model}}};
  object spec{{"containers", array{std::move(container)}}, {"restartPolicy", "Always"}};
  if (!plan.settings->node_selector.empty()) {
    object selector;
    for (const auto& [k, v] : plan.settings->node_selector)
      if (!selector.contains(k)) selector[k] = v;
    spec["nodeSelector"] = std::move(selector);
  }
  array tolerations;
  for (const auto& t : plan.settings->tolerations) tolerations.push_back(toleration_json(t));
  if (!tolerations.empty()) spec["tolerations"] = std::move(tolerations);

  object status;
  if (node != nullptr) {
    const auto& meta = node->at("metadata").as_object();
    spec["nodeName"] = string_at(meta, "name");
    const auto h = std::hash<std::string>{}(name);
    status = object{{"phase", "Running"},
                    {"conditions", array{condition("Initialized", true, "", "", time), condition("Ready", true, "", "", time),
                                         condition("ContainersReady", true, "", "", time),
                                         condition("PodScheduled", true, "", "", time)}},
                    {"hostIP", node_ip(*node)},
                    {"podIP", "10.244." + std::to_string(h % 250) + "." + std::to_string(h / 250 % 250 + 2)},
                    {"startTime", time},
                    {"qosClass", qos_class(*plan.type)},
                    {"containerStatuses", array{object{{"name", labels::inference_container},
                                                       {"ready", true},
                                                       {"started", true},
                                                       {"restartCount", 0},
                                                       {"image", plan.image},
                                                       {"imageID", ""},
                                                       {"state", object{{"running", object{{"startedAt", time}}}}}}}}};
  } else {
    // §4.4: what the scheduler leaves on a pod it cannot place.
    status = object{{"phase", "Pending"},
                    {"qosClass", qos_class(*plan.type)},
                    {"conditions", array{condition("PodScheduled", false, "Unschedulable", pending_message, time)}}};
  }
  return object{{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata", object{{"name", name}, {"namespace", plan.target->ns}, {"labels", std::move(pod_labels)}}},
                {"spec", std::move(spec)},
                {"status", std::move(status)}};
}

// The scheduler's event on a pod it cannot place (`kubectl describe pod`, `kubectl get events`).
void failed_scheduling_event(kube::api_server& api, const object& pod, const std::string& message, const std::string& time) {
  const auto& meta = pod.at("metadata").as_object();
  const auto name = string_at(meta, "name");
  const auto ns = string_at(meta, "namespace");
  object event{{"apiVersion", "v1"},
               {"kind", "Event"},
               {"metadata", object{{"name", name + ".failedscheduling"}, {"namespace", ns}}},
               {"involvedObject", object{{"apiVersion", "v1"}, {"kind", "Pod"}, {"namespace", ns}, {"name", name},
                                         {"uid", string_at(meta, "uid")}}},
               {"reason", "FailedScheduling"},
               {"message", message},
               {"type", "Warning"},
               {"source", object{{"component", "default-scheduler"}}},
               {"reportingComponent", "default-scheduler"},
               {"firstTimestamp", time},
               {"lastTimestamp", time},
               {"count", 1}};
  api.create_or_replace(res::events, std::move(event));
}

array to_array(std::vector<object> objects) {
  array out;
  out.reserve(objects.size());
  for (auto& o : objects) out.push_back(std::move(o));
  return out;
}

operation_failure failure(std::string code, std::string message) { return {std::move(code), std::move(message), 400}; }

}  // namespace

void online_endpoints::state::remove_pods(const std::string& key) {
  placement p;
  {
    std::lock_guard lock(mutex);
    const auto it = placements.find(key);
    if (it == placements.end()) return;
    p = it->second;
    placements.erase(it);
    turns.erase(key);
  }
  const auto api = p.api.lock();
  if (!api) return;
  for (const auto& pod : api->list(res::pods, p.ns, selector_of(p.endpoint, p.deployment)))
    api->remove(res::pods, p.ns, string_at(pod.at("metadata").as_object(), "name"));
}

std::optional<operation_failure> online_endpoints::state::on_event(resource_event& e) {
  if (e.started) return std::nullopt;
  if (http::iequals(e.type, ml::deployment_type)) {
    if (e.kind == change_kind::deleted) {
      remove_pods(detail::to_lower(e.id));
      // A deployment that is gone gets no more traffic: its entry leaves the endpoint's map.
      const auto name = ml::last_segment(e.id);
      azure->arm().update(ml::parent_id(e.id), [&](object& body) {
        if (auto* props = body.if_contains("properties"); props != nullptr && props->is_object())
          if (auto* traffic = props->as_object().if_contains("traffic"); traffic != nullptr && traffic->is_object())
            traffic->as_object().erase(name);
      });
      return std::nullopt;
    }
    try {
      return deploy(e);
    } catch (const error& x) {
      // The cluster's API refused a write: the operation fails with its words.
      const auto& d = x.diag();
      return failure("DeploymentFailed", "Deployment '" + ml::last_segment(e.id) + "' could not be made on its cluster: " +
                                             (d.service_message.empty() ? std::string(x.what()) : d.service_message));
    }
  }
  if (e.kind != change_kind::deleted) return std::nullopt;
  if (http::iequals(e.type, ml::compute_type)) {
    // Detaching (or deleting) a compute takes the inference pods that ran under it.
    std::vector<std::string> keys;
    {
      std::lock_guard lock(mutex);
      for (const auto& [key, p] : placements)
        if (http::iequals(p.compute_id, e.id)) keys.push_back(key);
    }
    for (const auto& key : keys) remove_pods(key);
  } else if (http::iequals(e.type, ml::endpoint_type)) {
    std::lock_guard lock(mutex);
    routers.erase(detail::to_lower(e.id));
  }
  return std::nullopt;
}

std::optional<operation_failure> online_endpoints::state::deploy(resource_event& e) {
  auto& arm = azure->arm();
  const auto deployment = ml::last_segment(e.id);
  const auto endpoint_id = ml::parent_id(e.id);
  const auto endpoint_name = ml::last_segment(endpoint_id);
  const auto endpoint = arm.get(endpoint_id);
  if (!endpoint) return failure("ParentResourceNotFound", "The endpoint '" + endpoint_name + "' no longer exists.");
  const auto* endpoint_props = object_at(*endpoint, "properties");
  const auto compute_id = endpoint_props != nullptr ? string_at(*endpoint_props, "compute") : std::string{};
  const auto target = ml::resolve_compute(arm, lookup, compute_id);
  if (!target || !target->api)
    return failure("ComputeNotReachable", "The Kubernetes compute '" + compute_id + "' of endpoint '" + endpoint_name +
                                              "' has no reachable cluster. Attach a cluster that exists, then deploy again.");
  auto& api = *target->api;
  const auto* props = object_at(e.body, "properties");
  const auto type_name = [&] {
    auto n = props != nullptr ? string_at(*props, "instanceType") : std::string{};
    return n.empty() ? std::string(model::default_instance_type_name) : n;
  }();
  const auto types = ml::cluster_instance_types(api);
  const auto type = ml::resolve_instance_type(types, type_name);
  if (!type) {
    std::string known;
    bool default_listed = false;
    for (const auto& t : types) {
      known += (known.empty() ? "" : ", ") + t.name;
      default_listed = default_listed || t.name == model::default_instance_type_name;
    }
    if (!default_listed) known += std::string(known.empty() ? "" : ", ") + std::string(model::default_instance_type_name);
    return failure("InstanceTypeNotFound",
                   "Deployment '" + deployment + "' of endpoint '" + endpoint_name + "' names instance type '" + type_name +
                       "', which cluster '" + target->cluster.name + "' (compute '" + target->compute_name +
                       "') does not have. Instance types there: " + known +
                       ". Create the InstanceType resource in the cluster, or name one of these.");
  }
  if (!api.get(res::namespaces, "", target->ns))
    return failure("NamespaceNotFound", "Namespace '" + target->ns + "' of compute '" + target->compute_name +
                                            "' does not exist on cluster '" + target->cluster.name +
                                            "'. Create it (kubectl create namespace " + target->ns + "), then deploy again.");
  std::int64_t capacity = 1;
  if (const auto* sku = object_at(e.body, "sku"))
    if (const auto* c = sku->if_contains("capacity"); c != nullptr && c->is_number()) capacity = c->to_number<std::int64_t>();

  // Replaces what an earlier PUT made (their resources are free again before the new pods go).
  const auto key = detail::to_lower(e.id);
  remove_pods(key);
  for (const auto& pod : api.list(res::pods, target->ns, selector_of(endpoint_name, deployment)))
    api.remove(res::pods, target->ns, string_at(pod.at("metadata").as_object(), "name"));

  model::fit_options options;
  options.extension_node_selector = target->extension_node_selector;
  options.context = {target->resource_group, target->workspace_name, target->compute_name};
  const auto settings = model::effective_pod_settings(*type, options);
  pod_plan plan;
  plan.endpoint = endpoint_name;
  plan.deployment = deployment;
  plan.target = &*target;
  plan.type = &*type;
  plan.settings = &settings;
  plan.image = std::string(default_image);
  if (props != nullptr) {
    plan.model = string_at(*props, "model");
    // An environment version with an image gives the container its image.
    if (const auto env = arm.get(string_at(*props, "environmentId")))
      if (const auto* ep = object_at(*env, "properties"); ep != nullptr && !string_at(*ep, "image").empty())
        plan.image = string_at(*ep, "image");
  }

  const auto node_objects = api.list(res::nodes);
  auto views = model::node_views(to_array(node_objects), to_array(api.list(res::pods)));
  const auto time = azureml::rfc3339(azureml::now_of(api));
  std::int64_t unplaced = 0;
  std::string message;
  for (std::int64_t i = 0; i < capacity; ++i) {
    const auto fit = model::analyze(*type, views, options);
    const object* node = nullptr;
    for (std::size_t n = 0; n < fit.nodes.size() && node == nullptr; ++n) {
      if (fit.nodes[n].status != model::fit_status::fits) continue;
      for (const auto& o : node_objects)
        if (string_at(o.at("metadata").as_object(), "name") == views[n].name) node = &o;
      views[n].pods.push_back({target->ns, labels::deployment_pod_name(endpoint_name, deployment, static_cast<int>(i)), 0,
                               settings.requests});
    }
    const auto pending = node == nullptr ? fit.scheduler_message() : std::string{};
    auto created = api.create(res::pods, pod_object(plan, static_cast<int>(i), node, pending, time));
    if (node == nullptr) {
      failed_scheduling_event(api, created, pending, time);
      if (unplaced++ == 0) message = pending;
    }
  }
  {
    std::lock_guard lock(mutex);
    placements[key] = placement{target->compute_id, target->api, target->ns, endpoint_name, deployment};
  }
  if (unplaced > 0)
    return failure("DeploymentUnschedulable",
                   "Deployment '" + deployment + "' of endpoint '" + endpoint_name + "': " + std::to_string(unplaced) + " of " +
                       std::to_string(capacity) + " instances of instance type '" + type->name +
                       "' cannot be scheduled on cluster '" + target->cluster.name + "' (namespace '" + target->ns +
                       "'): " + message +
                       " Choose an instance type that fits the cluster's nodes, lower sku.capacity, or add nodes.");
  return std::nullopt;
}

online_endpoints::online_endpoints(azure_api& azure, cluster_api_lookup lookup) : state_(std::make_shared<state>()) {
  state_->azure = &azure;
  state_->lookup = std::move(lookup);
  azure.arm().on_change([s = state_](resource_event& e) { return s->on_event(e); });
}

online_endpoints::~online_endpoints() = default;

}  // namespace amlk8s::local
