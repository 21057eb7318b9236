// The job operator of the local control plane (include/amlk8s/local/job_runner.hpp).
//
// Locks, always taken in this order: the ARM state (held by whoever calls an observer or the settle
// hook), `mutex` (the jobs), then `proc_mutex` (the processes) or a cluster's api_server (its own
// lock; its pod log provider takes `logs_mutex`). Nothing holding proc_mutex or logs_mutex calls
// out, and nothing waits for a process except stop().
#include <amlk8s/local/job_runner.hpp>

#include "local/azureml/agent_impl.hpp"
#include "local/common/text.hpp"
#include "local/ml/job_spec.hpp"
#include "local/ml/pods.hpp"
#include "local/ml/process.hpp"

#include <amlk8s/core/azureml_reference.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/local/kube/api_server.hpp>
#include <amlk8s/model/fit.hpp>
#include <amlk8s/model/instance_type.hpp>
#include <amlk8s/model/workload_labels.hpp>

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

namespace amlk8s::local {

namespace {

using boost::json::array;
using boost::json::object;
namespace res = kube::resources;
namespace labels = model::workload_labels;

constexpr std::string_view jobs_type = "Microsoft.MachineLearningServices/workspaces/jobs";

constexpr std::string_view env_versions_type = "Microsoft.MachineLearningServices/workspaces/environments/versions";
constexpr std::string_view extensions_type = "Microsoft.KubernetesConfiguration/extensions";

// Host variables a job's process inherits; everything else of the server's environment stays out,
// as it would stay out of a container.
constexpr std::string_view inherited_variables[] = {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "TMPDIR", "USER", "LOGNAME"};

std::string str(const object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string{};
}

const object* obj(const object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->as_object() : nullptr;
}

object& member(object& o, std::string_view key) {
  auto& v = o[key];
  if (!v.is_object()) v = object{};
  return v.as_object();
}

std::string last_segment(std::string_view id) { return std::string(id.substr(id.rfind('/') + 1)); }

// Why a job cannot run; its text becomes the job's error.
struct job_failure {
  std::string message;
};

enum class stage { submitted, queued, running, stopping, done };

struct instance_state {
  std::string pod;
  std::string node;  // set once bound
  bool started = false;
  bool finished = false;
  bool pod_gone = false;
  bool recorded = false;  // the pod shows how the instance ended
  int exit_code = 0;
  std::string unschedulable;  // the scheduler message last reported on the pod
  std::shared_ptr<ml::log_buffer> log;
};

struct job_state {
  std::string id;
  std::string key;  // lower-case id
  std::string name;
  std::uint64_t sequence = 0;
  object props;  // the job's properties as submitted
  stage st = stage::submitted;
  std::string status;
  std::vector<std::string> history;
  bool cancel_requested = false;

  // Resolved at submission.
  std::string subscription, resource_group, workspace, workspace_id;
  std::string cluster_id;
  std::string cluster_key;  // lower-case cluster name: where its pods' logs are looked up
  std::string ns;
  std::string compute;
  std::string image;
  bool python_image = false;
  model::instance_type type;
  model::fit_options fit;
  model::pod_settings pod;
  std::string command;  // bound
  std::vector<std::pair<std::string, std::string>> user_env;
  std::optional<std::chrono::milliseconds> timeout;
  std::string timeout_text;
  std::filesystem::path dir;
  std::vector<instance_state> instances;

  clock::time_point started_at{};
  std::string final_status;  // what a stopping job ends as
  std::string stop_reason;   // the pods' reason ("DeadlineExceeded") and message while stopping
  std::string stop_message;
  std::string error;
  std::optional<int> exit_code;
};

struct proc_entry {
  std::unique_ptr<ml::child_process> child;
  bool orphan = false;  // its job is gone; dropped once reaped
};

std::string proc_key(const job_state& job, std::size_t index) { return job.key + "#" + std::to_string(index); }
std::string log_key(std::string_view cluster, std::string_view ns, std::string_view pod) {
  return std::string(cluster) + "\n" + std::string(ns) + "\n" + std::string(pod);
}

std::string shell_quote(std::string_view s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') out += "'\\''";
    else out.push_back(c);
  }
  return out + "'";
}

std::string kube_message(const error& e) {
  const auto& d = e.diag();
  return d.service_message.empty() ? std::string(e.what()) : d.service_message;
}

}  // namespace

struct job_runner::impl : std::enable_shared_from_this<impl> {
  impl(arm_api& a, std::shared_ptr<clock> t, cluster_api_lookup l, job_runner_options o)
      : arm(a), time(std::move(t)), lookup(std::move(l)), options(std::move(o)) {}

  arm_api& arm;
  std::shared_ptr<clock> time;
  cluster_api_lookup lookup;
  job_runner_options options;

  mutable std::mutex mutex;
  std::map<std::string, job_state> jobs;  // by lower-case id
  std::uint64_t sequence = 0;
  std::uint64_t events = 0;
  bool stopped = false;
  std::map<std::string, const kube::api_server*> providers;  // cluster key -> the API given our log provider

  std::mutex proc_mutex;
  std::map<std::string, proc_entry> procs;

  mutable std::mutex logs_mutex;
  std::map<std::string, std::shared_ptr<ml::log_buffer>> logs;  // by log_key

  std::atomic<int> active{0};
  std::atomic<bool> quit{false};
  int wake[2] = {-1, -1};
  std::thread driver;

  // ---- plumbing ------------------------------------------------------------------------------------

