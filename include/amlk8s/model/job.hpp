// Command jobs on a Kubernetes compute (contracts/aml-workspace-and-auth.md §2.1-2.4, §3.4): the
// typed job, the YAML `az ml job create -f` takes, the REST body, and a client that resolves
// references, checks the instance type against the compute's cluster, submits, waits and streams logs.
//
//   auto job = amlk8s::model::command_job::load_file("hello-world.yml");  // the seed's YAML as is
//   job.compute = "azureml:k8s-compute";
//   job.instance_type = "cpusmall";
//   amlk8s::model::jobs_client jobs(arm, workspace_id);
//   auto submitted = jobs.create(job, {.k8s = &k8s});      // checks, references, PUT
//   jobs.stream_logs(submitted.name, k8s, [](std::string_view text) { std::cout << text; });
//   auto done = jobs.wait(submitted.name);                 // Completed, Failed, Canceled, ...
#pragma once

#include <amlk8s/arm/client.hpp>
#include <amlk8s/arm/poller.hpp>
#include <amlk8s/core/error.hpp>
#include <amlk8s/core/resource_id.hpp>
#include <amlk8s/kube/client.hpp>
#include <amlk8s/model/detail/initiate.hpp>

#include <boost/json/value.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::model {

/// §2.3: the REST job statuses azure-ai-ml treats as final for waiting (Completed, Failed, Canceled,
/// NotResponding, Paused).
bool is_terminal_job_status(std::string_view status) noexcept;

/// A job input: a literal value, or data by URI (§2.2 `inputs`, §3.4).
struct job_input {
  /// "literal", "uri_file", "uri_folder", "mltable", "custom_model", "mlflow_model", "triton_model".
  std::string type = "literal";
  std::string value;  ///< for literal
  std::string path;   ///< for the others (a URI or an azureml: data reference)
  /// YAML mode: ro_mount, rw_mount, download, direct, eval_mount, eval_download (empty: the service's default).
  std::string mode;
  std::string description;
  friend bool operator==(const job_input&, const job_input&) = default;
};

/// A job output (§2.2 `outputs`).
struct job_output {
  std::string type = "uri_folder";  ///< uri_file, uri_folder, mltable, custom_model, mlflow_model, triton_model
  std::string path;
  std::string mode;  ///< rw_mount, upload, direct (empty: the service's default)
  std::string description;
  friend bool operator==(const job_output&, const job_output&) = default;
};

/// Distributed training (§2.2 `distribution`).
struct job_distribution {
  std::string type;  ///< "pytorch", "tensorflow", "mpi" or "ray"
  std::optional<int> process_count_per_instance;
  std::optional<int> worker_count;
  std::optional<int> parameter_server_count;
  friend bool operator==(const job_distribution&, const job_distribution&) = default;
};

/// An environment given inline (§2.4: the SDK registers it as an anonymous environment version).
struct inline_environment {
  std::string image;       ///< a container image, e.g. "python" or "mcr.microsoft.com/azureml/..."
  std::string conda_file;  ///< the conda file's contents
  friend bool operator==(const inline_environment&, const inline_environment&) = default;
};

/// A command job: what is sent, and once read back, what the service reports.
struct command_job {
  std::string name;  ///< the job id; empty: a name is generated at create
  std::string display_name;
  std::string experiment_name;  ///< empty: "Default"
  std::string description;
  std::map<std::string, std::string> tags;
  std::map<std::string, std::string> properties;

