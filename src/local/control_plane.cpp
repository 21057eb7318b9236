#include <amlk8s/local/control_plane.hpp>

#include <amlk8s/core/error.hpp>
#include <amlk8s/local/azureml_agent.hpp>
#include <amlk8s/local/compute_sync.hpp>
#include <amlk8s/local/online_endpoints.hpp>
#include <amlk8s/local/kube/kubeconfig.hpp>
#include <amlk8s/local/test_ca.hpp>
#include <amlk8s/local/world.hpp>

#include "local/common/respond.hpp"

#include <boost/json.hpp>

#include <fstream>
#include <map>
#include <mutex>
#include <random>

namespace amlk8s::local {
namespace {

// The admin route of the fault plan; under admin_path_prefix, so that no fault reaches it.
constexpr std::string_view faults_admin_path = "/_amlk8s/faults";

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
  return out;
}

std::string random_token() {
  std::random_device rd;
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "amlk8s-local-kube-";
  for (int i = 0; i < 40; ++i) out.push_back(digits[rd() % 16]);
  return out;
}

std::filesystem::path make_work_dir(const std::filesystem::path& requested) {
  if (!requested.empty()) {
    std::filesystem::create_directories(requested);
    return requested;
  }
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() / ("amlk8s-local-" + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir;
}

void write_file(const std::filesystem::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out) throw error(errc::invalid_argument, "cannot write '" + path.string() + "'");
}

// "key=value:Effect" (the AKS nodeTaints form) or "key:Effect".
kube::node_taint parse_taint(std::string_view text) {
  kube::node_taint taint;
  auto colon = text.rfind(':');
  if (colon != std::string_view::npos) {
    taint.effect = std::string(text.substr(colon + 1));
    text = text.substr(0, colon);
  }
  auto eq = text.find('=');
  taint.key = std::string(text.substr(0, eq));
  if (eq != std::string_view::npos) taint.value = std::string(text.substr(eq + 1));
  return taint;
}

// The nodes AKS would name for a pool: aks-{pool}-{id}-vmss00000{i}.
std::vector<kube::node_spec> nodes_of(const cluster_spec& cluster) {
  std::vector<kube::node_spec> nodes;
  for (const auto& pool : cluster.node_pools) {
    for (int i = 0; i < pool.count; ++i) {
      kube::node_spec node;
      node.name = "aks-" + pool.name + "-12345678-vmss" + std::string(5, '0') + std::to_string(i);
      node.labels = pool.labels;
      node.labels["agentpool"] = pool.name;
      node.labels["kubernetes.azure.com/agentpool"] = pool.name;
      node.labels["kubernetes.azure.com/mode"] = lower(pool.mode);
      if (!pool.vm_size.empty()) node.labels["node.kubernetes.io/instance-type"] = pool.vm_size;
      for (const auto& t : pool.taints) node.taints.push_back(parse_taint(t));
      node.capacity["cpu"] = std::to_string(pool.cpu_millicores) + "m";
      node.capacity["memory"] = std::to_string(pool.memory_bytes);
      if (pool.gpus > 0) node.capacity["nvidia.com/gpu"] = std::to_string(pool.gpus);
      node.kubelet_version = "v" + cluster.kubernetes_version;
      nodes.push_back(std::move(node));
    }
  }
  return nodes;
}

// A Kubernetes watch as the HTTP server streams it (api_server.hpp: poll on readiness, end when
// finished or at timeoutSeconds, a BOOKMARK when it has been quiet).
class watch_body final : public body_stream {
 public:
  watch_body(std::unique_ptr<kube::watch_stream> w, std::chrono::milliseconds bookmark_interval)
      : watch_(std::move(w)), bookmark_interval_(bookmark_interval) {}

