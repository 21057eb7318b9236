// Kubernetes online endpoints and deployments (contracts/aml-workspace-and-auth.md §2.5-2.6): a
// model served on a Kubernetes compute with a chosen instance type, what `az ml online-endpoint`
// and `az ml online-deployment` do, plus registering the model version a deployment serves.
//
//   amlk8s::model::online_client online(arm, scoring_sender, workspace_id);
//   online.create_endpoint({.name = "mnist", .compute = "azureml:k8s-compute"});
//   online.create_deployment({.name = "blue", .endpoint_name = "mnist", .model = "azureml:mnist:1",
//                             .environment = "azureml:sklearn-env:1", .instance_type = "cpusmall"});
//   online.set_traffic("mnist", {{"blue", 100}});
//   auto answer = online.invoke("mnist", R"({"data": [[1, 2, 3]]})");
//
// Async forms take any Asio completion token; blocking forms throw amlk8s::error. Keys and tokens
// are secret_string: they never reach a log, an error or to_string().
#pragma once

#include <amlk8s/arm/client.hpp>
#include <amlk8s/arm/poller.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/redact.hpp>
#include <amlk8s/core/resource_id.hpp>
#include <amlk8s/http/sender.hpp>
#include <amlk8s/kube/client.hpp>
#include <amlk8s/model/detail/initiate.hpp>
#include <amlk8s/model/job.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::model {

/// A Kubernetes online endpoint.
struct online_endpoint {
  std::string name;
  /// The Kubernetes compute: `azureml:<name>`, `<name>` or its ARM id (properties.compute).
  std::string compute;
  /// "key", "aml_token" or "aad_token" (YAML spelling; REST Key, AMLToken, AADToken).
  std::string auth_mode = "key";
  std::string description;
  std::map<std::string, std::string> tags;
  /// Deployment name → percent of traffic (sums to 100, or empty).
  std::map<std::string, int> traffic;
  std::string location;  ///< empty: the workspace's

  // Read-only.
  std::string id;
  std::string provisioning_state;
  std::string scoring_uri;
  std::string swagger_uri;

  std::vector<validation_issue> validate() const;
  /// The PUT body (§2.5) with the compute's ARM id.
  boost::json::value to_json(std::string_view compute_id) const;
  static online_endpoint from_json(const boost::json::value& body);
  /// The endpoint YAML `az ml online-endpoint create -f` takes (name, compute, auth_mode, traffic, ...).
  static online_endpoint from_yaml(std::string_view text, std::string_view source = {});
  friend bool operator==(const online_endpoint&, const online_endpoint&) = default;
};

/// A Kubernetes online deployment.
struct online_deployment {
  std::string name;
  std::string endpoint_name;
  /// `azureml:<name>:<version>`, an ARM id, or an `azureml://registries/...` id.
  std::string model;
  /// `azureml:<name>:<version>` / `@latest`, an ARM id, or inline (registered as an anonymous version).
  std::string environment;
  std::optional<inline_environment> environment_inline;
  /// `azureml:<name>:<version>` or an ARM id of a code version, with the scoring script in it.
  std::string code;
  std::string scoring_script;
  /// The Kubernetes instance type; empty: `defaultinstancetype`.
  std::string instance_type;
  int instance_count = 1;  ///< sku.capacity
  std::map<std::string, std::string> environment_variables;
  bool app_insights_enabled = false;
  std::optional<int> max_concurrent_requests_per_instance;
  std::optional<std::chrono::milliseconds> request_timeout;
  std::string description;
  std::map<std::string, std::string> tags;

  // Read-only.
  std::string id;
  std::string provisioning_state;

  std::vector<validation_issue> validate() const;
  /// The PUT body (§2.6) with resolved ids.
  boost::json::value to_json(std::string_view model_id, std::string_view environment_id, std::string_view code_id) const;
  static online_deployment from_json(const boost::json::value& body);
  /// A deployment YAML (`az ml online-deployment create -f`: name, endpoint_name, model,
  /// code_configuration, environment, instance_type, instance_count, ...). Inline `model: {name,
  /// version}` becomes `azureml:<name>:<version>` (the model must be registered);
  /// `environment: {docker: {image}}` or `{image}` an inline environment.
  static online_deployment from_yaml(std::string_view text, std::string_view source = {});
  /// Every deployment of the seed documents' endpoint YAML shape (`deployments: [...]`), or the
  /// single deployment of a deployment YAML.
  static std::vector<online_deployment> all_from_yaml(std::string_view text, std::string_view source = {});
  friend bool operator==(const online_deployment&, const online_deployment&) = default;
};