  std::string now_text() const { return azureml::rfc3339(time->now()); }

  void pump_locked() {
    for (auto it = procs.begin(); it != procs.end();) {
      it->second.child->pump();
      if (it->second.orphan && it->second.child->finished()) it = procs.erase(it);
      else ++it;
    }
  }

  void poke() {
    if (wake[1] >= 0) {
      const char c = 1;
      [[maybe_unused]] const auto n = ::write(wake[1], &c, 1);
    }
  }

  void count_active() {
    int n = 0;
    for (const auto& [k, j] : jobs) n += j.st == stage::done ? 0 : 1;
    active = n;
  }

  std::shared_ptr<kube::api_server> api_of(const job_state& job) {
    if (job.cluster_id.empty()) return nullptr;
    const auto spec = arm.cluster(job.cluster_id);
    return spec ? lookup(*spec) : nullptr;
  }

  void install_log_provider(const std::string& cluster_key, kube::api_server& api) {
    const auto it = providers.find(cluster_key);
    if (it != providers.end() && it->second == &api) return;
    providers[cluster_key] = &api;
    std::weak_ptr<impl> weak = weak_from_this();
    api.set_pod_log_provider([weak, cluster_key](std::string_view ns, std::string_view pod,
                                                 std::string_view container) -> std::optional<std::string> {
      // Runs under the api_server's lock: reads only the log buffers.
      const auto self = weak.lock();
      if (!self || container != labels::job_container) return std::string{};
      std::shared_ptr<ml::log_buffer> log;
      {
        std::lock_guard lock(self->logs_mutex);
        const auto found = self->logs.find(log_key(cluster_key, ns, pod));
        if (found == self->logs.end()) return std::string{};
        log = found->second;
      }
      return log->text();
    });
  }

  // The job's status on ARM (or in `body`, the resource an observer is looking at) and in its history.
  void set_status(job_state& job, std::string_view status, object* body) {
    if (job.status == status) return;
    job.status = std::string(status);
    job.history.push_back(job.status);
    auto edit = [&](object& b) {
      auto& props = member(b, "properties");
      props["status"] = status;
      if (!job.error.empty() || job.exit_code) {
        auto& extra = member(props, "properties");
        if (!job.error.empty()) extra["_amlk8s.error"] = job.error;
        if (job.exit_code) extra["_amlk8s.exitCode"] = std::to_string(*job.exit_code);
      }
    };
    if (body != nullptr) edit(*body);
    else arm.update(job.id, edit);
  }

  void fail_now(job_state& job, std::string message, object* body) {
    job.error = std::move(message);
    job.st = stage::done;
    set_status(job, "Failed", body);
  }

  // ---- submission ----------------------------------------------------------------------------------

  void resolve_compute(job_state& job, kube::api_server*& api_out, std::shared_ptr<kube::api_server>& api) {
    const auto value = str(job.props, "computeId");
    if (value.empty())
      throw job_failure{"properties.computeId is required: name a Kubernetes compute of workspace '" + job.workspace +
                        "' (azureml:<compute> or its ARM id)."};
    compute_target target;
    try {
      target = resolve_compute_target(value, resource_id::parse(job.workspace_id));
    } catch (const error& e) {
      throw job_failure{"properties.computeId '" + value + "' is not a compute reference: " + std::string(e.what())};
    }
    if (target.kind != compute_target::target_kind::workspace_compute)
      throw job_failure{"properties.computeId '" + value +
                        "' is not run by the local control plane: name a Kubernetes compute of workspace '" +
                        job.workspace + "'."};
    const auto compute_id = target.id.to_string();
    const auto prefix = detail::to_lower(job.workspace_id + "/computes/");
    const auto body = arm.get(compute_id);
    if (!body || !detail::to_lower(compute_id).starts_with(prefix))
      throw job_failure{"The compute '" + compute_id + "' in properties.computeId was not found in workspace '" +
                        job.workspace + "'. Attach the cluster as a Kubernetes compute of this workspace first."};
    const auto* props = obj(*body, "properties");
    job.compute = str(*body, "name");
    if (props == nullptr || !http::iequals(str(*props, "computeType"), "Kubernetes"))
      throw job_failure{"The compute '" + job.compute + "' is of type '" + (props ? str(*props, "computeType") : "") +
                        "'; the local control plane runs jobs on computes of type Kubernetes."};
    job.cluster_id = str(*props, "resourceId");
    const auto cluster = arm.cluster(job.cluster_id);
    api = cluster ? lookup(*cluster) : nullptr;
    if (!api)
      throw job_failure{"The cluster '" + job.cluster_id + "' of compute '" + job.compute + "' does not exist (any more)."};
    api_out = api.get();
    job.cluster_key = detail::to_lower(cluster->name);
    job.ns = "default";
    if (const auto* k8s = obj(*props, "properties"))
      if (auto ns = str(*k8s, "namespace"); !ns.empty()) job.ns = std::move(ns);

    // §1.4: the extension's nodeSelector settings join the instance type's.
    const auto cluster_prefix = detail::to_lower(job.cluster_id + "/providers/");
    for (const auto& id : arm.ids(extensions_type)) {
      if (!detail::to_lower(id).starts_with(cluster_prefix)) continue;
      const auto ext = arm.get(id);
      const auto* ep = ext ? obj(*ext, "properties") : nullptr;
      if (ep == nullptr || !http::iequals(str(*ep, "extensionType"), azureml_extension_type)) continue;
      azureml::settings_map settings;
      if (const auto* cs = obj(*ep, "configurationSettings"))
        for (const auto& [k, v] : *cs)
          if (v.is_string()) settings[std::string(k)] = std::string(v.as_string());
      for (const auto& [k, v] : azureml::node_selector(settings)) job.fit.extension_node_selector[k] = v;
    }
    job.fit.context = {job.resource_group, job.workspace, job.compute};
  }

