// Shared plumbing of the four AzureML deployment scenarios (the seed's `az k8s-extension create`
// examples): start the embedded local control plane, sign in, declare a cluster, and walk through
// what a user does — preflight, dry run, create, verify — printing each step.
//
// Each scenario program only says which cluster it needs and which settings it passes:
//
//   scenario::run({.title = ..., .cluster = scenario::make_cluster(...), .settings = ...});
//
// It returns 0 when every step is OK, 1 otherwise (a failed preflight, an extension that did not
// succeed, a verification that found a component missing or a health-check code, or an error).
#pragma once

#include <amlk8s/core/error.hpp>
#include <amlk8s/core/resource_id.hpp>
#include <amlk8s/core/version.hpp>
#include <amlk8s/local/control_plane.hpp>
#include <amlk8s/local/test_ca.hpp>
#include <amlk8s/model/session.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace scenario {

using namespace amlk8s;
using strings = std::vector<std::string>;

inline void step(std::string_view text) { std::cout << "\n==> " << text << "\n"; }

/// Prints a block of text with exactly one line break at its end.
inline void print_block(std::string_view text) {
  while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
  std::cout << text << "\n";
}

/// A cluster of `nodes` nodes of 4 vCPU and 16 GiB, each with `gpus_per_node` NVIDIA GPUs.
inline local::cluster_spec make_cluster(local::cluster_kind kind, std::string name, int nodes, int gpus_per_node = 0) {
  local::cluster_spec c;
  c.kind = kind;
  c.resource_group = "ml-rg";
  c.name = std::move(name);
  c.location = "EastUS";
  c.kubernetes_version = "1.30.6";
  c.distribution = kind == local::cluster_kind::aks ? "aks" : "k3s";
  local::node_pool pool;
  pool.name = gpus_per_node > 0 ? "gpu" : "pool";
  pool.count = nodes;
  pool.vm_size = gpus_per_node > 0 ? "Standard_NC6s_v3" : "Standard_D4s_v3";
  pool.cpu_millicores = 4000;
  pool.memory_bytes = 16LL << 30;
  pool.gpus = gpus_per_node;
  c.node_pools.push_back(pool);
  return c;
}

/// A folder under the system temp folder, removed with everything in it when this goes away:
/// the control plane's work folder (CA, kubeconfigs) and the PEM files of the HTTPS scenarios.
class temp_folder {
 public:
  temp_folder() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("amlk8s-scenario-" + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~temp_folder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  temp_folder(const temp_folder&) = delete;
  temp_folder& operator=(const temp_folder&) = delete;

  const std::filesystem::path& path() const noexcept { return path_; }

  /// Writes `text` to a file called `name` in the folder and returns its path.
  std::filesystem::path write(const std::string& name, const std::string& text) const {
    auto p = path_ / name;
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw amlk8s::error(errc::invalid_argument, "cannot write '" + p.string() + "'");
    return p;
  }

 private:
  std::filesystem::path path_;
};

/// The certificate and key files of `--config-protected sslCertPemFile=... sslKeyPemFile=...`,
/// issued for `cname` by a throwaway CA made at run time.
struct pem_files {
  std::filesystem::path certificate;
  std::filesystem::path key;
};

inline pem_files issue_pem_files(const temp_folder& folder, const std::string& cname) {
  local::test_ca ca("scenario CA");
  auto pair = ca.issue_server_certificate({cname});
  return {folder.write("cert.pem", pair.certificate_chain_pem), folder.write("key.pem", pair.private_key_pem)};
}

/// One scenario: the cluster it declares and the settings it installs the extension with.
struct definition {
  std::string title;
  local::cluster_spec cluster;
  /// Makes the settings; called once the temp folder exists (the HTTPS scenarios write PEM files there).
  std::function<model::azureml_settings(const temp_folder&)> settings;
  std::string extension_name = "azureml";
  /// Apply the production minimum of 4 vCPU and 14 GB in preflight.
  bool production = true;
};

/// Runs the scenario; returns the process exit code.
inline int run(definition d) try {
  std::cout << "amlk8s " << AMLK8S_VERSION_STRING << " - " << d.title << "\n";
  temp_folder folder;

  step("start the local control plane (HTTPS, generated CA) and sign in");
  local::control_plane_options plane_options;
  plane_options.work_dir = folder.path() / "plane";
  plane_options.lro_delay = std::chrono::milliseconds(200);
  plane_options.min_retry_after = std::chrono::seconds(0);
  local::control_plane plane(plane_options);
  auto session = model::session::from_endpoints_json(plane.endpoints().to_json());
  std::cout << "ARM        " << plane.endpoints().arm_endpoint << "\n";

  auto& c = d.cluster;
  if (c.subscription.empty()) c.subscription = session->subscription_id();
  plane.azure().arm().add_cluster(c);
  const auto cluster = resource_id::parse(local::arm_id(c));
  int nodes = 0;
  for (const auto& pool : c.node_pools) nodes += pool.count;
  std::cout << "cluster    " << cluster << " (" << nodes << " nodes)\n";
  std::cout << "kubeconfig " << plane.kubeconfig_path(c.name).string() << " (removed at exit)\n";

  const auto settings = d.settings(folder);
  std::cout << "settings   " << to_string(settings) << "\n";

  const auto& ml = session->azureml();
  const auto k8s = session->kube_from_kubeconfig(plane.kubeconfig_path(c.name));
  bool ok = true;

  step("preflight: prerequisites and limitations (ARM and the cluster's Kubernetes API)");
  model::preflight_options preflight_options;
  preflight_options.production = d.production;
  const auto pre = ml.preflight(cluster, settings, &k8s, preflight_options);
  print_block(pre.to_string());
  std::cout << "preflight  " << (pre.ok() ? "OK" : "NOT OK") << "\n";
  ok = ok && pre.ok();

  step("dry run: the request az k8s-extension create would send (protected values ***)");
  const auto plan = ml.plan_create(cluster, settings);
  print_block(plan.dry_run());
  for (const auto& w : plan.warnings) std::cout << "  note: " << w << "\n";

  step("create the extension '" + d.extension_name + "' and wait for the long-running operation");
  const auto ext = ml.create(cluster, d.extension_name, settings);
  std::cout << "provisioningState " << ext.provisioning_state << "\n";
  ok = ok && ext.succeeded();

  step("verify: the components in namespace azureml, through the cluster's kubeconfig");
  const auto report = ml.verify(cluster, d.extension_name, k8s);
  print_block(report.to_string());
  std::cout << "verify     " << (report.ok() ? "OK" : "NOT OK") << "\n";
  ok = ok && report.ok();

  std::cout << "\n" << (ok ? "scenario OK" : "scenario FAILED") << "\n";
  return ok ? 0 : 1;
} catch (const amlk8s::error& e) {
  std::cerr << "error: " << e.what() << "\n";
  return 1;
} catch (const std::exception& e) {
  std::cerr << "error: " << e.what() << "\n";
  return 1;
}

}  // namespace scenario
