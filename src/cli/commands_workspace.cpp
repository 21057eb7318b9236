// `amlk8s compute`, `amlk8s job`, `amlk8s online-endpoint` and `amlk8s online-deployment`: the
// AzureML workspace's Kubernetes computes, command jobs and online endpoints, through
// model::workspace_client. Output follows az ml: the YAML schema's snake_case names.
#include "cli/cli.hpp"

#include "cli/progress.hpp"

#include <amlk8s/model/session.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

namespace amlk8s::cli {

namespace json = boost::json;

namespace {

using field_flags = std::map<std::string, std::string, std::less<>>;

// The SDK names fields of the object; on the command line they are flags (or keys of a file).
std::vector<validation_issue> renamed(std::vector<validation_issue> issues, const field_flags& flag_of,
                                      std::string_view file = {}) {
  for (auto& i : issues) {
    if (auto it = flag_of.find(i.field); it != flag_of.end() && file.empty()) {
      i.field = it->second + " (" + i.field + ")";
    } else if (!file.empty()) {
      i.field = std::string(file) + ": " + i.field;
    }
  }
  return issues;
}

// Runs `f`; an amlk8s::error with validation issues comes back with them renamed as above.
template <class F>
auto with_flags(const field_flags& flag_of, std::string_view file, F&& f) {
  try {
    return f();
  } catch (const amlk8s::error& e) {
    if (e.diag().validation.empty()) throw;
    auto d = e.diag();
    d.validation = renamed(std::move(d.validation), flag_of, file);
    throw amlk8s::error(e.code(), std::move(d));
  }
}

void put(json::object& o, std::string_view key, const std::string& value) {
  if (!value.empty()) o[key] = value;
}

json::object string_map(const std::map<std::string, std::string>& m) {
  json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

std::string read_file_flag(const context& c, std::string_view flag) {
  const auto path = c.require(flag);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw usage(std::string(flag), "'" + path + "' is not a file", "give the path of an existing file");
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// `azureml:k8s-compute`, `k8s-compute` or the compute's ARM id → its name.
std::string compute_name_of(std::string_view ref) {
  if (ref.starts_with("azureml:")) ref.remove_prefix(8);
  if (const auto slash = ref.rfind('/'); slash != std::string_view::npos) ref.remove_prefix(slash + 1);
  return std::string(ref);
}

// A Kubernetes client for the cluster behind compute `compute_ref`: --kubeconfig when given; with a
// local control plane the compute's cluster's own; otherwise kubectl's default (`required`) or none.
std::optional<kube::client> compute_kube(context& c, const model::workspace_client& ws, std::string_view compute_ref,
                                         bool required) {
  if (c.flags.has("--kubeconfig")) return c.kube();
  if (c.is_local() && !compute_ref.empty()) {
    try {
      const auto compute = ws.computes().get(compute_name_of(compute_ref));
      const std::string cluster(compute.cluster.name());
      if (c.has_cluster_kubeconfig(cluster)) return c.kube(cluster);
    } catch (const amlk8s::error& e) {
      if (e.condition() != errc::not_found) throw;
    }
  }
  if (required) return c.kube();
  return std::nullopt;
}

const flag_spec name_flag{"--name|-n", flag_kind::value, "NAME", "The compute's name.", true};

const std::vector<flag_spec>& workspace_flags() {
  static const std::vector<flag_spec> v = {flags::workspace_name, flags::resource_group};
  return v;
}
const std::vector<flag_spec>& wait_flags() {
  static const std::vector<flag_spec> v = {flags::no_wait, flags::timeout};
  return v;
}
const std::vector<flag_spec>& kube_flags() {
  static const std::vector<flag_spec> v = {flags::kubeconfig, flags::kube_context};
  return v;
}

// ---- compute ----

json::value compute_json(const model::kubernetes_compute& k) {
  json::object o;
  o["name"] = k.name;
  put(o, "id", k.id);
  o["type"] = lower(k.compute_type);
  o["resource_id"] = k.cluster.to_string();
  o["namespace"] = k.namespace_name;
  o["provisioning_state"] = k.provisioning_state;
  if (!k.provisioning_error_code.empty() || !k.provisioning_error_message.empty()) {
    o["provisioning_errors"] = json::array{json::object{{"code", k.provisioning_error_code}, {"message", k.provisioning_error_message}}};
  }
  put(o, "location", k.location);
  put(o, "description", k.description);
  if (!k.tags.empty()) o["tags"] = string_map(k.tags);
  if (k.identity) {
    json::array ids;
    for (const auto& i : k.identity->user_assigned_identities) ids.push_back(json::value(i));
    json::object ident{{"type", k.identity->type}};
    if (!ids.empty()) ident["user_assigned_identities"] = std::move(ids);
    put(ident, "principal_id", k.identity->principal_id);
    put(ident, "tenant_id", k.identity->tenant_id);
    o["identity"] = std::move(ident);
  }
  put(o, "default_instance_type", k.default_instance_type);
  if (!k.instance_types.empty()) {
    json::object types;
    for (const auto& [n, t] : k.instance_types) {
      auto cr = t.to_json();
      types[n] = cr.contains("spec") ? cr["spec"] : json::value(json::object{});
    }
    o["instance_types"] = std::move(types);
  }
  put(o, "extension_release_train", k.extension_release_train);
  put(o, "created_on", k.created_on);
  put(o, "modified_on", k.modified_on);
  return o;
}

const column compute_columns[] = {{"Name", "name"},
                                  {"Type", "type"},
                                  {"Namespace", "namespace"},
                                  {"ProvisioningState", "provisioning_state"},
                                  {"DefaultInstanceType", "default_instance_type"}};

const field_flags compute_fields = {{"name", "--name"},
                                    {"cluster", "--resource-id"},
                                    {"namespace", "--namespace"},
                                    {"identity.type", "--identity-type"},
                                    {"identity.user_assigned_identities", "--user-assigned-identities"}};

int compute_attach(context& c) {
  model::kubernetes_compute k;
  k.name = c.require("--name");
  const auto id = c.require("--resource-id", "add --resource-id with the AKS or Arc cluster's ARM id");
  if (auto t = c.flags.value("--type"); t && lower(*t) != "kubernetes") {
    throw usage("--type", "'" + *t + "' is not a compute type amlk8s attaches", "write --type Kubernetes");
  }
  k.cluster = with_flags({}, {}, [&] {
    try {
      return resource_id::parse(id);
    } catch (const amlk8s::error& e) {
      throw usage("--resource-id", "'" + id + "' is not an ARM resource id (" + e.what() + ")",
                  "write /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>");
    }
  });
  k.namespace_name = c.flags.value("--namespace").value_or("default");
  k.description = c.flags.value("--description").value_or("");
  const auto identities = c.flags.list("--user-assigned-identities");
  if (c.flags.has("--identity-type") || !identities.empty()) {
    model::compute_identity ident;
    ident.type = c.flags.value("--identity-type").value_or("UserAssigned");
    ident.user_assigned_identities = identities;
    k.identity = ident;
  }
  if (auto issues = k.validate(); !issues.empty()) throw validation_error(renamed(std::move(issues), compute_fields));
  for (const auto& w : k.warnings()) c.warn(w);
  auto& s = c.session();
  auto ws = s.workspace(c.workspace());
  std::optional<kube::client> k8s;
  if (c.has_cluster_kubeconfig(k.cluster.name())) k8s.emplace(c.kube(k.cluster.name()));
  model::attach_options options;
  options.k8s = k8s ? &*k8s : nullptr;
  auto poller = with_flags(compute_fields, {}, [&] { return ws.computes().begin_attach(k, options); });
  if (c.flags.on("--no-wait")) return 0;
  c.wait(poller, "Attaching compute '" + k.name + "'");
  c.print(compute_json(ws.computes().get(k.name)), compute_columns);
  return 0;
}

int compute_detach(context& c) {
  const auto name = c.require("--name");
  auto ws = c.session().workspace(c.workspace());
  c.confirm("Detach compute '" + name + "' from workspace '" + std::string(ws.id().name()) +
            "'? (the cluster and its extension stay)");
  auto poller = ws.computes().begin_detach(name);
  if (c.flags.on("--no-wait")) return 0;
  c.wait(poller, "Detaching compute '" + name + "'");
  return 0;
}

int compute_show(context& c) {
  const auto name = c.require("--name");
  c.print(compute_json(c.session().workspace(c.workspace()).computes().get(name)), compute_columns);
  return 0;
}

int compute_list(context& c) {
  json::array items;
  for (const auto& k : c.session().workspace(c.workspace()).computes().list()) items.push_back(compute_json(k));
  c.print(items, compute_columns);
  return 0;
}

// ---- job ----

json::value job_json(const model::command_job& j) {
  json::object o;
  o["name"] = j.name;
  put(o, "id", j.id);
  o["type"] = "command";
  put(o, "display_name", j.display_name);
  put(o, "experiment_name", j.experiment_name);
  put(o, "description", j.description);
  put(o, "status", j.status);
  o["command"] = j.command;
  if (j.environment_inline) {
    json::object env{{"image", j.environment_inline->image}};
    put(env, "conda_file", j.environment_inline->conda_file);
    o["environment"] = std::move(env);
  } else {
    put(o, "environment", j.environment.empty() ? j.environment_id : j.environment);
  }
  put(o, "code", j.code);
  put(o, "compute", j.compute.empty() ? j.compute_id : j.compute);
  json::object resources{{"instance_count", j.instance_count}};
  put(resources, "instance_type", j.instance_type);
  put(resources, "shm_size", j.shm_size);
  o["resources"] = std::move(resources);
  if (!j.environment_variables.empty()) o["environment_variables"] = string_map(j.environment_variables);
  if (!j.inputs.empty()) {
    json::object in;
    for (const auto& [k, v] : j.inputs) {
      json::object x{{"type", v.type}};
      put(x, "value", v.value);
      put(x, "path", v.path);
      put(x, "mode", v.mode);
      in[k] = std::move(x);
    }
    o["inputs"] = std::move(in);
  }
  if (!j.outputs.empty()) {
    json::object out;
    for (const auto& [k, v] : j.outputs) {
      json::object x{{"type", v.type}};
      put(x, "path", v.path);
      put(x, "mode", v.mode);
      out[k] = std::move(x);
    }
    o["outputs"] = std::move(out);
  }
  if (!j.tags.empty()) o["tags"] = string_map(j.tags);
  if (!j.properties.empty()) o["properties"] = string_map(j.properties);
  if (!j.studio_url.empty()) o["services"] = json::object{{"Studio", json::object{{"endpoint", j.studio_url}}}};
  if (!j.created_at.empty()) o["creation_context"] = json::object{{"created_at", j.created_at}};
  return o;
}

const column job_columns[] = {{"Name", "name"},
                              {"DisplayName", "display_name"},
                              {"Status", "status"},
                              {"Compute", "compute"},
                              {"InstanceType", "resources.instance_type"}};

model::job_wait_options job_wait(const context& c) {
  model::job_wait_options w;
  if (c.is_local()) {
    // The local control plane answers at once: poll it quickly.
    w.interval = std::chrono::milliseconds(200);
    w.max_interval = std::chrono::seconds(1);
  }
  if (auto t = c.flags.value("--timeout")) {
    char* end = nullptr;
    const long seconds = std::strtol(t->c_str(), &end, 10);
    if (t->empty() || *end != '\0' || seconds <= 0) {
      throw usage("--timeout", "'" + *t + "' is not a number of seconds", "write --timeout 600");
    }
    w.timeout = std::chrono::seconds(seconds);
  }
  return w;
}

// Streams the job's log to stdout until it ends; the status changes go to stderr on a terminal.
int stream_job(context& c, const model::workspace_client& ws, const model::command_job& job) {
  auto k8s = compute_kube(c, ws, job.compute.empty() ? job.compute_id : job.compute, true);
  auto options = job_wait(c);
  const bool tty = c.show_progress();
  const auto start = std::chrono::steady_clock::now();
  options.on_status = [&c, tty, start](const model::command_job& j) {
    if (!tty) return;
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - start).count();
    c.err << "Status: " << j.status << " (" << s << "s)" << std::endl;
  };
  if (tty) c.err << "RunId: " << job.name << std::endl;
  const auto done = ws.jobs().stream_logs(
      job.name, *k8s, [&c](std::string_view text) { c.out << text << std::flush; }, options);
  c.out << "\nExecution Summary\n=================\nRunId: " << done.name << "\nStatus: " << done.status << "\n";
  if (!done.studio_url.empty()) c.out << "Web View: " << done.studio_url << "\n";
  c.out.flush();
  if (done.status != "Completed") {
    c.err << "ERROR: job '" << done.name << "' ended " << done.status << "\n";
    return exit_code_of(errc::operation_failed);
  }
  return 0;
}

int job_create(context& c) {
  const auto file = c.require("--file", "add --file job.yml (the YAML az ml job create -f takes)");
  const auto text = read_file_flag(c, "--file");
  auto job = model::command_job::from_yaml(text, file);
  if (auto n = c.flags.value("--name")) job.name = *n;
  if (auto n = c.flags.value("--display-name")) job.display_name = *n;
  if (auto n = c.flags.value("--experiment-name")) job.experiment_name = *n;
  if (auto issues = job.validate(); !issues.empty()) throw validation_error(renamed(std::move(issues), {}, file));
  auto& s = c.session();
  auto ws = s.workspace(c.workspace());
  auto k8s = compute_kube(c, ws, job.compute, false);
  model::job_create_options options;
  options.k8s = k8s ? &*k8s : nullptr;
  const auto created = with_flags({}, file, [&] { return ws.jobs().create(job, options); });
  if (c.flags.on("--stream")) return stream_job(c, ws, created);
  c.print(job_json(created), job_columns);
  return 0;
}

int job_show(context& c) {
  const auto name = c.require("--name");
  c.print(job_json(c.session().workspace(c.workspace()).jobs().get(name)), job_columns);
  return 0;
}

int job_list(context& c) {
  json::array items;
  for (const auto& j : c.session().workspace(c.workspace()).jobs().list()) items.push_back(job_json(j));
  c.print(items, job_columns);
  return 0;
}

int job_cancel(context& c) {
  const auto name = c.require("--name");
  auto ws = c.session().workspace(c.workspace());
  progress shown("Canceling job '" + name + "'", c.show_progress());
  auto options = job_wait(c);
  options.on_status = [&shown](const model::command_job& j) { shown.status(j.status); };
  const auto done = ws.jobs().cancel(name, options);
  shown.finish(done.status);
  c.print(job_json(done), job_columns);
  return 0;
}

int job_logs(context& c) {
  const auto name = c.require("--name");
  auto ws = c.session().workspace(c.workspace());
  return stream_job(c, ws, ws.jobs().get(name));
}

// ---- online endpoints and deployments ----

json::value endpoint_json(const model::online_endpoint& e) {
  json::object o;
  o["name"] = e.name;
  put(o, "id", e.id);
  o["auth_mode"] = e.auth_mode;
  o["compute"] = e.compute;
  put(o, "provisioning_state", e.provisioning_state);
  put(o, "scoring_uri", e.scoring_uri);
  put(o, "openapi_uri", e.swagger_uri);
  json::object traffic;
  for (const auto& [d, p] : e.traffic) traffic[d] = p;
  o["traffic"] = std::move(traffic);
  put(o, "location", e.location);
  put(o, "description", e.description);
  if (!e.tags.empty()) o["tags"] = string_map(e.tags);
  return o;
}

json::value deployment_json(const model::online_deployment& d) {
  json::object o;
  o["name"] = d.name;
  put(o, "id", d.id);
  o["endpoint_name"] = d.endpoint_name;
  o["model"] = d.model;
  if (d.environment_inline) {
    o["environment"] = json::object{{"image", d.environment_inline->image}};
  } else {
    put(o, "environment", d.environment);
  }
  if (!d.code.empty() || !d.scoring_script.empty()) {
    json::object code;
    put(code, "code", d.code);
    put(code, "scoring_script", d.scoring_script);
    o["code_configuration"] = std::move(code);
  }
  put(o, "instance_type", d.instance_type);
  o["instance_count"] = d.instance_count;
  put(o, "provisioning_state", d.provisioning_state);
  if (!d.environment_variables.empty()) o["environment_variables"] = string_map(d.environment_variables);
  if (d.max_concurrent_requests_per_instance || d.request_timeout) {
    json::object r;
    if (d.max_concurrent_requests_per_instance) r["max_concurrent_requests_per_instance"] = *d.max_concurrent_requests_per_instance;
    if (d.request_timeout) r["request_timeout_ms"] = d.request_timeout->count();
    o["request_settings"] = std::move(r);
  }
  o["app_insights_enabled"] = d.app_insights_enabled;
  put(o, "description", d.description);
  if (!d.tags.empty()) o["tags"] = string_map(d.tags);
  return o;
}

const column endpoint_columns[] = {{"Name", "name"},
                                   {"AuthMode", "auth_mode"},
                                   {"ProvisioningState", "provisioning_state"},
                                   {"ScoringUri", "scoring_uri"}};
const column deployment_columns[] = {{"Name", "name"},
                                     {"Endpoint", "endpoint_name"},
                                     {"InstanceType", "instance_type"},
                                     {"InstanceCount", "instance_count"},
                                     {"ProvisioningState", "provisioning_state"}};

const field_flags endpoint_fields = {{"name", "--name"}, {"compute", "--compute"}, {"auth_mode", "--auth-mode"}};

int endpoint_create(context& c) {
  model::online_endpoint e;
  std::string file;
  if (c.flags.has("--file")) {
    file = *c.flags.value("--file");
    e = model::online_endpoint::from_yaml(read_file_flag(c, "--file"), file);
  }
  if (auto v = c.flags.value("--name")) e.name = *v;
  if (auto v = c.flags.value("--compute")) e.compute = *v;
  if (auto v = c.flags.value("--auth-mode")) e.auth_mode = *v;
  if (e.name.empty()) c.require("--name", "add --name NAME, or a file with name: (--file endpoint.yml)");
  if (auto issues = e.validate(); !issues.empty()) throw validation_error(renamed(std::move(issues), endpoint_fields, file));
  auto ws = c.session().workspace(c.workspace());
  auto poller = with_flags(endpoint_fields, file, [&] { return ws.online().begin_create_endpoint(e); });
  if (c.flags.on("--no-wait")) return 0;
  c.wait(poller, "Creating online endpoint '" + e.name + "'");
  c.print(endpoint_json(ws.online().get_endpoint(e.name)), endpoint_columns);
  return 0;
}

int endpoint_show(context& c) {
  const auto name = c.require("--name");
  c.print(endpoint_json(c.session().workspace(c.workspace()).online().get_endpoint(name)), endpoint_columns);
  return 0;
}

int endpoint_list(context& c) {
  json::array items;
  for (const auto& e : c.session().workspace(c.workspace()).online().list_endpoints()) items.push_back(endpoint_json(e));
  c.print(items, endpoint_columns);
  return 0;
}

int endpoint_delete(context& c) {
  const auto name = c.require("--name");
  auto ws = c.session().workspace(c.workspace());
  c.confirm("Delete online endpoint '" + name + "' and all its deployments?");
  auto poller = ws.online().begin_delete_endpoint(name);
  if (c.flags.on("--no-wait")) return 0;
  c.wait(poller, "Deleting online endpoint '" + name + "'");
  return 0;
}

int endpoint_credentials(context& c) {
  const auto name = c.require("--name");
  auto ws = c.session().workspace(c.workspace());
  const auto e = ws.online().get_endpoint(name);
  if (lower(e.auth_mode) == "key") {
    const auto keys = ws.online().get_keys(name);
    c.print(json::object{{"primaryKey", keys.primary.reveal()}, {"secondaryKey", keys.secondary.reveal()}});
  } else {
    const auto t = ws.online().get_token(name);
    c.print(json::object{{"accessToken", t.access_token.reveal()},
                         {"tokenType", t.token_type},
                         {"expiryTimeUtc", t.expires_on},
                         {"refreshAfterTimeUtc", t.refresh_after}});
  }
  return 0;
}

int endpoint_invoke(context& c) {
  const auto name = c.require("--name");
  const auto request = read_file_flag(c, "--request-file");
  auto ws = c.session().workspace(c.workspace());
  const auto r = ws.online().invoke(name, request, c.flags.value("--deployment-name").value_or(""));
  c.out << r.body;
  if (!r.body.empty() && r.body.back() != '\n') c.out << "\n";
  return 0;
}

const field_flags deployment_fields = {
    {"name", "--name"}, {"endpoint_name", "--endpoint-name"}, {"instance_type", "--instance-type"}};

int deployment_create(context& c) {
  const auto file = c.require("--file", "add --file deployment.yml (the YAML az ml online-deployment create -f takes)");
  auto deployments = model::online_deployment::all_from_yaml(read_file_flag(c, "--file"), file);
  if (deployments.empty()) throw usage("--file", "'" + file + "' holds no deployment", "write a deployment YAML into it");
  if (c.flags.has("--name") && deployments.size() > 1) {
    throw usage("--name", "the file holds " + std::to_string(deployments.size()) + " deployments", "leave out --name");
  }
  if (c.flags.on("--all-traffic") && deployments.size() > 1) {
    throw usage("--all-traffic", "the file holds several deployments", "set the endpoint's traffic instead");
  }
  for (auto& d : deployments) {
    if (auto v = c.flags.value("--name")) d.name = *v;
    if (auto v = c.flags.value("--endpoint-name")) d.endpoint_name = *v;
    if (auto v = c.flags.value("--instance-type")) d.instance_type = *v;
    if (auto issues = d.validate(); !issues.empty()) throw validation_error(renamed(std::move(issues), {}, file));
  }
  auto ws = c.session().workspace(c.workspace());
  json::array created;
  for (const auto& d : deployments) {
    std::optional<kube::client> k8s;
    if (c.flags.has("--kubeconfig") || c.is_local()) {
      const auto endpoint = ws.online().get_endpoint(d.endpoint_name);
      k8s = compute_kube(c, ws, endpoint.compute, false);
    }
    model::deployment_create_options options;
    options.k8s = k8s ? &*k8s : nullptr;
    auto poller = with_flags({}, file, [&] { return ws.online().begin_create_deployment(d, options); });
    if (c.flags.on("--no-wait")) continue;
    c.wait(poller, "Creating online deployment '" + d.name + "' of endpoint '" + d.endpoint_name + "'");
    if (c.flags.on("--all-traffic")) ws.online().set_traffic(d.endpoint_name, {{d.name, 100}});
    created.push_back(deployment_json(ws.online().get_deployment(d.endpoint_name, d.name)));
  }
  if (c.flags.on("--no-wait")) return 0;
  if (created.size() == 1) {
    c.print(created.front(), deployment_columns);
  } else {
    c.print(created, deployment_columns);
  }
  return 0;
}

int deployment_show(context& c) {
  const auto name = c.require("--name");
  const auto endpoint = c.require("--endpoint-name");
  c.print(deployment_json(c.session().workspace(c.workspace()).online().get_deployment(endpoint, name)),
          deployment_columns);
  return 0;
}

int deployment_list(context& c) {
  const auto endpoint = c.require("--endpoint-name");
  json::array items;
  for (const auto& d : c.session().workspace(c.workspace()).online().list_deployments(endpoint)) {
    items.push_back(deployment_json(d));
  }
  c.print(items, deployment_columns);
  return 0;
}

int deployment_delete(context& c) {
  const auto name = c.require("--name");
  const auto endpoint = c.require("--endpoint-name");
  auto ws = c.session().workspace(c.workspace());
  c.confirm("Delete online deployment '" + name + "' of endpoint '" + endpoint + "'?");
  auto poller = ws.online().begin_delete_deployment(endpoint, name);
  if (c.flags.on("--no-wait")) return 0;
  c.wait(poller, "Deleting online deployment '" + name + "'");
  return 0;
}

// ---- models ----

json::value model_json(const model::model_version& m) {
  json::object o;
  o["name"] = m.name;
  o["version"] = m.version;
  put(o, "id", m.id);
  o["type"] = m.model_type;
  o["path"] = m.model_uri;
  put(o, "description", m.description);
  return o;
}

int model_create(context& c) {
  model::model_version m;
  m.name = c.require("--name");
  m.version = c.require("--version");
  m.model_uri = c.require("--path", "add --path with where the model's files are: azureml://datastores/<store>/paths/<path>");
  if (auto t = c.flags.value("--type")) m.model_type = *t;
  m.description = c.flags.value("--description").value_or("");
  c.print(model_json(c.session().workspace(c.workspace()).online().create_model_version(m)));
  return 0;
}

int model_show(context& c) {
  const auto name = c.require("--name");
  const auto version = c.require("--version");
  c.print(model_json(c.session().workspace(c.workspace()).online().get_model_version(name, version)));
  return 0;
}

const flag_spec job_name{"--name|-n", flag_kind::value, "NAME", "The job's name.", true};
const flag_spec endpoint_name{"--name|-n", flag_kind::value, "NAME", "The endpoint's name.", true};
const flag_spec deployment_name{"--name|-n", flag_kind::value, "NAME", "The deployment's name.", true};
const flag_spec endpoint_of{"--endpoint-name|-e", flag_kind::value, "NAME", "The endpoint's name.", true};

}  // namespace

std::vector<command> workspace_commands() {
  return {
      {"compute", "attach", "Attach an AKS or Arc cluster to a workspace (az ml compute attach --type Kubernetes).",
       join({name_flag,
             {"--resource-id", flag_kind::value, "ID", "The ARM id of the AKS or Arc cluster.", true},
             {"--type", flag_kind::value, "TYPE", "Kubernetes (the only type attached here)."},
             {"--namespace", flag_kind::value, "NAMESPACE", "Where jobs and deployments run (default: default)."},
             {"--identity-type", flag_kind::value, "TYPE",
              "SystemAssigned (default), UserAssigned, SystemAssigned,UserAssigned or None."},
             {"--user-assigned-identities", flag_kind::list, "ID", "User-assigned identity ids (only the first is used)."},
             {"--description", flag_kind::value, "TEXT", "A description."}},
            workspace_flags(), kube_flags(), wait_flags()),
       {},
       "  Checks first that the cluster exists and has the AzureML extension installed with training or\n"
       "  inference (and, with a kubeconfig, that the namespace exists), then attaches it.\n\n"
       "Examples:\n"
       "  amlk8s compute attach --resource-group <resource-group-name> --workspace-name <workspace-name> --name k8s-compute --resource-id \"/subscriptions/<subscription-id>/resourceGroups/<resource-group-name>/providers/Microsoft.ContainerService/managedClusters/<cluster-name>\" --type Kubernetes --identity-type UserAssigned --user-assigned-identities \"/subscriptions/<subscription-id>/resourceGroups/<resource-group-name>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<identity-name>\" --no-wait\n"
       "  amlk8s compute attach --resource-group <resource-group-name> --workspace-name <workspace-name> --name amlarc-compute --resource-id \"/subscriptions/<subscription-id>/resourceGroups/<resource-group-name>/providers/Microsoft.Kubernetes/connectedClusters/<cluster-name>\" --type kubernetes --namespace default\n",
       &compute_attach},
      {"compute", "detach", "Detach a compute; the cluster and its extension stay (az ml compute detach).",
       join({name_flag, flags::yes}, workspace_flags(), wait_flags()), {},
       "Examples:\n"
       "  amlk8s compute detach --name k8s-compute --workspace-name ml-ws --resource-group ml-rg --yes\n",
       &compute_detach},
      {"compute", "show", "Show a compute, with its instance types (az ml compute show).", join({name_flag}, workspace_flags()),
       {},
       "Examples:\n"
       "  amlk8s compute show -n k8s-compute -w ml-ws -g ml-rg --query provisioning_state\n",
       &compute_show},
      {"compute", "list", "List the Kubernetes computes of a workspace (az ml compute list).", join({}, workspace_flags()),
       {},
       "Examples:\n"
       "  amlk8s compute list -w ml-ws -g ml-rg -o table\n",
       &compute_list},
      {"job", "create", "Submit a command job from its YAML (az ml job create -f).",
       join({{"--file|-f", flag_kind::value, "FILE", "The job YAML (type: command).", true},
             {"--name|-n", flag_kind::value, "NAME", "The job's name (default: the file's, else generated)."},
             {"--display-name", flag_kind::value, "NAME", "The job's display name."},
             {"--experiment-name", flag_kind::value, "NAME", "The experiment (default: Default)."},
             {"--stream", flag_kind::boolean, "", "Stream the job's log until it ends (needs the cluster's kubeconfig)."},
             flags::timeout},
            workspace_flags(), kube_flags()),
       {},
       "  The YAML is read and checked before anything is sent; azureml: references are resolved, an\n"
       "  inline image is registered as an anonymous environment, and the instance type must exist on\n"
       "  the compute (and, with a kubeconfig, fit some node). With --stream, the exit code is 5 when\n"
       "  the job does not complete.\n\n"
       "Examples:\n"
       "  A job YAML (the documentation's, on instance type cpusmall):\n"
       "    command: python -c \"print('Hello world!')\"\n"
       "    environment:\n"
       "      docker:\n"
       "        image: python\n"
       "    compute: azureml:<compute_name>\n"
       "    resources:\n"
       "      instance_type: <instance_type_name>\n"
       "  amlk8s job create -f job.yml --workspace-name ml-ws --resource-group ml-rg\n"
       "  amlk8s job create -f job.yml --stream -w ml-ws -g ml-rg --kubeconfig ~/.kube/config\n",
       &job_create},
      {"job", "show", "Show a job (az ml job show).", join({job_name}, workspace_flags()), {},
       "Examples:\n"
       "  amlk8s job show -n <job-name> -w ml-ws -g ml-rg --query status\n",
       &job_show},
      {"job", "list", "List the jobs of a workspace (az ml job list).", join({}, workspace_flags()), {},
       "Examples:\n"
       "  amlk8s job list -w ml-ws -g ml-rg -o table\n",
       &job_list},
      {"job", "cancel", "Cancel a job and wait until it has stopped (az ml job cancel).",
       join({job_name, flags::timeout}, workspace_flags()), {},
       "Examples:\n"
       "  amlk8s job cancel -n <job-name> -w ml-ws -g ml-rg\n",
       &job_cancel},
      {"job", "logs", "Stream a job's log until it ends (az ml job stream).",
       join({job_name, flags::timeout}, workspace_flags(), kube_flags()), {},
       "  Reads the log of the job's pod in the compute's namespace, through the cluster's kubeconfig.\n"
       "  Exit code 5 when the job does not complete.\n\n"
       "Examples:\n"
       "  amlk8s job logs -n <job-name> -w ml-ws -g ml-rg --kubeconfig ~/.kube/config\n",
       &job_logs},
      {"model", "create", "Register a model version that online deployments serve (az ml model create).",
       join({{"--name|-n", flag_kind::value, "NAME", "The model's name.", true},
             {"--version|-v", flag_kind::value, "VERSION", "The version.", true},
             {"--path|-p", flag_kind::value, "URI", "Where its files are (azureml://datastores/.../paths/...).", true},
             {"--type", flag_kind::value, "TYPE", "custom_model (default), mlflow_model or triton_model."},
             {"--description", flag_kind::value, "TEXT", "A description."}},
            workspace_flags()),
       {},
       "Examples:\n"
       "  amlk8s model create -n sklearn_mnist_model -v 1 --path azureml://datastores/workspaceblobstore/paths/models/sklearn_mnist_model/1/model.pkl -w ml-ws -g ml-rg\n",
       &model_create},
      {"model", "show", "Show a model version.",
       join({{"--name|-n", flag_kind::value, "NAME", "The model's name.", true},
             {"--version|-v", flag_kind::value, "VERSION", "The version.", true}},
            workspace_flags()),
       {},
       "Examples:\n"
       "  amlk8s model show -n sklearn_mnist_model -v 1 -w ml-ws -g ml-rg\n",
       &model_show},
      {"online-endpoint", "create", "Create a Kubernetes online endpoint (az ml online-endpoint create).",
       join({{"--file|-f", flag_kind::value, "FILE", "The endpoint YAML (name, compute, auth_mode, ...)."},
             {"--name|-n", flag_kind::value, "NAME", "The endpoint's name (default: the file's).", true},
             {"--compute", flag_kind::value, "COMPUTE", "The Kubernetes compute: azureml:<name>."},
             {"--auth-mode", flag_kind::value, "MODE", "key (default) or aml_token."}},
            workspace_flags(), wait_flags()),
       {},
       "Examples:\n"
       "  amlk8s online-endpoint create --name mnist --compute azureml:k8s-compute -w ml-ws -g ml-rg\n"
       "  amlk8s online-endpoint create -f endpoint.yml -w ml-ws -g ml-rg\n",
       &endpoint_create},
      {"online-endpoint", "show", "Show an online endpoint.", join({endpoint_name}, workspace_flags()), {},
       "Examples:\n"
       "  amlk8s online-endpoint show -n mnist -w ml-ws -g ml-rg --query scoring_uri\n",
       &endpoint_show},
      {"online-endpoint", "list", "List the online endpoints of a workspace.", join({}, workspace_flags()), {},
       "Examples:\n"
       "  amlk8s online-endpoint list -w ml-ws -g ml-rg -o table\n",
       &endpoint_list},
      {"online-endpoint", "delete", "Delete an online endpoint and its deployments.",
       join({endpoint_name, flags::yes}, workspace_flags(), wait_flags()), {},
       "Examples:\n"
       "  amlk8s online-endpoint delete -n mnist -w ml-ws -g ml-rg --yes\n",
       &endpoint_delete},
      {"online-endpoint", "get-credentials", "Print the endpoint's keys (auth_mode key) or token (aml_token).",
       join({endpoint_name}, workspace_flags()), {},
       "  Prints secrets: keep the output out of logs.\n\n"
       "Examples:\n"
       "  amlk8s online-endpoint get-credentials -n mnist -w ml-ws -g ml-rg --query primaryKey -o tsv\n",
       &endpoint_credentials},
      {"online-endpoint", "invoke", "Call the endpoint's scoring URI with a request file.",
       join({endpoint_name,
             {"--request-file", flag_kind::value, "FILE", "The JSON request body.", true},
             {"--deployment-name|-d", flag_kind::value, "NAME", "Send to this deployment instead of the traffic split."}},
            workspace_flags()),
       {},
       "Examples:\n"
       "  amlk8s online-endpoint invoke -n mnist --request-file sample-request.json -w ml-ws -g ml-rg\n",
       &endpoint_invoke},
      {"online-deployment", "create", "Create Kubernetes online deployments from YAML (az ml online-deployment create).",
       join({{"--file|-f", flag_kind::value, "FILE",
              "A deployment YAML, or an endpoint YAML with deployments: (the documentation's shape).", true},
             {"--name|-n", flag_kind::value, "NAME", "The deployment's name (default: the file's)."},
             {"--endpoint-name|-e", flag_kind::value, "NAME", "The endpoint (default: the file's)."},
             {"--instance-type", flag_kind::value, "NAME", "The instance type (default: the file's, else defaultinstancetype)."},
             {"--all-traffic", flag_kind::boolean, "", "Send all the endpoint's traffic to the new deployment."}},
            workspace_flags(), kube_flags(), wait_flags()),
       {},
       "Examples:\n"
       "  A deployment YAML on instance type cpusmall:\n"
       "    name: blue\n"
       "    endpoint_name: mnist\n"
       "    model: azureml:sklearn_mnist_model:1\n"
       "    environment:\n"
       "      image: mcr.microsoft.com/azureml/openmpi3.1.2-ubuntu18.04:20210727.v1\n"
       "    instance_type: cpusmall\n"
       "    instance_count: 1\n"
       "  amlk8s online-deployment create -f blue.yml --all-traffic -w ml-ws -g ml-rg\n",
       &deployment_create},
      {"online-deployment", "show", "Show an online deployment.", join({deployment_name, endpoint_of}, workspace_flags()),
       {},
       "Examples:\n"
       "  amlk8s online-deployment show -n blue -e mnist -w ml-ws -g ml-rg\n",
       &deployment_show},
      {"online-deployment", "list", "List the deployments of an online endpoint.", join({endpoint_of}, workspace_flags()),
       {},
       "Examples:\n"
       "  amlk8s online-deployment list -e mnist -w ml-ws -g ml-rg -o table\n",
       &deployment_list},
      {"online-deployment", "delete", "Delete an online deployment.",
       join({deployment_name, endpoint_of, flags::yes}, workspace_flags(), wait_flags()), {},
       "Examples:\n"
       "  amlk8s online-deployment delete -n blue -e mnist -w ml-ws -g ml-rg --yes\n",
       &deployment_delete},
  };
}

}  // namespace amlk8s::cli