  std::string command;
  /// `azureml:<name>:<version>`, `azureml:<name>@latest`, an ARM id, or an `azureml://registries/...` id.
  std::string environment;
  /// Set instead of `environment` for an inline `image:` (or the seed documents' `docker: image:`).
  std::optional<inline_environment> environment_inline;
  /// `azureml:<name>:<version>` or an ARM id of a code version (local folders need an upload first).
  std::string code;
  /// `azureml:<name>`, `<name>`, or the compute's ARM id.
  std::string compute;
  /// The Kubernetes instance type; empty: the compute's `defaultinstancetype`.
  std::string instance_type;
  int instance_count = 1;
  std::string shm_size;     ///< e.g. "2g"
  std::string docker_args;
  std::map<std::string, std::string> environment_variables;
  std::map<std::string, job_input> inputs;
  std::map<std::string, job_output> outputs;
  std::optional<std::chrono::seconds> timeout;  ///< limits.timeout
  std::optional<job_distribution> distribution;
  /// "aml_token", "managed" or "user_identity"; empty: the service's default.
  std::string identity;

  // Read-only, set when read from the service.
  std::string id;
  std::string status;
  std::string compute_id;      ///< properties.computeId as sent
  std::string environment_id;  ///< properties.environmentId as sent
  std::string studio_url;      ///< services.Studio.endpoint
  std::string created_at;      ///< systemData.createdAt

  /// Problems found before anything is sent, each naming the field and the fix: a command, an
  /// environment (one of the two forms), a compute, the instance count, the name, input and output
  /// types and modes, shm_size, a `${{inputs.x}}` placeholder without an input, local code paths.
  std::vector<validation_issue> validate() const;

  /// Reads the YAML `az ml job create -f` takes (§3.4; `type: command`), including the seed
  /// documents' `environment: {docker: {image: ...}}`. Unknown keys are ignored; wrong types and
  /// unsupported job types are amlk8s::error (errc::invalid_argument) naming the key and `source`.
  static command_job from_yaml(std::string_view text, std::string_view source = {});
  /// from_yaml() of a file; errors name the file.
  static command_job load_file(const std::filesystem::path& path);

  /// The PUT body (§2.2) with the resolved ids: computeId, environmentId and (when not empty) codeId.
  boost::json::value to_json(std::string_view compute_id, std::string_view environment_id,
                             std::string_view code_id = {}) const;
  /// Reads a job resource (§2.2 envelope). Throws amlk8s::error naming a member of the wrong type.
  static command_job from_json(const boost::json::value& body);

  bool is_terminal() const noexcept { return is_terminal_job_status(status); }
  friend bool operator==(const command_job&, const command_job&) = default;
};

std::string to_string(const command_job& job);
std::ostream& operator<<(std::ostream& os, const command_job& job);

/// The name of the anonymous environment version an inline environment becomes (§2.4:
/// `CliV2AnonymousEnvironment`, version = a hash of its contents), and its version body.
std::string anonymous_environment_version(const inline_environment& env);
boost::json::value anonymous_environment_body(const inline_environment& env);

/// What create checks besides the job itself.
struct job_create_options {
  /// Read the compute: it exists, is a Kubernetes compute that Succeeded, and lists the instance type.
  bool check_compute = true;
  /// The compute's cluster: when given, the instance type must fit at least one node of an empty
  /// cluster (otherwise the job could never be scheduled); that it does not fit now is no error.
  const kube::client* k8s = nullptr;
};

/// How wait polls.
struct job_wait_options {
  std::chrono::milliseconds interval{std::chrono::seconds(2)};  ///< §2.3: azure-ai-ml polls from 2 s
  std::chrono::milliseconds max_interval{std::chrono::seconds(60)};
  /// Give up (errc::timeout) after this long; zero waits for ever.
  std::chrono::milliseconds timeout{0};
  /// Called with each status seen that differs from the one before.
  std::function<void(const command_job&)> on_status;
};

/// Jobs of one workspace.
class jobs_client {
 public:
  /// A client for `workspace` sending through `arm` (which must outlive it). Throws amlk8s::error
  /// when `workspace` is not a workspace id.
  jobs_client(arm::client& arm, resource_id workspace);

  const resource_id& workspace() const noexcept { return workspace_; }

