// The AzureML extension end to end: what `az k8s-extension create/update --extension-type
// Microsoft.AzureML.Kubernetes` does (read the cluster, apply §2.2–2.6, send), plus verification
// and preflight over ARM and the cluster's Kubernetes API.
//
//   amlk8s::model::azureml_client ml(arm);
//   auto plan = ml.plan_create(cluster, settings);           // dry run: nothing is written
//   auto ext  = ml.create(cluster, "azureml", settings);     // PUT and wait
//   amlk8s::kube::client k8s(amlk8s::kube::kubeconfig::load_file(path).resolve());
//   std::cout << ml.verify(cluster, "azureml", k8s).to_string();
//
// Async forms take any Asio completion token and complete on the ARM client's executor; blocking
// forms throw amlk8s::error and need that executor run by another thread (as arm::client).
#pragma once

#include <amlk8s/arm/client.hpp>
#include <amlk8s/arm/poller.hpp>
#include <amlk8s/kube/client.hpp>
#include <amlk8s/model/azureml_settings.hpp>
#include <amlk8s/model/azureml_verify.hpp>
#include <amlk8s/model/cluster.hpp>
#include <amlk8s/model/extension.hpp>

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>

#include <optional>
#include <string>

namespace amlk8s::model {

/// The target a cluster resource describes (§2.2 step 5).
azureml_target target_of(const cluster_info& cluster);

/// What preflight is asked to consider beyond the cluster.
struct preflight_options {
  /// The subscription of the AzureML workspace the cluster will be attached to (cross-subscription check).
  std::optional<std::string> workspace_subscription_id;
  /// Apply the production minimum of 4 vCPU and 14 GB.
  bool production = true;
};

/// The AzureML extension on AKS and Arc clusters.
class azureml_client {
 public:
  using plan_signature = void(error_code, azureml_create_request);
  using begin_signature = void(error_code, arm::poller);
  using verify_signature = void(error_code, verification_report);
  using preflight_signature = void(error_code, preflight_report);

  /// A client sending through `arm`, which must outlive it and its operations.
  explicit azureml_client(arm::client& arm);

  /// The generic extensions client underneath (show, list, delete work for AzureML as for any type).
  const extensions_client& extensions() const noexcept { return extensions_; }
  /// The clusters client underneath.
  const clusters_client& clusters() const noexcept { return clusters_; }

  /// Reads the cluster and builds the request create would send. Settings are checked first: bad
  /// ones complete with errc::invalid_argument and diag.validation before any request.
  template <class CompletionToken>
  auto async_plan_create(const resource_id& cluster, azureml_settings settings, azureml_install_options options,
                         diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, plan_signature>(
        [this, &diag](auto h, resource_id c, azureml_settings s, azureml_install_options o) {
          async_plan_create_erased(std::move(c), std::move(s), std::move(o), diag, std::move(h));
        },
        token, cluster, std::move(settings), std::move(options));
  }
  /// Blocking plan (a dry run).
  azureml_create_request plan_create(const resource_id& cluster, const azureml_settings& settings,
                                     const azureml_install_options& options = {}) const;

  /// Plans, then PUTs the extension; completes with the poller of the long-running operation.
  template <class CompletionToken>
  auto async_begin_create(const resource_id& cluster, std::string name, azureml_settings settings,
                          azureml_install_options options, diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, begin_signature>(
        [this, &diag](auto h, resource_id c, std::string n, azureml_settings s, azureml_install_options o) {
          async_begin_create_erased(std::move(c), std::move(n), std::move(s), std::move(o), diag, std::move(h));
        },
        token, cluster, std::move(name), std::move(settings), std::move(options));
  }
  /// Blocking begin_create.
  arm::poller begin_create(const resource_id& cluster, std::string_view name, const azureml_settings& settings,
                           const azureml_install_options& options = {}) const;
  /// Creates and waits: the extension once the operation succeeded; errc::operation_failed with the
  /// service's error (e.g. ExtensionOperationFailed and its health-check code) otherwise.
  extension create(const resource_id& cluster, std::string_view name, const azureml_settings& settings,
                   const azureml_install_options& options = {}) const;

