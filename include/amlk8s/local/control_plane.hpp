// The local control plane in one object: an HTTP(S) server on loopback that serves the Entra-style
// token endpoint, ARM, one Kubernetes API per simulated cluster (under /k8s/{cluster}) and the
// scoring route of Kubernetes online endpoints (under /api/v1/endpoint/{endpoint}), with a CA it
// generates and a kubeconfig file per cluster. What `amlk8s-local serve` runs, and what test
// harnesses embed.
#pragma once

#include <amlk8s/local/azure_api.hpp>
#include <amlk8s/local/faults.hpp>
#include <amlk8s/local/http_server.hpp>
#include <amlk8s/local/job_runner.hpp>
#include <amlk8s/local/kube/api_server.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace amlk8s::local {

/// Settings of a control_plane.
struct control_plane_options {
  /// Serve HTTPS with a generated CA (written to `ca.pem` in the work folder); plain HTTP otherwise.
  bool https = true;
  /// Loopback address and port to listen on; port 0 picks a free one.
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;
  /// Where ca.pem and the kubeconfig files go; empty: a new folder under the system temp folder.
  std::filesystem::path work_dir;
  /// How long long-running ARM operations stay in progress.
  std::chrono::milliseconds lro_delay{0};
  /// The least Retry-After sent while an operation runs (Azure SDKs read 0 as "no advice").
  std::chrono::seconds min_retry_after{1};
  /// ARM's per-subscription token-bucket throttle (off by default).
  bool throttle = false;
  /// Items per ARM list page.
  std::size_t page_size = 100;
  /// A YAML or JSON world file declaring clusters and workspaces.
  std::optional<std::filesystem::path> world_file;
  /// Faults injected from the start. At run time, with a bearer token from the token endpoint:
  /// `PUT /_amlk8s/faults` with a plan document (parse_fault_plan) replaces the plan, `GET` returns
  /// it as JSON, `DELETE` clears it (204).
  fault_plan faults;
  /// Receives one entry per request the server reads (server_options::on_request); null: no log.
  request_logger on_request;
  /// Server threads. Kubernetes watches stream without holding one.
  std::size_t threads = 2;
  /// Run each command job's command as a local process (`/bin/sh -c`, in a folder under
  /// `work_dir/jobs`); off: a job completes after `simulated_job_run_time` on the control plane's
  /// clock (amlk8s/local/job_runner.hpp).
  bool run_job_processes = true;
  /// How long a job runs when run_job_processes is off.
  std::chrono::milliseconds simulated_job_run_time{10'000};
  /// How often running jobs are looked at between ARM requests (process output, exits, timeouts).
  std::chrono::milliseconds job_poll_interval{20};
  /// How long a Kubernetes watch that allowed bookmarks stays silent before the server sends a
  /// BOOKMARK (kube-apiserver: about a minute).
  std::chrono::milliseconds watch_bookmark_interval{std::chrono::minutes(1)};
  /// Changes each simulated cluster keeps for watches; a watch from an older resourceVersion gets
  /// 410 Expired (api_server_options::event_log_capacity).
  std::size_t watch_event_log_capacity = 10000;
};

/// What a client needs to talk to the control plane (the JSON line `amlk8s-local serve` prints).
struct control_plane_endpoints {
  std::string arm_endpoint;                ///< e.g. https://127.0.0.1:40123
  std::string authority_host;              ///< the token endpoint's host (same server)
  std::string tenant_id;
  std::string client_id;
  std::string client_secret;               ///< the development credential: not a real secret
  std::string subscription_id;             ///< the default subscription
  std::optional<std::string> ca_file;      ///< the CA's PEM path; unset for plain HTTP
  std::string kubeconfig_dir;              ///< one kubeconfig per simulated cluster, named after it

  /// The one-line JSON object with the keys above.
  std::string to_json() const;
};

/// The local control plane: starts serving in the constructor, stops in stop() or the destructor.
class control_plane {
 public:
  /// Starts serving. Throws amlk8s::error on a bad option or a port that cannot be bound.
  explicit control_plane(control_plane_options options = {});
  ~control_plane();
  control_plane(const control_plane&) = delete;
  control_plane& operator=(const control_plane&) = delete;

  /// The endpoints and the development credential.
  const control_plane_endpoints& endpoints() const noexcept;
  /// Token endpoint and ARM state (add clusters and workspaces directly, advance the clock, ...).
  azure_api& azure() noexcept;
  /// The Kubernetes API of the cluster called `name` (case-insensitive), or null.
  kube::api_server* cluster(std::string_view name);
  /// The kubeconfig file of the cluster called `name`.
  std::filesystem::path kubeconfig_path(std::string_view name) const;
  /// Names of the simulated clusters that have a Kubernetes API now.
  std::vector<std::string> cluster_names() const;
  /// The server (fault injection at run time, counters).
  http_server& server() noexcept;
  /// The job operator (what it knows about each command job, their logs).
  job_runner& jobs() noexcept;
  /// Stops serving, then kills the jobs' processes; safe to call twice.
  void stop();

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace amlk8s::local