std::string to_string(const online_endpoint& e);
std::string to_string(const online_deployment& d);
std::ostream& operator<<(std::ostream& os, const online_endpoint& e);
std::ostream& operator<<(std::ostream& os, const online_deployment& d);

/// A registered model version (`{workspace}/models/{name}/versions/{version}`).
struct model_version {
  std::string name;
  std::string version;
  std::string model_uri;  ///< where the files are, e.g. azureml://datastores/workspaceblobstore/paths/...
  std::string model_type = "custom_model";  ///< custom_model, mlflow_model, triton_model
  std::string description;
  std::string id;  ///< read-only
  friend bool operator==(const model_version&, const model_version&) = default;
};

/// An endpoint's keys (authMode key).
struct endpoint_keys {
  secret_string primary;
  secret_string secondary;
};

/// An endpoint's token (authMode aml_token).
struct endpoint_token {
  secret_string access_token;
  std::string token_type;
  std::int64_t expires_on = 0;  ///< epoch seconds
  std::int64_t refresh_after = 0;
};

/// The scoring server's answer.
struct scoring_result {
  int status = 0;
  std::string body;
  std::string deployment;  ///< the `azureml-model-deployment` header: which deployment answered
};

/// What create_deployment checks besides the deployment.
struct deployment_create_options {
  /// Read the endpoint and its compute: the instance type must exist on the compute.
  bool check_compute = true;
  /// The compute's cluster: when given, the instance type must fit some node of an idle cluster.
  const kube::client* k8s = nullptr;
};

/// Online endpoints and deployments of one workspace.
class online_client {
 public:
  /// `arm` sends the management calls; `scoring` (no ARM credential on it) sends invoke() to the
  /// scoring URI with the endpoint's key or token. Both must outlive the client.
  online_client(arm::client& arm, http::sender& scoring, resource_id workspace);

  const resource_id& workspace() const noexcept { return workspace_; }

  // ---- endpoints ----
  template <class CompletionToken>
  auto async_begin_create_endpoint(online_endpoint e, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<arm::poller>(
        token, [this, &diag, e = std::move(e)](auto h) mutable { begin_create_endpoint_erased(std::move(e), diag, std::move(h)); });
  }
  arm::poller begin_create_endpoint(const online_endpoint& e) const;
  /// Creates (or updates) and waits; the endpoint with its scoring URI.
  online_endpoint create_endpoint(const online_endpoint& e) const;
  template <class CompletionToken>
  auto async_get_endpoint(std::string name, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<online_endpoint>(
        token, [this, &diag, n = std::move(name)](auto h) mutable { get_endpoint_erased(std::move(n), diag, std::move(h)); });
  }
  online_endpoint get_endpoint(std::string_view name) const;
  template <class CompletionToken>
  auto async_list_endpoints(diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<std::vector<online_endpoint>>(
        token, [this, &diag](auto h) { list_endpoints_erased(diag, std::move(h)); });
  }
  std::vector<online_endpoint> list_endpoints() const;
  /// Sets the traffic split (a PUT of the endpoint with `traffic`) and waits.
  online_endpoint set_traffic(std::string_view endpoint, const std::map<std::string, int>& traffic) const;
  template <class CompletionToken>
  auto async_begin_delete_endpoint(std::string name, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<arm::poller>(
        token, [this, &diag, n = std::move(name)](auto h) mutable { begin_delete_endpoint_erased(std::move(n), diag, std::move(h)); });
  }
  arm::poller begin_delete_endpoint(std::string_view name) const;
  void delete_endpoint(std::string_view name) const;
  endpoint_keys get_keys(std::string_view endpoint) const;
  endpoint_token get_token(std::string_view endpoint) const;