  std::vector<std::string> poll() override { return watch_->poll(); }
  void on_ready(std::function<void()> notify) override { watch_->on_ready(std::move(notify)); }
  bool finished() const override { return watch_->finished(); }
  std::optional<std::chrono::milliseconds> time_limit() const override {
    if (auto t = watch_->timeout()) return std::chrono::duration_cast<std::chrono::milliseconds>(*t);
    return std::nullopt;
  }
  std::optional<std::string> idle_piece() override { return watch_->bookmark(); }
  std::chrono::milliseconds idle_interval() const override { return bookmark_interval_; }

 private:
  std::unique_ptr<kube::watch_stream> watch_;
  std::chrono::milliseconds bookmark_interval_;
};

}  // namespace

std::string control_plane_endpoints::to_json() const {
  boost::json::object o;
  o["arm_endpoint"] = arm_endpoint;
  o["authority_host"] = authority_host;
  o["tenant_id"] = tenant_id;
  o["client_id"] = client_id;
  o["client_secret"] = client_secret;
  o["subscription_id"] = subscription_id;
  o["ca_file"] = ca_file ? boost::json::value(*ca_file) : boost::json::value(nullptr);
  o["kubeconfig_dir"] = kubeconfig_dir;
  return boost::json::serialize(o);
}

struct control_plane::state {
  control_plane_options options;
  std::filesystem::path work_dir;
  std::optional<test_ca> ca;
  std::unique_ptr<azure_api> azure;
  std::unique_ptr<online_endpoints> online;  // after `azure`: it registers with azure's ARM
  std::unique_ptr<job_runner> jobs;          // after azure (it uses ARM), before server (stopped first)
  std::unique_ptr<http_server> server;
  control_plane_endpoints info;

  mutable std::mutex mutex;
  struct cluster_entry {
    std::string name;   // as declared
    std::string token;  // the kubeconfig's bearer token
    std::shared_ptr<kube::api_server> api;
  };
  std::map<std::string, cluster_entry> clusters;  // by lower-case name

  std::filesystem::path kubeconfig_dir() const { return work_dir / "kubeconfig"; }

  std::shared_ptr<kube::api_server> find(std::string_view name) const {
    std::lock_guard lock(mutex);
    auto it = clusters.find(lower(name));
    return it == clusters.end() ? nullptr : it->second.api;
  }

  void add_cluster(const cluster_spec& spec) {
    const auto key = lower(spec.name);
    auto token = random_token();
    kube::api_server_options o;
    o.path_prefix = "/k8s/" + spec.name;
    o.event_log_capacity = options.watch_event_log_capacity;
    o.version.git_version = "v" + spec.kubernetes_version;
    if (auto dot = spec.kubernetes_version.find('.'); dot != std::string::npos) {
      o.version.major = spec.kubernetes_version.substr(0, dot);
      auto minor = spec.kubernetes_version.substr(dot + 1);
      o.version.minor = minor.substr(0, minor.find('.'));
    }
    auto* tokens = &azure->tokens();
    o.verify_token = [token, tokens](std::string_view presented) {
      return presented == token || static_cast<bool>(tokens->verify_token(presented));
    };
    auto api = std::make_shared<kube::api_server>(std::move(o));
    for (const auto& node : nodes_of(spec)) api->add_node(node);
    {
      std::lock_guard lock(mutex);
      clusters[key] = cluster_entry{spec.name, token, api};
    }
    write_kubeconfig_file(spec.name, token);
  }

  void write_kubeconfig_file(const std::string& name, const std::string& token) {
    if (!server) return;  // written once the server's URL is known
    kube::kubeconfig_params p;
    p.cluster_name = name;
    p.server = server->url() + "/k8s/" + name;
    if (ca) p.ca_pem = ca->certificate_pem();
    p.token = token;
    write_file(kubeconfig_dir() / name, kube::write_kubeconfig(p));
  }

  void remove_cluster(const std::string& name) {
    {
      std::lock_guard lock(mutex);
      clusters.erase(lower(name));
    }
    std::error_code ec;
    std::filesystem::remove(kubeconfig_dir() / name, ec);
  }

