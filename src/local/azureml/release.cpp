// What the Helm chart puts in namespace azureml (contracts/kubernetes.md §1.6; the components of
// model/azureml_components.hpp): workloads, the ReplicaSets and pods their controllers would make,
// and Helm's release records. The simulated controllers act at once: every pod that can be placed
// is Running and Ready.
#include "local/azureml/agent_impl.hpp"

#include "local/azureml/wire.hpp"

#include <amlk8s/core/error.hpp>
#include <amlk8s/local/kube/instance_type_crd.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <cstdint>
#include <cstdio>
#include <ctime>
#include <set>

namespace amlk8s::local::azureml {

namespace {

namespace res = kube::resources;
using boost::json::array;
using boost::json::object;

const std::string ns(model::azureml_namespace);

std::string str_at(const object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string{};
}

const object& meta(const object& o) {
  static const object empty;
  const auto* m = o.if_contains("metadata");
  return m && m->is_object() ? m->as_object() : empty;
}

std::string label(const object& o, std::string_view key) {
  const auto* l = meta(o).if_contains("labels");
  return l && l->is_object() ? str_at(l->as_object(), key) : std::string{};
}

// FNV-1a: stable names and hashes across runs and platforms.
std::uint64_t fnv(std::string_view text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

// The apiserver's name alphabet (k8s §2.5), as ReplicaSet hashes and pod suffixes use it.
std::string suffix(std::string_view seed, std::size_t length) {
  constexpr std::string_view alphabet = "bcdfghjklmnpqrstvwxz2456789";
  auto h = fnv(seed);
  std::string out;
  for (std::size_t i = 0; i < length; ++i) {
    out.push_back(alphabet[h % alphabet.size()]);
    h = h / alphabet.size() ^ fnv(std::string(seed) + std::to_string(i));
  }
  return out;
}

const kube::resource_ref& ref_of(model::workload_kind kind) {
  switch (kind) {
    case model::workload_kind::deployment: return res::deployments;
    case model::workload_kind::daemonset: return res::daemonsets;
    case model::workload_kind::statefulset: return res::statefulsets;
  }
  return res::deployments;
}

// [infer] Requests by component: the docs list CPU/memory requests per component without figures;
// these are modest, so the components fit the documented minimum cluster (4 vCPU, 14 GB).
object requests_of(std::string_view component) {
  if (component == "azureml-fe-v2") return {{"cpu", "100m"}, {"memory", "250Mi"}};
  if (component.find("prometheus") != std::string_view::npos) return {{"cpu", "100m"}, {"memory", "200Mi"}};
  if (component.starts_with("volcano")) return {{"cpu", "50m"}, {"memory", "100Mi"}};
  return {{"cpu", "10m"}, {"memory", "50Mi"}};
}

object selector_labels(const release_plan& plan, const model::component& c) {
  return {{wire::name_label, c.name}, {wire::instance_label, plan.extension}};
}

object helm_metadata(const release_plan& plan, const model::component& c, std::string_view name) {
  auto labels = selector_labels(plan, c);
  labels[wire::managed_by_label] = wire::managed_by_value;
  labels[wire::chart_label] = std::string(wire::chart_name) + "-" + plan.version;
  return {{"name", name},
          {"namespace", ns},
          {"labels", std::move(labels)},
          {"annotations", object{{wire::release_name_annotation, plan.extension}, {wire::release_namespace_annotation, ns}}}};
}

object pod_template(const release_plan& plan, const model::component& c) {
  object spec{{"containers", array{object{{"name", c.name},
                                          {"image", std::string(wire::image_prefix) + c.name + ":" + plan.version},
                                          {"imagePullPolicy", "IfNotPresent"},
                                          {"resources", object{{"requests", requests_of(c.name)}}}}}}};
  if (!plan.selector.empty()) {
    object selector;
    for (const auto& [k, v] : plan.selector) selector[k] = v;
    spec["nodeSelector"] = std::move(selector);
  }
  return {{"metadata", object{{"labels", selector_labels(plan, c)}}}, {"spec", std::move(spec)}};
}

object condition(std::string_view type, bool ok, std::string_view reason, std::string_view message, const std::string& time) {
  object o{{"type", type}, {"status", ok ? "True" : "False"}, {"lastTransitionTime", time}};
  if (!reason.empty()) o["reason"] = reason;
  if (!message.empty()) o["message"] = message;
  return o;
}

std::string node_ip(const object& node) {
  if (const auto* st = node.if_contains("status"); st && st->is_object())
    if (const auto* addrs = st->as_object().if_contains("addresses"); addrs && addrs->is_array())
      for (const auto& a : addrs->as_array())
        if (a.is_object() && str_at(a.as_object(), "type") == "InternalIP") return str_at(a.as_object(), "address");
  return {};
}

// One pod a controller wants: its name and node (empty: nowhere to go).
struct wanted_pod {
  std::string name;
  const object* node = nullptr;
};

// Makes the pods owned by `owner` exactly `wanted`: pods with another name, node or template hash
// go, missing ones are created Running (or Pending without a node). Returns how many are ready.
int sync_pods(kube::api_server& api, const object& owner, const object& tmpl, std::string_view hash_label,
              std::string_view hash, const std::vector<wanted_pod>& wanted) {
  const auto uid = str_at(meta(owner), "uid");
  const auto time = rfc3339(now_of(api));
  std::set<std::string> keep;
  for (const auto& pod : api.list(res::pods, ns)) {
    bool owned = false;
    if (const auto* refs = meta(pod).if_contains("ownerReferences"); refs && refs->is_array())
      for (const auto& r : refs->as_array())
        if (r.is_object() && str_at(r.as_object(), "uid") == uid) owned = true;
    if (!owned) continue;
    const auto name = str_at(meta(pod), "name");
    std::string node;
    if (const auto* spec = pod.if_contains("spec"); spec && spec->is_object()) node = str_at(spec->as_object(), "nodeName");
    bool wanted_here = false;
    for (const auto& w : wanted)
      if (w.name == name && (w.node ? str_at(meta(*w.node), "name") : std::string{}) == node && label(pod, hash_label) == hash)
        wanted_here = true;
    if (wanted_here) keep.insert(name);
    else api.remove(res::pods, ns, name);
  }
  int ready = 0;
  for (std::size_t i = 0; i < wanted.size(); ++i) {
    const auto& w = wanted[i];
    if (w.node) ++ready;
    if (keep.contains(w.name)) continue;
    auto labels = tmpl.at("metadata").as_object().at("labels").as_object();
    labels[hash_label] = hash;
    if (str_at(owner, "kind") == "StatefulSet") labels["statefulset.kubernetes.io/pod-name"] = w.name;
    object pod_meta{{"name", w.name},
                    {"namespace", ns},
                    {"labels", std::move(labels)},
                    {"ownerReferences", array{object{{"apiVersion", str_at(owner, "apiVersion")},
                                                     {"kind", str_at(owner, "kind")},
                                                     {"name", str_at(meta(owner), "name")},
                                                     {"uid", uid},
                                                     {"controller", true},
                                                     {"blockOwnerDeletion", true}}}}};
    auto spec = tmpl.at("spec").as_object();
    object status;
    if (w.node) {
      spec["nodeName"] = str_at(meta(*w.node), "name");
      const auto h = fnv(w.name);
      const auto container = spec.at("containers").as_array().at(0).as_object();
      status = object{{"phase", "Running"},
                      {"conditions", array{condition("Initialized", true, "", "", time), condition("Ready", true, "", "", time),
                                           condition("ContainersReady", true, "", "", time),
                                           condition("PodScheduled", true, "", "", time)}},
                      {"hostIP", node_ip(*w.node)},
                      {"podIP", "10.244." + std::to_string(h % 250) + "." + std::to_string(h / 250 % 250 + 2)},
                      {"startTime", time},
                      {"qosClass", "Burstable"},
                      {"containerStatuses", array{object{{"name", str_at(container, "name")},
                                                         {"ready", true},
                                                         {"started", true},
                                                         {"restartCount", 0},
                                                         {"image", str_at(container, "image")},
                                                         {"imageID", ""},
                                                         {"state", object{{"running", object{{"startedAt", time}}}}}}}}};
    } else {
      status = object{{"phase", "Pending"},
                      {"qosClass", "Burstable"},
                      {"conditions", array{condition("PodScheduled", false, "Unschedulable",
                                                     "0/0 nodes are available: node(s) didn't match Pod's node affinity/selector.",
                                                     time)}}};
    }
    api.create(res::pods, object{{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", std::move(pod_meta)},
                                 {"spec", std::move(spec)}, {"status", std::move(status)}});
  }
  return ready;
}

std::int64_t generation(const object& o) {
  const auto* g = meta(o).if_contains("generation");
  return g && g->is_int64() ? g->as_int64() : 1;
}

// Writes `status` on the stored object (observedGeneration filled in).
void set_status(kube::api_server& api, const kube::resource_ref& ref, object stored, object status) {
  status["observedGeneration"] = generation(stored);
  stored["status"] = std::move(status);
  auto& m = stored["metadata"].as_object();
  m.erase("resourceVersion");
  api.update(ref, std::move(stored));
}

void install_component(kube::api_server& api, const release_plan& plan, const model::component& c,
                       const std::vector<boost::json::object>& nodes) {
  const auto& ref = ref_of(c.kind);
  const auto tmpl = pod_template(plan, c);
  const auto template_hash = suffix(boost::json::serialize(tmpl), 10);
  object spec{{"selector", object{{"matchLabels", selector_labels(plan, c)}}}, {"template", tmpl}};
  if (c.kind != model::workload_kind::daemonset) spec["replicas"] = c.replicas;
  if (c.kind == model::workload_kind::statefulset) spec["serviceName"] = c.name;
  auto workload = api.create_or_replace(ref, object{{"apiVersion", ref.api_version()},
                                                    {"kind", model::to_string(c.kind)},
                                                    {"metadata", helm_metadata(plan, c, c.name)},
                                                    {"spec", std::move(spec)}});
  const auto time = rfc3339(now_of(api));
  const auto pick = [&](std::size_t i) -> const object* {
    return nodes.empty() ? nullptr : &nodes[(i + fnv(c.name)) % nodes.size()];
  };
  switch (c.kind) {
    case model::workload_kind::deployment: {
      // Deployment -> ReplicaSet `<name>-<pod-template-hash>` -> pods; an older ReplicaSet goes.
      const auto rs_name = c.name + "-" + template_hash;
      const auto deployment_uid = str_at(meta(workload), "uid");
      for (const auto& rs : api.list(res::replicasets, ns))
        if (label(rs, wire::instance_label) == plan.extension && label(rs, wire::name_label) == c.name &&
            str_at(meta(rs), "name") != rs_name)
          api.remove(res::replicasets, ns, str_at(meta(rs), "name"));
      auto rs_meta = helm_metadata(plan, c, rs_name);
      rs_meta["labels"].as_object()["pod-template-hash"] = template_hash;
      rs_meta["ownerReferences"] = array{object{{"apiVersion", "apps/v1"}, {"kind", "Deployment"}, {"name", c.name},
                                                {"uid", deployment_uid}, {"controller", true}, {"blockOwnerDeletion", true}}};
      auto rs_selector = selector_labels(plan, c);
      rs_selector["pod-template-hash"] = template_hash;
      auto rs = api.create_or_replace(res::replicasets,
                                      object{{"apiVersion", "apps/v1"},
                                             {"kind", "ReplicaSet"},
                                             {"metadata", std::move(rs_meta)},
                                             {"spec", object{{"replicas", c.replicas},
                                                             {"selector", object{{"matchLabels", std::move(rs_selector)}}},
                                                             {"template", tmpl}}}});
      std::vector<wanted_pod> wanted;
      for (int i = 0; i < c.replicas; ++i)
        wanted.push_back({rs_name + "-" + suffix(rs_name + "/" + std::to_string(i), 5), pick(static_cast<std::size_t>(i))});
      const int ready = sync_pods(api, rs, tmpl, "pod-template-hash", template_hash, wanted);
      set_status(api, res::replicasets, rs,
                 object{{"replicas", c.replicas}, {"fullyLabeledReplicas", c.replicas}, {"readyReplicas", ready},
                        {"availableReplicas", ready}});
      const bool available = ready >= c.replicas;
      set_status(api, ref, workload,
                 object{{"replicas", c.replicas},
                        {"updatedReplicas", c.replicas},
                        {"readyReplicas", ready},
                        {"availableReplicas", ready},
                        {"unavailableReplicas", c.replicas - ready},
                        {"conditions",
                         array{condition("Available", available, available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                                         available ? "Deployment has minimum availability." : "Deployment does not have minimum availability.",
                                         time),
                               condition("Progressing", true, "NewReplicaSetAvailable",
                                         "ReplicaSet \"" + rs_name + "\" has successfully progressed.", time)}}});
      break;
    }
    case model::workload_kind::daemonset: {
      std::vector<wanted_pod> wanted;
      for (const auto& node : nodes)
        wanted.push_back({c.name + "-" + suffix(c.name + "/" + str_at(meta(node), "name"), 5), &node});
      const int ready = sync_pods(api, workload, tmpl, "controller-revision-hash", template_hash, wanted);
      const auto n = static_cast<int>(nodes.size());
      set_status(api, ref, workload,
                 object{{"currentNumberScheduled", n}, {"desiredNumberScheduled", n}, {"numberMisscheduled", 0},
                        {"numberReady", ready}, {"numberAvailable", ready}, {"updatedNumberScheduled", n}});
      break;
    }
    case model::workload_kind::statefulset: {
      std::vector<wanted_pod> wanted;
      for (int i = 0; i < c.replicas; ++i)
        wanted.push_back({c.name + "-" + std::to_string(i), pick(static_cast<std::size_t>(i))});
      const int ready = sync_pods(api, workload, tmpl, "controller-revision-hash", c.name + "-" + template_hash, wanted);
      set_status(api, ref, workload,
                 object{{"replicas", c.replicas}, {"readyReplicas", ready}, {"currentReplicas", c.replicas},
                        {"updatedReplicas", c.replicas}, {"availableReplicas", ready},
                        {"currentRevision", c.name + "-" + template_hash}, {"updateRevision", c.name + "-" + template_hash},
                        {"collisionCount", 0}});
      break;
    }
  }
}

// §3 item 4: Helm adopts an existing object only when its metadata names this release.
std::optional<std::string> ownership_conflict(const kube::api_server& api, const release_plan& plan, bool upgrade) {
  for (const auto& c : plan.components) {
    const auto existing = api.get(ref_of(c.kind), ns, c.name);
    if (!existing) continue;
    const auto* ann = meta(*existing).if_contains("annotations");
    const auto owner = ann && ann->is_object() ? str_at(ann->as_object(), wire::release_name_annotation) : std::string{};
    if (owner == plan.extension && label(*existing, wire::managed_by_label) == wire::managed_by_value) continue;
    std::string why = owner.empty() ? "annotation validation error: missing key \"" + std::string(wire::release_name_annotation) +
                                          "\": must be set to \"" + plan.extension + "\""
                                    : "annotation validation error: key \"" + std::string(wire::release_name_annotation) +
                                          "\" must equal \"" + plan.extension + "\": current value is \"" + owner + "\"";
    return std::string("Unable to continue with ") + (upgrade ? "update" : "install") + ": " +
           std::string(model::to_string(c.kind)) + " \"" + c.name + "\" in namespace \"" + ns + "\" " +
           std::string(wire::ownership_error) + "; " + why;
  }
  return std::nullopt;
}

std::vector<object> release_records(const kube::api_server& api, std::string_view extension) {
  return api.list(res::secrets, ns, "owner=helm,name=" + std::string(extension));
}

}  // namespace

settings_map node_selector(const settings_map& settings) {
  settings_map out;
  for (const auto& [key, value] : settings)
    if (key.starts_with(wire::node_selector_prefix) && key.size() > wire::node_selector_prefix.size())
      out[key.substr(wire::node_selector_prefix.size())] = value;
  return out;
}

std::vector<object> matching_nodes(const kube::api_server& api, const settings_map& selector) {
  std::vector<object> out;
  for (auto& node : api.list(res::nodes)) {
    bool match = true;
    for (const auto& [k, v] : selector)
      if (label(node, k) != v) match = false;
    if (match) out.push_back(std::move(node));
  }
  return out;
}

std::chrono::system_clock::time_point now_of(const kube::api_server& api) {
  return api.options().clock ? api.options().clock() : std::chrono::system_clock::now();
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  const auto secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                tm.tm_min, tm.tm_sec);
  return buf;
}

int latest_revision(const kube::api_server& api, std::string_view extension) {
  int latest = 0;
  for (const auto& s : release_records(api, extension)) latest = std::max(latest, std::atoi(label(s, "version").c_str()));
  return latest;
}

namespace {

// The InstanceType CRD comes with the chart (k8s §1.1, §1.5): installed with the release, marked as
// Helm marks what it owns. A CRD that is already there (installed by hand, or by another release) is left alone.
void install_crd(kube::api_server& api, const release_plan& plan) {
  if (api.get(res::customresourcedefinitions, "", wire::instance_type_crd_name)) return;
  auto crd = kube::instance_type_crd();
  auto& m = crd["metadata"].as_object();
  m["labels"] = object{{wire::managed_by_label, wire::managed_by_value}, {wire::instance_label, plan.extension},
                       {wire::chart_label, std::string(wire::chart_name) + "-" + plan.version}};
  m["annotations"] = object{{wire::release_name_annotation, plan.extension}, {wire::release_namespace_annotation, ns}};
  api.create(res::customresourcedefinitions, std::move(crd));
}

// Removes the CRD (and with it every InstanceType) when release `extension` installed it.
void uninstall_crd(kube::api_server& api, std::string_view extension) {
  const auto crd = api.get(res::customresourcedefinitions, "", wire::instance_type_crd_name);
  if (!crd) return;
  const auto* a = meta(*crd).if_contains("annotations");
  if (a && a->is_object() && str_at(a->as_object(), wire::release_name_annotation) == extension &&
      label(*crd, wire::managed_by_label) == wire::managed_by_value)
    api.remove(res::customresourcedefinitions, "", wire::instance_type_crd_name);
}

}  // namespace

std::optional<std::string> reconcile_release(kube::api_server& api, const release_plan& plan, bool upgrade) {
  if (!api.get(res::namespaces, "", ns))
    api.create(res::namespaces, object{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", {{"name", ns}}}});
  if (auto conflict = ownership_conflict(api, plan, upgrade)) return conflict;

  // Components of this release that the new configuration no longer has.
  for (const auto kind : {model::workload_kind::deployment, model::workload_kind::daemonset, model::workload_kind::statefulset}) {
    const auto selector = std::string(wire::instance_label) + "=" + plan.extension + "," + std::string(wire::managed_by_label) +
                          "=" + std::string(wire::managed_by_value);
    for (const auto& w : api.list(ref_of(kind), ns, selector)) {
      const auto name = str_at(meta(w), "name");
      bool expected = false;
      for (const auto& c : plan.components) expected = expected || (c.kind == kind && c.name == name);
      if (!expected) api.remove(ref_of(kind), ns, name);
    }
  }
  install_crd(api, plan);
  const auto nodes = matching_nodes(api, plan.selector);
  for (const auto& c : plan.components) install_component(api, plan, c, nodes);

  // Helm's release record: the new revision is deployed, the older ones superseded.
  const int revision = latest_revision(api, plan.extension) + 1;
  for (auto s : release_records(api, plan.extension)) {
    if (label(s, "status") == "superseded") continue;
    s["metadata"].as_object()["labels"].as_object()["status"] = "superseded";
    s["metadata"].as_object().erase("resourceVersion");
    api.update(res::secrets, std::move(s));
  }
  // [infer] Helm stores the gzipped release as base64 text under `release`; a plain JSON summary here.
  const object release{{"name", plan.extension}, {"namespace", ns}, {"version", revision},
                       {"chart", std::string(wire::chart_name) + "-" + plan.version},
                       {"info", object{{"status", "deployed"}, {"last_deployed", rfc3339(now_of(api))}}}};
  api.create(res::secrets,
             object{{"apiVersion", "v1"},
                    {"kind", "Secret"},
                    {"type", wire::release_secret_type},
                    {"metadata", object{{"name", std::string(wire::release_secret_prefix) + plan.extension + ".v" + std::to_string(revision)},
                                        {"namespace", ns},
                                        {"labels", object{{"name", plan.extension}, {"owner", "helm"}, {"status", "deployed"},
                                                          {"version", std::to_string(revision)}}}}},
                    {"data", object{{"release", base64_encode(base64_encode(boost::json::serialize(release)))}}}});
  return std::nullopt;
}

void uninstall_release(kube::api_server& api, std::string_view extension) {
  const auto selector = std::string(wire::instance_label) + "=" + std::string(extension) + "," +
                        std::string(wire::managed_by_label) + "=" + std::string(wire::managed_by_value);
  for (const auto kind : {model::workload_kind::deployment, model::workload_kind::daemonset, model::workload_kind::statefulset})
    for (const auto& w : api.list(ref_of(kind), ns, selector)) api.remove(ref_of(kind), ns, str_at(meta(w), "name"));
  for (const auto& s : release_records(api, extension)) api.remove(res::secrets, ns, str_at(meta(s), "name"));
  uninstall_crd(api, extension);
}

}  // namespace amlk8s::local::azureml