  // §2.4: what `environmentId` names, down to a version's image.
  void resolve_environment(job_state& job) {
    const auto value = str(job.props, "environmentId");
    if (value.empty())
      throw job_failure{"properties.environmentId is required: name an environment version "
                        "(azureml:<name>:<version> or its ARM id)."};
    if (value.starts_with("azureml://registries/")) {
      // A registry's (curated) environment: its image is the registry's business; its images carry Python.
      job.image = value;
      job.python_image = true;
      return;
    }
    std::string id = value;
    const auto workspace = resource_id::parse(job.workspace_id);
    if (azureml_reference::is_reference(value)) {
      try {
        const auto ref = azureml_reference::parse(value);
        if (ref.kind() == azureml_reference::form::registry) {
          job.image = value;
          job.python_image = true;
          return;
        }
        id = ref.kind() == azureml_reference::form::name_label || ref.kind() == azureml_reference::form::name
                 ? ref.container_id(workspace, azureml_asset_type::environments).to_string() +
                       (ref.label().empty() || ref.label() == "latest" ? "" : "/labels/" + std::string(ref.label()))
                 : ref.to_arm_id(workspace, azureml_asset_type::environments).to_string();
      } catch (const error& e) {
        throw job_failure{"properties.environmentId '" + value + "' is not an environment reference: " + e.what()};
      }
    }
    auto segments = detail::split_path(id);
    if (segments.size() >= 2 && http::iequals(segments[segments.size() - 2], "labels")) {
      if (segments.back() != "latest")
        throw job_failure{"properties.environmentId '" + value +
                          "' names a label; the local control plane resolves only the label 'latest'."};
      id = id.substr(0, id.rfind("/labels/"));
      segments = detail::split_path(id);
    }
    if (segments.size() >= 2 && http::iequals(segments[segments.size() - 2], "environments")) {
      // A container: its latest version.
      const auto container = arm.get(id);
      const auto* cp = container ? obj(*container, "properties") : nullptr;
      const auto latest = cp ? str(*cp, "latestVersion") : std::string{};
      if (latest.empty())
        throw job_failure{"The environment '" + id + "' in properties.environmentId has no versions. Create one "
                          "(PUT .../environments/<name>/versions/<version> with properties.image)."};
      id += "/versions/" + latest;
    }
    const auto version = arm.get(id);
    if (!version || !http::iequals(str(*version, "type"), env_versions_type))
      throw job_failure{"The environment version '" + id + "' in properties.environmentId was not found. Create it "
                        "first (PUT it with properties.image), or name an existing one."};
    const auto* vp = obj(*version, "properties");
    job.image = vp ? str(*vp, "image") : std::string{};
    const bool conda = vp != nullptr && !str(*vp, "condaFile").empty();
    if (job.image.empty()) {
      const auto parts = detail::split_path(id);
      job.image = "azureml/" + parts[parts.size() - 3] + ":" + parts.back();  // built from its context
    }
    job.python_image = ml::is_python_image(job.image) || conda;
  }

  void resolve_instance_type(job_state& job, kube::api_server& api, int& count) {
    const auto* resources = obj(job.props, "resources");
    std::string name = resources ? str(*resources, "instanceType") : std::string{};
    if (name.empty()) name = std::string(model::default_instance_type_name);
    count = 1;
    if (resources != nullptr)
      if (const auto* c = resources->if_contains("instanceCount"); c != nullptr && !c->is_null()) {
        if (!c->is_int64() && !c->is_uint64())
          throw job_failure{"properties.resources.instanceCount must be a whole number of at least 1."};
        const auto n = c->is_int64() ? c->as_int64() : static_cast<std::int64_t>(c->as_uint64());
        if (n < 1 || n > 1000)
          throw job_failure{"properties.resources.instanceCount is " + std::to_string(n) +
                            "; it must be between 1 and 1000."};
        count = static_cast<int>(n);
      }
    std::vector<boost::json::object> crs;
    try {
      crs = api.list(res::instancetypes);
    } catch (const error&) {
      // No InstanceType CRD in the cluster: only the virtual default exists.
    }
    std::vector<std::string> names;
    for (const auto& cr : crs) {
      const auto* meta = obj(cr, "metadata");
      const auto cr_name = meta ? str(*meta, "name") : std::string{};
      names.push_back(cr_name);
      if (cr_name != name) continue;
      try {
        job.type = model::instance_type::from_json(cr);
      } catch (const error& e) {
        throw job_failure{"The instance type '" + name + "' of cluster '" + job.cluster_key + "' is not valid: " +
                          e.what()};
      }
      return;
    }
    if (name == model::default_instance_type_name) {
      job.type = model::instance_type::virtual_default(model::default_profile::current);
      return;
    }
    std::string known(model::default_instance_type_name);
    for (const auto& n : names)
      if (n != model::default_instance_type_name) known += ", " + n;
    throw job_failure{"The instance type '" + name + "' in properties.resources.instanceType does not exist in cluster '" +
                      job.cluster_key + "'. Create it (kubectl apply -f) or name one that does: " + known + "."};
  }