  /// PATCHes the extension with `changes` (§2.8; see build_azureml_update).
  template <class CompletionToken>
  auto async_begin_update(const resource_id& cluster, std::string name, azureml_settings changes,
                          bool replaces_all_protected_settings, azureml_install_options options, diagnostics& diag,
                          CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, begin_signature>(
        [this, &diag, replaces_all_protected_settings](auto h, resource_id c, std::string n, azureml_settings s,
                                                       azureml_install_options o) {
          async_begin_update_erased(std::move(c), std::move(n), std::move(s), replaces_all_protected_settings,
                                    std::move(o), diag, std::move(h));
        },
        token, cluster, std::move(name), std::move(changes), std::move(options));
  }
  /// Blocking begin_update.
  arm::poller begin_update(const resource_id& cluster, std::string_view name, const azureml_settings& changes,
                           bool replaces_all_protected_settings = false, const azureml_install_options& options = {}) const;
  /// Updates and waits.
  extension update(const resource_id& cluster, std::string_view name, const azureml_settings& changes,
                   bool replaces_all_protected_settings = false, const azureml_install_options& options = {}) const;

  /// Reads the extension (its settings decide the expected components) and compares them with
  /// namespace azureml on `k8s`, the cluster's Kubernetes API; reads the health-check report.
  template <class CompletionToken>
  auto async_verify(const resource_id& cluster, std::string name, const kube::client& k8s, diagnostics& diag,
                    CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, verify_signature>(
        [this, &diag, &k8s](auto h, resource_id c, std::string n) {
          async_verify_erased(std::move(c), std::move(n), k8s, diag, std::move(h));
        },
        token, cluster, std::move(name));
  }
  /// Blocking verify.
  verification_report verify(const resource_id& cluster, std::string_view name, const kube::client& k8s) const;

  /// Checks the prerequisites and limitations for installing with `settings`: the cluster resource,
  /// the provider registration, and (when `k8s` is given) nodes, load balancers, legacy azureml-fe
  /// resources and namespace azureml. Facts that cannot be read (e.g. no permission) are skipped.
  template <class CompletionToken>
  auto async_preflight(const resource_id& cluster, azureml_settings settings, const kube::client* k8s,
                       preflight_options options, diagnostics& diag, CompletionToken&& token) const {
    return boost::asio::async_initiate<CompletionToken, preflight_signature>(
        [this, &diag, k8s](auto h, resource_id c, azureml_settings s, preflight_options o) {
          async_preflight_erased(std::move(c), std::move(s), k8s, std::move(o), diag, std::move(h));
        },
        token, cluster, std::move(settings), std::move(options));
  }
  /// Blocking preflight.
  preflight_report preflight(const resource_id& cluster, const azureml_settings& settings, const kube::client* k8s = nullptr,
                             const preflight_options& options = {}) const;

  // The type-erased operations behind the templates.
  void async_plan_create_erased(resource_id cluster, azureml_settings settings, azureml_install_options options,
                                diagnostics& diag, boost::asio::any_completion_handler<plan_signature> handler) const;
  void async_begin_create_erased(resource_id cluster, std::string name, azureml_settings settings,
                                 azureml_install_options options, diagnostics& diag,
                                 boost::asio::any_completion_handler<begin_signature> handler) const;
  void async_begin_update_erased(resource_id cluster, std::string name, azureml_settings changes,
                                 bool replaces_all_protected_settings, azureml_install_options options, diagnostics& diag,
                                 boost::asio::any_completion_handler<begin_signature> handler) const;
  void async_verify_erased(resource_id cluster, std::string name, const kube::client& k8s, diagnostics& diag,
                           boost::asio::any_completion_handler<verify_signature> handler) const;
  void async_preflight_erased(resource_id cluster, azureml_settings settings, const kube::client* k8s,
                              preflight_options options, diagnostics& diag,
                              boost::asio::any_completion_handler<preflight_signature> handler) const;

 private:
  arm::client* arm_;
  extensions_client extensions_;
  clusters_client clusters_;
  providers_client providers_;
};

}  // namespace amlk8s::model