  // The admin route of the fault plan (control_plane_options::faults): the same bearer tokens as
  // ARM, from this control plane's token endpoint, with any audience.
  http::response faults_admin(const http::request& req) {
    auto error_body = [](int status, std::string_view code, std::string message) {
      return detail::json_response(
          status, boost::json::object{{"error", boost::json::object{{"code", code}, {"message", std::move(message)}}}});
    };
    if (!azure->tokens().verify(req.headers.get("Authorization"))) {
      auto res = error_body(401, "AuthenticationFailed",
                            "The fault plan needs 'Authorization: Bearer <token>' with a token from this control "
                            "plane's token endpoint.");
      res.headers.set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
      return res;
    }
    auto plan_response = [&](int status) {
      http::response res;
      res.status = status;
      res.headers.set("Content-Type", "application/json");
      res.body = to_json(server->faults());
      return res;
    };
    switch (req.method) {
      case http::verb::get:
        return plan_response(200);
      case http::verb::put:
        try {
          server->set_faults(parse_fault_plan(req.body, "the request body"));
        } catch (const error& e) {
          return error_body(400, "InvalidFaultPlan", e.diag().to_string());
        }
        return plan_response(200);
      case http::verb::delete_:
        server->set_faults({});
        return detail::empty_response(204);
      default: {
        auto res = error_body(405, "MethodNotAllowed", "The fault plan supports GET, PUT and DELETE.");
        res.headers.set("Allow", "GET, PUT, DELETE");
        return res;
      }
    }
  }

  void route(const server_request& req, responder& out) {
    std::string_view target = req.message.url;
    if (const auto path = target.substr(0, target.find('?')); path == faults_admin_path) {
      return out.send(faults_admin(req.message));
    }
    if (target.starts_with("/k8s/")) {
      auto rest = target.substr(5);
      auto name = rest.substr(0, rest.find_first_of("/?"));
      if (auto api = find(name)) {
        auto answer = api->serve(req.message);
        if (answer.stream) {
          out.stream(std::move(answer.response),
                     std::make_unique<watch_body>(std::move(answer.stream), options.watch_bookmark_interval));
        } else {
          out.send(std::move(answer.response));
        }
        return;
      }
      http::response res;
      res.status = 404;
      res.headers.set("Content-Type", "application/json");
      res.body = R"({"kind":"Status","apiVersion":"v1","status":"Failure","message":"no simulated cluster here","reason":"NotFound","code":404})";
      out.send(std::move(res));
      return;
    }
    // Online endpoints' scoringUri and swaggerUri (aml-workspace-and-auth.md §2.5).
    if (online_endpoints::owns(target)) return out.send(online->handle(req.message));
    out.send(azure->handle(req.message));
  }
};