  void resolve(job_state& job, std::shared_ptr<kube::api_server>& api, int& count) {
    const auto type = str(job.props, "jobType");
    if (!http::iequals(type, "Command"))
      throw job_failure{"properties.jobType '" + type +
                        "' is not run by the local control plane; it runs jobs of type Command."};
    const auto command = str(job.props, "command");
    if (command.empty()) throw job_failure{"properties.command is required: the command line the job runs."};
    kube::api_server* raw = nullptr;
    resolve_compute(job, raw, api);
    resolve_environment(job);
    resolve_instance_type(job, *raw, count);
    job.pod = model::effective_pod_settings(job.type, job.fit);
    if (const auto* limits = obj(job.props, "limits"))
      if (auto t = str(*limits, "timeout"); !t.empty()) {
        job.timeout = ml::parse_iso8601_duration(t);
        if (!job.timeout || job.timeout->count() <= 0)
          throw job_failure{"properties.limits.timeout '" + t + "' is not a positive ISO 8601 duration such as PT5M or PT30S."};
        job.timeout_text = t;
      }
    if (options.run_processes) {
      job.dir = options.work_dir / "jobs" / job.resource_group / job.workspace / job.name;
    }
    try {
      job.command = ml::bind_command(command, obj(job.props, "inputs"), obj(job.props, "outputs"),
                                     [&](std::string_view output) {
                                       return (job.dir.empty() ? std::filesystem::path("outputs") / output
                                                               : job.dir / "outputs" / output)
                                           .string();
                                     });
    } catch (const std::invalid_argument& e) {
      throw job_failure{e.what()};
    }
    if (const auto* vars = obj(job.props, "environmentVariables"))
      for (const auto& [k, v] : *vars)
        job.user_env.emplace_back(std::string(k), v.is_string() ? std::string(v.as_string()) : boost::json::serialize(v));
  }

  std::vector<std::pair<std::string, std::string>> azureml_env(const job_state& job, std::size_t index) const {
    std::vector<std::pair<std::string, std::string>> env{
        {"AZUREML_RUN_ID", job.name},
        {"AZUREML_ARM_SUBSCRIPTION", job.subscription},
        {"AZUREML_ARM_RESOURCEGROUP", job.resource_group},
        {"AZUREML_ARM_WORKSPACE_NAME", job.workspace},
        {"AZUREML_ARM_PROJECT_NAME", str(job.props, "experimentName")},
        {"AZUREML_COMPUTE_NAME", job.compute},
        {"AZUREML_INSTANCE_TYPE", job.type.name},
        {"AZUREML_INSTANCE_INDEX", std::to_string(index)},
        {"AZUREML_INSTANCE_COUNT", std::to_string(job.instances.size())}};
    env.insert(env.end(), job.user_env.begin(), job.user_env.end());
    return env;
  }

  void submit(job_state& job) {
    std::shared_ptr<kube::api_server> api;
    int count = 1;
    try {
      resolve(job, api, count);
    } catch (const job_failure& f) {
      fail_now(job, f.message, nullptr);
      return;
    }
    install_log_provider(job.cluster_key, *api);
    job.instances.resize(static_cast<std::size_t>(count));
    try {
      if (!api->get(res::namespaces, "", job.ns))
        api->create(res::namespaces, object{{"apiVersion", "v1"}, {"kind", "Namespace"}, {"metadata", object{{"name", job.ns}}}});
      for (std::size_t i = 0; i < job.instances.size(); ++i) {
        auto& inst = job.instances[i];
        ml::pod_plan plan;
        plan.name = labels::job_pod_name(job.name, static_cast<int>(i));
        plan.ns = job.ns;
        plan.job = job.name;
        plan.compute = job.compute;
        plan.index = static_cast<int>(i);
        plan.image = job.image;
        plan.command = job.command;
        plan.env = azureml_env(job, i);
        plan.type = job.type;
        plan.settings = job.pod;
        api->create(res::pods, ml::job_pod(plan));
        inst.pod = plan.name;
        inst.log = std::make_shared<ml::log_buffer>(options.log_limit);
        std::lock_guard lock(logs_mutex);
        logs[log_key(job.cluster_key, job.ns, inst.pod)] = inst.log;
      }
    } catch (const error& e) {
      delete_pods(job, *api);
      fail_now(job, "The job's pods could not be created in namespace '" + job.ns + "': " + kube_message(e), nullptr);
      return;
    }
    job.st = stage::queued;
    set_status(job, "Queued", nullptr);
  }

  void delete_pods(job_state& job, kube::api_server& api) {
    for (auto& inst : job.instances) {
      if (inst.pod.empty()) continue;
      try {
        api.remove(res::pods, job.ns, inst.pod);
      } catch (const error&) {
      }
    }
  }

  void drop_logs(const job_state& job) {
    std::lock_guard lock(logs_mutex);
    for (const auto& inst : job.instances)
      if (!inst.pod.empty()) logs.erase(log_key(job.cluster_key, job.ns, inst.pod));
  }

  // ---- scheduling (§4.4) ---------------------------------------------------------------------------