  // ---- deployments ----
  template <class CompletionToken>
  auto async_begin_create_deployment(online_deployment d, deployment_create_options options, diagnostics& diag,
                                     CompletionToken&& token) const {
    return detail::initiate<arm::poller>(token, [this, &diag, d = std::move(d), options](auto h) mutable {
      begin_create_deployment_erased(std::move(d), options, diag, std::move(h));
    });
  }
  arm::poller begin_create_deployment(const online_deployment& d, const deployment_create_options& options = {}) const;
  /// Creates and waits: Succeeded once its pods run; errc::operation_failed with the service's error otherwise.
  online_deployment create_deployment(const online_deployment& d, const deployment_create_options& options = {}) const;
  template <class CompletionToken>
  auto async_get_deployment(std::string endpoint, std::string name, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<online_deployment>(token, [this, &diag, e = std::move(endpoint), n = std::move(name)](auto h) mutable {
      get_deployment_erased(std::move(e), std::move(n), diag, std::move(h));
    });
  }
  online_deployment get_deployment(std::string_view endpoint, std::string_view name) const;
  template <class CompletionToken>
  auto async_list_deployments(std::string endpoint, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<std::vector<online_deployment>>(token, [this, &diag, e = std::move(endpoint)](auto h) mutable {
      list_deployments_erased(std::move(e), diag, std::move(h));
    });
  }
  std::vector<online_deployment> list_deployments(std::string_view endpoint) const;
  template <class CompletionToken>
  auto async_begin_delete_deployment(std::string endpoint, std::string name, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<arm::poller>(token, [this, &diag, e = std::move(endpoint), n = std::move(name)](auto h) mutable {
      begin_delete_deployment_erased(std::move(e), std::move(n), diag, std::move(h));
    });
  }
  arm::poller begin_delete_deployment(std::string_view endpoint, std::string_view name) const;
  void delete_deployment(std::string_view endpoint, std::string_view name) const;

  // ---- scoring ----
  /// POSTs `request_json` to the endpoint's scoring URI with its key (or token); `deployment`
  /// names one deployment (header azureml-model-deployment), else the traffic split decides.
  template <class CompletionToken>
  auto async_invoke(std::string endpoint, std::string request_json, std::string deployment, diagnostics& diag,
                    CompletionToken&& token) const {
    return detail::initiate<scoring_result>(
        token, [this, &diag, e = std::move(endpoint), r = std::move(request_json), d = std::move(deployment)](auto h) mutable {
          invoke_erased(std::move(e), std::move(r), std::move(d), diag, std::move(h));
        });
  }
  /// Blocking invoke; a non-2xx answer throws amlk8s::error with the status and body's message.
  scoring_result invoke(std::string_view endpoint, std::string_view request_json, std::string_view deployment = {}) const;

  // ---- models ----
  /// Registers (PUT) a model version; synchronous.
  model_version create_model_version(const model_version& m) const;
  model_version get_model_version(std::string_view name, std::string_view version) const;

  // The type-erased operations behind the templates.
  void begin_create_endpoint_erased(online_endpoint e, diagnostics& diag, detail::handler<arm::poller> h) const;
  void begin_create_deployment_erased(online_deployment d, deployment_create_options options, diagnostics& diag,
                                      detail::handler<arm::poller> h) const;
  void invoke_erased(std::string endpoint, std::string request_json, std::string deployment, diagnostics& diag,
                     detail::handler<scoring_result> h) const;
  void get_endpoint_erased(std::string name, diagnostics& diag, detail::handler<online_endpoint> h) const;
  void list_endpoints_erased(diagnostics& diag, detail::handler<std::vector<online_endpoint>> h) const;
  void begin_delete_endpoint_erased(std::string name, diagnostics& diag, detail::handler<arm::poller> h) const;
  void get_deployment_erased(std::string endpoint, std::string name, diagnostics& diag,
                             detail::handler<online_deployment> h) const;
  void list_deployments_erased(std::string endpoint, diagnostics& diag,
                               detail::handler<std::vector<online_deployment>> h) const;
  void begin_delete_deployment_erased(std::string endpoint, std::string name, diagnostics& diag,
                                      detail::handler<arm::poller> h) const;

 private:
  arm::client* arm_;
  http::sender* scoring_;
  resource_id workspace_;
};

}  // namespace amlk8s::model