  /// Validates, resolves references (compute; environment label `@latest`; an inline environment
  /// registered as an anonymous version), checks the compute and instance type, then PUTs the job
  /// (synchronous, §2.1). Bad input: errc::invalid_argument with diag.validation before any
  /// request; a failed check: errc::precondition_failed with the fix.
  template <class CompletionToken>
  auto async_create(command_job job, job_create_options options, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<command_job>(token, [this, &diag, j = std::move(job), options](auto h) mutable {
      async_create_erased(std::move(j), options, diag, std::move(h));
    });
  }
  command_job create(const command_job& job, const job_create_options& options = {}) const;

  template <class CompletionToken>
  auto async_get(std::string name, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<command_job>(
        token, [this, &diag, n = std::move(name)](auto h) mutable { async_get_erased(std::move(n), diag, std::move(h)); });
  }
  command_job get(std::string_view name) const;

  /// Every job of the workspace (all pages). Jobs of other types are read as far as the common fields go.
  template <class CompletionToken>
  auto async_list(diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<std::vector<command_job>>(token, [this, &diag](auto h) { async_list_erased(diag, std::move(h)); });
  }
  std::vector<command_job> list() const;

  /// POST cancel (§2.1, long-running with Location), then waits until the job is terminal.
  template <class CompletionToken>
  auto async_cancel(std::string name, job_wait_options options, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<command_job>(token, [this, &diag, n = std::move(name), o = std::move(options)](auto h) mutable {
      async_cancel_erased(std::move(n), std::move(o), diag, std::move(h));
    });
  }
  command_job cancel(std::string_view name, const job_wait_options& options = {}) const;

  /// Polls until the job's status is terminal (§2.3), with back-off from `interval` to `max_interval`.
  template <class CompletionToken>
  auto async_wait(std::string name, job_wait_options options, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<command_job>(token, [this, &diag, n = std::move(name), o = std::move(options)](auto h) mutable {
      async_wait_erased(std::move(n), std::move(o), diag, std::move(h));
    });
  }
  command_job wait(std::string_view name, const job_wait_options& options = {}) const;

  /// Streams the log of the job's first instance (container `training` of its pod in the compute's
  /// namespace on `k8s`, model/workload_labels.hpp) to `on_text` as it grows, until the job is
  /// terminal and the log is read to its end; completes with the final job.
  template <class CompletionToken>
  auto async_stream_logs(std::string name, const kube::client& k8s, std::function<void(std::string_view)> on_text,
                         job_wait_options options, diagnostics& diag, CompletionToken&& token) const {
    return detail::initiate<command_job>(
        token, [this, &diag, &k8s, n = std::move(name), f = std::move(on_text), o = std::move(options)](auto h) mutable {
          async_stream_logs_erased(std::move(n), k8s, std::move(f), std::move(o), diag, std::move(h));
        });
  }
  command_job stream_logs(std::string_view name, const kube::client& k8s, std::function<void(std::string_view)> on_text,
                          const job_wait_options& options = {}) const;

  // The type-erased operations behind the templates.
  void async_create_erased(command_job job, job_create_options options, diagnostics& diag,
                           detail::handler<command_job> h) const;
  void async_get_erased(std::string name, diagnostics& diag, detail::handler<command_job> h) const;
  void async_list_erased(diagnostics& diag, detail::handler<std::vector<command_job>> h) const;
  void async_cancel_erased(std::string name, job_wait_options options, diagnostics& diag,
                           detail::handler<command_job> h) const;
  void async_wait_erased(std::string name, job_wait_options options, diagnostics& diag,
                         detail::handler<command_job> h) const;
  void async_stream_logs_erased(std::string name, const kube::client& k8s, std::function<void(std::string_view)> on_text,
                                job_wait_options options, diagnostics& diag, detail::handler<command_job> h) const;

 private:
  arm::client* arm_;
  resource_id workspace_;
};

}  // namespace amlk8s::model