  void emit_event(kube::api_server& api, const object& pod, std::string_view reason, std::string_view message) {
    const auto* meta = obj(pod, "metadata");
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, "%016llx",
                  static_cast<unsigned long long>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                      time->now().time_since_epoch())
                                                      .count()) +
                      ++events);
    try {
      api.create(res::events, ml::scheduler_event(pod, (meta ? str(*meta, "name") : std::string("pod")) + "." + suffix,
                                                  reason, message, now_text()));
    } catch (const error&) {
      // An event is a courtesy; the pod's condition carries the same message.
    }
  }

  // Updates pod `name` with `edit`; false when the pod is gone.
  template <class Edit>
  bool edit_pod(kube::api_server& api, const job_state& job, const std::string& name, Edit&& edit) {
    auto pod = api.get(res::pods, job.ns, name);
    if (!pod) return false;
    edit(*pod);
    member(*pod, "metadata").erase("resourceVersion");
    try {
      api.update(res::pods, std::move(*pod));
    } catch (const error&) {
      return false;
    }
    return true;
  }

  void schedule(const std::vector<job_state*>& order) {
    // One pass per cluster, jobs in creation order; a job's pods are placed together or not at all.
    std::map<std::string, std::vector<job_state*>> by_cluster;
    std::vector<std::string> clusters;
    for (auto* job : order) {
      if (job->st != stage::queued) continue;
      if (!by_cluster.contains(job->cluster_key)) clusters.push_back(job->cluster_key);
      by_cluster[job->cluster_key].push_back(job);
    }
    for (const auto& cluster : clusters) {
      const auto& queued = by_cluster[cluster];
      const auto api = api_of(*queued.front());
      if (!api) {
        for (auto* job : queued) begin_stop(*job, "Failed", "The cluster '" + job->cluster_id + "' of compute '" + job->compute + "' does not exist any more.");
        continue;
      }
      array nodes;
      array pods;
      for (auto& n : api->list(res::nodes)) nodes.push_back(std::move(n));
      for (auto& p : api->list(res::pods)) pods.push_back(std::move(p));
      std::vector<model::node_view> views;
      try {
        views = model::node_views(nodes, pods);
      } catch (const error&) {
        continue;  // a node or pod the scheduler cannot read; try again later
      }
      for (auto* job : queued) place(*job, *api, views);
    }
  }

  void place(job_state& job, kube::api_server& api, std::vector<model::node_view>& views) {
    for (auto& inst : job.instances)
      if (!api.get(res::pods, job.ns, inst.pod)) {
        inst.pod_gone = true;
        begin_stop(job, "Failed", "Pod " + job.ns + "/" + inst.pod + " of the job was deleted before it ran.");
        return;
      }
    auto scratch = views;
    std::vector<std::size_t> placement;
    std::string message;
    model::pod_usage usage;
    usage.ns = job.ns;
    usage.requests = job.pod.requests;
    for (std::size_t i = 0; i < job.instances.size(); ++i) {
      const auto fit = model::analyze(job.type, scratch, job.fit);
      std::size_t chosen = scratch.size();
      for (std::size_t n = 0; n < fit.nodes.size() && chosen == scratch.size(); ++n)
        if (fit.nodes[n].status == model::fit_status::fits && fit.nodes[n].instances > 0) chosen = n;
      if (chosen == scratch.size()) {
        message = fit.scheduler_message();
        break;
      }
      usage.name = job.instances[i].pod;
      scratch[chosen].pods.push_back(usage);
      placement.push_back(chosen);
    }
    const auto now = now_text();
    if (placement.size() < job.instances.size()) {
      for (auto& inst : job.instances) {
        if (inst.unschedulable == message) continue;
        inst.unschedulable = message;
        std::optional<object> written;
        edit_pod(api, job, inst.pod, [&](object& pod) {
          ml::mark_unschedulable(pod, message, now);
          written = pod;
        });
        if (written) emit_event(api, *written, "FailedScheduling", message);
      }
      return;
    }
    views = std::move(scratch);
    for (std::size_t i = 0; i < job.instances.size(); ++i) {
      auto& inst = job.instances[i];
      inst.node = views[placement[i]].name;
      const auto node = api.get(res::nodes, "", inst.node);
      const auto ip = node ? ml::internal_ip(*node) : std::string{};
      std::optional<object> written;
      edit_pod(api, job, inst.pod, [&](object& pod) {
        ml::mark_bound(pod, inst.node, ip, now);
        written = pod;
      });
      if (written)
        emit_event(api, *written, "Scheduled", "Successfully assigned " + job.ns + "/" + inst.pod + " to " + inst.node);
    }
    set_status(job, "Starting", nullptr);
    start(job, api);
  }

  // ---- running -------------------------------------------------------------------------------------

  std::string python_shim(const std::string& path) {
    auto python3 = options.python3.empty() ? ml::find_interpreter("python3", path) : options.python3;
    if (python3.empty())
      if (const char* server_path = std::getenv("PATH")) python3 = ml::find_interpreter("python3", server_path);
    if (python3.empty()) return {};
    const auto dir = options.work_dir / "jobs" / ".bin";
    const auto shim = dir / "python";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    const std::string text = "#!/bin/sh\nexec " + shell_quote(python3) + " \"$@\"\n";
    std::string current;
    {
      std::ifstream in(shim, std::ios::binary);
      current.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    if (current != text) {
      const auto temp = dir / ("python." + std::to_string(::getpid()) + ".tmp");
      {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        out << text;
      }
      ::chmod(temp.c_str(), 0755);
      std::filesystem::rename(temp, shim, ec);
    }
    return dir.string();
  }

  // The whole environment of instance `index`'s process.
  std::vector<std::string> process_env(const job_state& job, std::size_t index) {
    std::vector<std::pair<std::string, std::string>> vars;
    for (const auto name : inherited_variables)
      if (const char* v = std::getenv(std::string(name).c_str())) vars.emplace_back(std::string(name), v);
    vars.emplace_back("HOME", job.dir.string());
    for (auto& kv : azureml_env(job, index)) vars.push_back(std::move(kv));
    // Later entries win; PATH is settled last.
    std::map<std::string, std::string> merged;
    std::vector<std::string> order;
    for (auto& [k, v] : vars) {
      if (!merged.contains(k)) order.push_back(k);
      merged[k] = std::move(v);
    }
    auto& path = merged["PATH"];
    if (path.empty()) {
      if (std::find(order.begin(), order.end(), "PATH") == order.end()) order.push_back("PATH");
      path = "/usr/local/bin:/usr/bin:/bin";
    }
    // An image that is a Python one has `python`; a machine with only python3 gets a shim first on PATH.
    if (job.python_image && ml::find_executable("python", path).empty())
      if (const auto shim = python_shim(path); !shim.empty()) path = shim + ":" + path;
    std::vector<std::string> out;
    for (const auto& k : order) out.push_back(k + "=" + merged[k]);
    return out;
  }

  void start(job_state& job, kube::api_server& api) {
    job.started_at = time->now();
    std::string failure;
    if (options.run_processes) {
      std::error_code ec;
      std::filesystem::create_directories(job.dir / "outputs", ec);
      if (const auto* outputs = obj(job.props, "outputs"))
        for (const auto& [k, v] : *outputs) std::filesystem::create_directories(job.dir / "outputs" / std::string(k), ec);
      if (ec) failure = "The job's working folder '" + job.dir.string() + "' could not be created: " + ec.message();
      for (std::size_t i = 0; i < job.instances.size() && failure.empty(); ++i) {
        ml::spawn_request request{job.command, job.dir, process_env(job, i)};
        try {
          auto child = std::make_unique<ml::child_process>(request, job.instances[i].log);
          std::lock_guard lock(proc_mutex);
          procs[proc_key(job, i)] = proc_entry{std::move(child), false};
        } catch (const std::system_error& e) {
          failure = "Instance " + std::to_string(i) + " could not be started: " + e.what();
          break;
        }
        job.instances[i].started = true;
      }
      poke();
    } else {
      for (std::size_t i = 0; i < job.instances.size(); ++i) {
        job.instances[i].started = true;
        job.instances[i].log->append(
            "amlk8s-local: job processes are off (run_job_processes); instance " + std::to_string(i) + " of " +
            std::to_string(job.instances.size()) + " would have run, in image '" + job.image + "':\n  /bin/sh -c " +
            shell_quote(job.command) + "\n");
      }
    }
    const auto now = now_text();
    for (auto& inst : job.instances)
      if (inst.started && !edit_pod(api, job, inst.pod, [&](object& pod) { ml::mark_running(pod, now); }))
        inst.pod_gone = true;
    if (!failure.empty()) {
      begin_stop(job, "Failed", failure);
      return;
    }
    job.st = stage::running;
    set_status(job, "Running", nullptr);
  }

  // Asks every running instance to stop; the job ends as `final_status` once they have.
  void begin_stop(job_state& job, std::string final_status, std::string message, std::string pod_reason = {}) {
    if (job.st == stage::done || job.st == stage::stopping) return;
    job.st = stage::stopping;
    job.final_status = std::move(final_status);
    job.stop_reason = std::move(pod_reason);
    job.stop_message = job.final_status == "Canceled" ? std::string("The job was canceled.") : message;
    if (job.final_status == "Failed" && job.error.empty()) job.error = std::move(message);
    std::lock_guard lock(proc_mutex);
    for (std::size_t i = 0; i < job.instances.size(); ++i) {
      auto& inst = job.instances[i];
      if (!inst.started || inst.finished) continue;
      if (const auto it = procs.find(proc_key(job, i)); it != procs.end()) {
        it->second.child->terminate(options.kill_grace);
      } else if (!options.run_processes) {
        inst.log->append("amlk8s-local: the simulated run was stopped.\n");
        inst.finished = true;
        inst.exit_code = 137;  // what a killed container shows
      }
    }
  }

  // Instances that ended since the last look: their pods show how, and a failed one stops the job.
  void collect(job_state& job, kube::api_server* api, clock::time_point now_tp) {
    const auto now = azureml::rfc3339(now_tp);
    for (std::size_t i = 0; i < job.instances.size(); ++i) {
      auto& inst = job.instances[i];
      if (!inst.started) continue;
      if (!inst.finished && options.run_processes) {
        std::lock_guard lock(proc_mutex);
        const auto it = procs.find(proc_key(job, i));
        if (it != procs.end() && it->second.child->finished()) {
          inst.finished = true;
          inst.exit_code = it->second.child->exit_code();
          procs.erase(it);
        }
      } else if (!inst.finished && job.st == stage::running &&
                 now_tp - job.started_at >= std::chrono::duration_cast<clock::duration>(options.simulated_run_time)) {
        inst.finished = true;
        inst.exit_code = 0;
        inst.log->append("amlk8s-local: the simulated run ended after " +
                         std::to_string(options.simulated_run_time.count()) + " ms with exit code 0.\n");
      }
      if (!inst.finished || inst.recorded) continue;
      inst.recorded = true;
      if (api != nullptr && !inst.pod_gone) {
        const bool stopping = job.st == stage::stopping;
        const auto reason = inst.exit_code == 0 ? std::string("Completed") : std::string("Error");
        if (!edit_pod(*api, job, inst.pod, [&](object& pod) {
              ml::mark_terminated(pod, inst.exit_code, reason, stopping ? job.stop_message : std::string{},
                                  stopping ? job.stop_reason : std::string{}, now);
            }))
          inst.pod_gone = true;
      }
      if (inst.exit_code != 0 && job.st == stage::running) {
        job.exit_code = inst.exit_code;
        begin_stop(job, "Failed",
                   "Instance " + std::to_string(i) + " (pod " + inst.pod + ") exited with code " +
                       std::to_string(inst.exit_code) + ".");
      }
    }
  }

  // Moves a running or stopping job on; `body` is set when an observer looks at the job's resource.
  void advance(job_state& job, object* body) {
    if (job.st != stage::running && job.st != stage::stopping) return;
    const auto api = api_of(job);
    const auto now = time->now();
    collect(job, api.get(), now);
    if (job.st == stage::running) {
      if (std::all_of(job.instances.begin(), job.instances.end(), [](const instance_state& s) { return s.finished; })) {
        job.exit_code = 0;
        job.final_status = "Completed";
        job.st = stage::stopping;
      } else if (!api) {
        begin_stop(job, "Failed", "The cluster '" + job.cluster_id + "' of compute '" + job.compute + "' does not exist any more.");
      } else if (job.timeout && now - job.started_at >= std::chrono::duration_cast<clock::duration>(*job.timeout)) {
        begin_stop(job, "Failed",
                   "The job ran longer than properties.limits.timeout (" + job.timeout_text + ") and was stopped.",
                   "DeadlineExceeded");
      } else {
        for (auto& inst : job.instances)
          if (!api->get(res::pods, job.ns, inst.pod)) {
            inst.pod_gone = true;
            begin_stop(job, "Failed", "Pod " + job.ns + "/" + inst.pod + " of the job was deleted while it ran.");
            break;
          }
      }
      collect(job, api.get(), now);  // what a stop ended at once (simulated runs)
    }
    if (job.st != stage::stopping) return;
    if (!std::all_of(job.instances.begin(), job.instances.end(),
                     [](const instance_state& s) { return !s.started || s.finished; }))
      return;
    // Every process is gone: pods that never ran go, then the job ends.
    if (api)
      for (auto& inst : job.instances)
        if (!inst.started && !inst.pod.empty()) api->remove(res::pods, job.ns, inst.pod);
    job.st = stage::done;
    set_status(job, job.final_status, body);
  }

  // ---- the ARM side --------------------------------------------------------------------------------

  std::optional<operation_failure> observe(resource_event& e) {
    if (!http::iequals(e.type, jobs_type)) return std::nullopt;
    std::lock_guard lock(mutex);
    if (stopped) return std::nullopt;
    const auto key = detail::to_lower(e.id);
    auto it = jobs.find(key);
    if (e.kind == change_kind::deleted) {
      if (it != jobs.end()) forget(it, /*erase=*/!e.started);
      count_active();
      return std::nullopt;
    }
    if (e.kind == change_kind::created && !e.started) {
      if (it != jobs.end()) forget(it, true);
      job_state job;
      job.id = e.id;
      job.key = key;
      job.name = last_segment(e.id);
      job.sequence = ++sequence;
      if (const auto* p = obj(e.body, "properties")) job.props = *p;
      job.status = str(job.props, "status");
      job.history.push_back(job.status);
      const auto segments = detail::split_path(e.id);
      if (segments.size() >= 8) {
        job.subscription = segments[1];
        job.resource_group = segments[3];
        job.workspace = segments[7];
      }
      job.workspace_id = e.id.substr(0, detail::to_lower(e.id).rfind("/jobs/"));
      jobs.emplace(key, std::move(job));
      count_active();
      poke();
      return std::nullopt;
    }
    if (it == jobs.end()) return std::nullopt;
    auto& job = it->second;
    auto& props = member(e.body, "properties");
    if (e.kind == change_kind::updated && e.started && str(props, "status") == "CancelRequested") {
      // The cancel starts: the processes are asked to stop now.
      if (job.st == stage::done) return std::nullopt;
      job.cancel_requested = true;
      job.status = "CancelRequested";
      job.history.push_back(job.status);
      if (job.st == stage::stopping) {
        job.final_status = "Canceled";  // already stopping (a timeout, a failed instance): the cancel names the end
        job.stop_message = "The job was canceled.";
      } else {
        begin_stop(job, "Canceled", {});
      }
      poke();
      return std::nullopt;
    }
    if (e.kind == change_kind::updated && !e.started && job.cancel_requested && str(props, "status") == "Canceled" &&
        job.st != stage::done) {
      // The cancel operation completes: Canceled only once nothing runs any more.
      {
        std::lock_guard plock(proc_mutex);
        pump_locked();
      }
      advance(job, &e.body);
      if (job.st != stage::done) member(e.body, "properties")["status"] = "CancelRequested";
      count_active();
    }
    return std::nullopt;
  }

  // The job's resource is going: its processes are killed, its pods go. With `erase` the record
  // goes too (the delete completed); otherwise it stays, done, until then.
  void forget(std::map<std::string, job_state>::iterator it, bool erase) {
    auto& job = it->second;
    {
      std::lock_guard lock(proc_mutex);
      for (std::size_t i = 0; i < job.instances.size(); ++i)
        if (const auto p = procs.find(proc_key(job, i)); p != procs.end()) {
          p->second.child->kill();
          p->second.orphan = true;
          // Kept under another key until reaped, so that a new job of the same name starts clean.
          auto entry = std::move(p->second);
          procs.erase(p);
          procs["~" + std::to_string(++events)] = std::move(entry);
        }
    }
    if (const auto api = api_of(job)) delete_pods(job, *api);
    job.st = stage::done;
    if (erase) {
      drop_logs(job);
      jobs.erase(it);
    }
  }

  void tick() {
    std::lock_guard lock(mutex);
    if (stopped) return;
    {
      std::lock_guard plock(proc_mutex);
      pump_locked();
    }
    std::vector<job_state*> order;
    for (auto& [k, j] : jobs)
      if (j.st != stage::done) order.push_back(&j);
    if (order.empty()) return;
    std::sort(order.begin(), order.end(), [](const job_state* a, const job_state* b) { return a->sequence < b->sequence; });
    for (auto* job : order) {
      try {
        if (job->st == stage::submitted) submit(*job);
      } catch (const std::exception&) {
        fail_now(*job, "The job could not be submitted inside the local control plane.", nullptr);
      }
    }
    try {
      schedule(order);
    } catch (const std::exception&) {
      // The cluster's objects could not be read this round; try again at the next.
    }
    for (auto* job : order) {
      try {
        advance(*job, nullptr);
      } catch (const std::exception&) {
      }
    }
    count_active();
  }

  void run_driver() {
    auto last = std::chrono::steady_clock::now() - options.poll_interval;
    while (!quit) {
      std::vector<pollfd> fds{{wake[0], POLLIN, 0}};
      bool processes = false;
      {
        std::lock_guard lock(proc_mutex);
        processes = !procs.empty();
        for (const auto& [k, p] : procs)
          if (p.child->output_fd() >= 0) fds.push_back({p.child->output_fd(), POLLIN, 0});
      }
      // Idle (no job moving, no process to reap) until an observer pokes.
      const auto wait = options.poll_interval - (std::chrono::steady_clock::now() - last);
      const int timeout = active == 0 && !processes
                              ? -1
                              : static_cast<int>(std::max<std::int64_t>(
                                    0, std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()));
      ::poll(fds.data(), fds.size(), timeout);
      if (quit) break;
      char buf[64];
      while (::read(wake[0], buf, sizeof buf) > 0) {
      }
      {
        std::lock_guard lock(proc_mutex);
        pump_locked();
      }
      const auto now = std::chrono::steady_clock::now();
      if (now - last >= options.poll_interval) {
        last = now;
        if (active > 0) arm.locked([this] { tick(); });
      }
    }
  }

  void stop() {
    {
      std::lock_guard lock(mutex);
      if (stopped) return;
      stopped = true;
    }
    quit = true;
    poke();
    if (driver.joinable()) driver.join();
    std::map<std::string, proc_entry> doomed;
    {
      std::lock_guard lock(proc_mutex);
      for (auto& [k, p] : procs) p.child->kill();
      doomed.swap(procs);
    }
    doomed.clear();  // each child is reaped (it was killed just before)
    for (int& fd : wake) {
      if (fd >= 0) ::close(fd);
      fd = -1;
    }
  }
};