control_plane::control_plane(control_plane_options options) : state_(std::make_shared<state>()) {
  auto& s = *state_;
  s.options = std::move(options);
  s.work_dir = make_work_dir(s.options.work_dir);
  std::filesystem::create_directories(s.kubeconfig_dir());

  azure_api_options ao;
  ao.arm.lro_delay = s.options.lro_delay;
  ao.arm.min_retry_after = s.options.min_retry_after;
  ao.arm.page_size = s.options.page_size;
  ao.arm.scheme = s.options.https ? "https" : "http";
  ao.tokens.scheme = ao.arm.scheme;
  ao.arm.throttle.enabled = s.options.throttle;
  s.azure = std::make_unique<azure_api>(std::move(ao));

  // Each cluster resource, however it was made (world file, ARM PUT), gets a Kubernetes API.
  std::weak_ptr<state> weak = state_;
  s.azure->arm().on_change([weak](resource_event& e) -> std::optional<operation_failure> {
    auto st = weak.lock();
    if (!st || !e.cluster) return std::nullopt;
    if (e.kind == change_kind::deleted) {
      st->remove_cluster(e.cluster->name);
    } else if (!st->find(e.cluster->name)) {
      st->add_cluster(*e.cluster);
    }
    return std::nullopt;
  });
  // The AzureML extension's agent acts on the cluster it is installed on; the workspace side
  // reads instance types from attached clusters and runs online deployments on them.
  const cluster_api_lookup lookup = [weak](const cluster_spec& cluster) -> std::shared_ptr<kube::api_server> {
    auto st = weak.lock();
    return st ? st->find(cluster.name) : nullptr;
  };
  attach_azureml_agent(s.azure->arm(), lookup);
  attach_compute_sync(s.azure->arm(), lookup);
  s.online = std::make_unique<online_endpoints>(*s.azure, lookup);
  // The training side of the extension: command jobs run on the clusters' nodes.
  job_runner_options jo;
  jo.run_processes = s.options.run_job_processes;
  jo.work_dir = s.work_dir;
  jo.simulated_run_time = s.options.simulated_job_run_time;
  jo.poll_interval = s.options.job_poll_interval;
  s.jobs = std::make_unique<job_runner>(s.azure->arm(), s.azure->time_ptr(), lookup, std::move(jo));
  if (s.options.world_file) s.azure->arm().apply(load_world_file(*s.options.world_file, world_defaults{std::string(dev_subscription_id)}));

  server_options so;
  so.address = s.options.address;
  so.port = s.options.port;
  so.threads = s.options.threads;
  so.faults = s.options.faults;
  so.on_request = s.options.on_request;
  if (s.options.https) {
    s.ca.emplace();
    so.tls = s.ca->issue_server_certificate({"localhost", "127.0.0.1", "::1"});
    s.ca->write_certificate(s.work_dir / "ca.pem");
  }
  s.server = std::make_unique<http_server>(std::move(so), [weak](server_request req, responder out) {
    auto st = weak.lock();
    if (!st) {
      http::response res;
      res.status = 503;
      out.send(std::move(res));
      return;
    }
    st->route(req, out);
  });

  // Clusters declared before the server had a URL get their kubeconfig now.
  {
    std::vector<std::pair<std::string, std::string>> pending;
    {
      std::lock_guard lock(s.mutex);
      for (const auto& [key, entry] : s.clusters) pending.emplace_back(entry.name, entry.token);
    }
    for (const auto& [name, token] : pending) s.write_kubeconfig_file(name, token);
  }

  auto& info = s.info;
  info.arm_endpoint = s.server->url();
  info.authority_host = s.server->url();
  info.tenant_id = std::string(dev_tenant_id);
  info.client_id = std::string(dev_client_id);
  info.client_secret = std::string(dev_client_secret);
  info.subscription_id = std::string(dev_subscription_id);
  if (s.ca) info.ca_file = (s.work_dir / "ca.pem").string();
  info.kubeconfig_dir = s.kubeconfig_dir().string();
}

control_plane::~control_plane() { stop(); }

const control_plane_endpoints& control_plane::endpoints() const noexcept { return state_->info; }
azure_api& control_plane::azure() noexcept { return *state_->azure; }
http_server& control_plane::server() noexcept { return *state_->server; }

kube::api_server* control_plane::cluster(std::string_view name) { return state_->find(name).get(); }

std::filesystem::path control_plane::kubeconfig_path(std::string_view name) const {
  return state_->kubeconfig_dir() / std::string(name);
}

std::vector<std::string> control_plane::cluster_names() const {
  std::lock_guard lock(state_->mutex);
  std::vector<std::string> names;
  for (const auto& [key, entry] : state_->clusters) names.push_back(entry.name);
  return names;
}

job_runner& control_plane::jobs() noexcept { return *state_->jobs; }

void control_plane::stop() {
  if (state_->server) state_->server->stop();
  if (state_->jobs) state_->jobs->stop();
}

}  // namespace amlk8s::local