job_runner::job_runner(arm_api& arm, std::shared_ptr<clock> time, cluster_api_lookup lookup, job_runner_options options)
    : impl_(std::make_shared<impl>(arm, std::move(time), std::move(lookup), std::move(options))) {
  if (!impl_->time) throw error(errc::invalid_argument, "job_runner needs the control plane's clock");
  if (impl_->options.run_processes && impl_->options.work_dir.empty())
    throw error(errc::invalid_argument,
                "job_runner_options.work_dir is required when run_processes is on: set it to a folder for the jobs");
  std::weak_ptr<impl> weak = impl_;
  auto observer = [weak](resource_event& e) -> std::optional<operation_failure> {
    const auto self = weak.lock();
    return self ? self->observe(e) : std::nullopt;
  };
  arm.on_change(observer);
  arm.on_start(observer);
  arm.on_settle([weak] {
    if (const auto self = weak.lock()) self->tick();
  });
  if (impl_->options.poll_interval.count() > 0) {
    if (::pipe2(impl_->wake, O_CLOEXEC | O_NONBLOCK) != 0)
      throw error(errc::transport_error, std::string("job_runner: pipe2 failed: ") + std::strerror(errno));
    impl_->driver = std::thread([self = impl_.get()] { self->run_driver(); });
  }
}

job_runner::~job_runner() { impl_->stop(); }

void job_runner::stop() { impl_->stop(); }

const job_runner_options& job_runner::options() const noexcept { return impl_->options; }

std::optional<job_run_info> job_runner::info(std::string_view job_id) const {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->jobs.find(detail::to_lower(job_id));
  if (it == impl_->jobs.end()) return std::nullopt;
  const auto& j = it->second;
  return job_run_info{j.id, j.status, j.history, j.exit_code, j.error, j.dir};
}

std::optional<std::string> job_runner::log(std::string_view job_id, int index) const {
  std::lock_guard lock(impl_->mutex);
  const auto it = impl_->jobs.find(detail::to_lower(job_id));
  if (it == impl_->jobs.end() || index < 0 || static_cast<std::size_t>(index) >= it->second.instances.size())
    return std::nullopt;
  const auto& inst = it->second.instances[static_cast<std::size_t>(index)];
  return inst.log ? inst.log->text() : std::string{};
}

}  // namespace amlk8s::local
