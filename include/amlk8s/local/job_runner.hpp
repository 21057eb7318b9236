// The training side of the AzureML extension in the local control plane: what the extension's job
// operator and the cluster's scheduler do with a command job (contracts/aml-workspace-and-auth.md
// §2.1–2.4, contracts/kubernetes.md §1.4 and §4.4).
//
// When `PUT .../workspaces/{ws}/jobs/{name}` creates a job with `jobType: Command`, the runner
//  1. resolves `computeId` (an ARM id, `azureml:<name>` or a bare name) to a Kubernetes compute of
//     the same workspace whose cluster exists, `environmentId` to an environment version (a
//     container id or `name@latest` takes its `latestVersion`; registry ids are taken as they are),
//     and `resources.instanceType` (default `defaultinstancetype`: the CR of that name, else the
//     virtual default) to an InstanceType of that cluster. Anything missing ends the job Failed;
//  2. creates `resources.instanceCount` pods in the compute's namespace, named and labelled as
//     amlk8s/model/workload_labels.hpp says, container `training` with the instance type's
//     nodeSelector (merged with the AzureML extension's), resources and tolerations (§1.4);
//  3. schedules them as kube-scheduler's filters do (amlk8s/model/fit.hpp), all pods of a job
//     together or none (the extension's gang scheduling): a job whose pods do not all fit keeps them
//     Pending with PodScheduled=False/Unschedulable, the scheduler's message and a FailedScheduling
//     event; jobs are placed in creation order whenever capacity frees;
//  4. runs each instance's command as a local process, or, with processes off, for a simulated
//     time on the control plane's clock.
//
// An instance's process: `/bin/sh -c <command>` with `${{inputs.x}}` replaced by the literal value
// (or the uri) of input x and `${{outputs.y}}` by `<job folder>/outputs/y`, in the job's folder
// `work_dir/jobs/<resource group>/<workspace>/<job>`, stdin /dev/null, stdout and stderr into its
// pod's log, in a process group of its own (a container ends with its main process: what it left
// running is killed when it exits). Its environment is PATH, LANG, LC_ALL, LC_CTYPE, TZ, TMPDIR,
// USER and LOGNAME from the server, HOME=<job folder>, AZUREML_RUN_ID=<job name>,
// AZUREML_ARM_SUBSCRIPTION, AZUREML_ARM_RESOURCEGROUP, AZUREML_ARM_WORKSPACE_NAME,
// AZUREML_ARM_PROJECT_NAME=<experiment>, AZUREML_COMPUTE_NAME, AZUREML_INSTANCE_TYPE,
// AZUREML_INSTANCE_INDEX, AZUREML_INSTANCE_COUNT, then `environmentVariables` (which win). When
// the environment's image is a Python one (`python`, `python:3.11`, `library/python:latest`), it
// has a conda file, or it is a registry environment, and the PATH the process gets has no
// `python`, a folder with a `python` script that execs the machine's python3 goes first on PATH.
//
// `properties.status` moves NotStarted (PUT) → Queued (pods Pending) → Starting (all bound) →
// Running (processes started) → Completed (every instance exited 0) or Failed (an instance exited
// non-zero, `limits.timeout` passed, a pod was deleted, or the job could not be resolved). A cancel
// moves CancelRequested → Canceled once the processes are gone and the pods terminated. The pods
// move Pending → Running → Succeeded/Failed with `containerStatuses[].state.terminated.exitCode`.
// Why a job failed is in `properties.properties["_amlk8s.error"]` (and its exit code in
// `"_amlk8s.exitCode"`); the log of an instance is its pod's `training` container log.
//
// What moves a job on: every ARM request and arm_api::settle() (the runner is an arm_api settle
// hook), and a background thread that reads process output and advances jobs every poll_interval.
// Observers and hooks run with the ARM state locked; none of them waits for a process.
#pragma once

#include <amlk8s/local/arm_api.hpp>
#include <amlk8s/local/azureml_agent.hpp>
#include <amlk8s/local/clock.hpp>

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::local {

/// Settings of the job runner.
struct job_runner_options {
  /// Run each instance's command as a local process. Off: an instance "runs" for
  /// `simulated_run_time` on the control plane's clock and its log says what it would have run.
  bool run_processes = true;
  /// Jobs get their working folders under `work_dir / "jobs"` (and the `python` shim under
  /// `work_dir / "jobs" / ".bin"`); required when run_processes is on.
  std::filesystem::path work_dir;
  /// How long a job runs when processes are off.
  std::chrono::milliseconds simulated_run_time{10'000};
  /// Bytes of output kept per instance; the rest is dropped with a note.
  std::size_t log_limit = std::size_t{4} << 20;
  /// How often the background thread reads process output and advances jobs; 0: no thread (jobs
  /// move only on ARM requests and arm_api::settle()).
  std::chrono::milliseconds poll_interval{20};
  /// A cancel, a timeout or a failed sibling sends SIGTERM to an instance's process group, then
  /// SIGKILL after this long.
  std::chrono::milliseconds kill_grace{500};
  /// The interpreter the `python` shim runs; empty: `python3` on the job's PATH, else on the server's.
  std::string python3;
};

/// What the runner knows about one job.
struct job_run_info {
  std::string id;                    ///< the job's ARM id
  std::string status;                ///< as on the ARM job
  std::vector<std::string> history;  ///< every status the job went through, oldest first
  std::optional<int> exit_code;      ///< the first non-zero exit code, or 0 once all exited 0
  std::string error;                 ///< why the job failed (empty unless Failed)
  std::filesystem::path work_dir;    ///< the job's working folder (empty with processes off)
};

/// The job operator of the local control plane. Owns the processes it starts; destroying it (or
/// stop()) kills them and reaps them. `arm` must outlive it.
class job_runner {
 public:
  /// Registers with `arm` (observers and a settle hook); `time` is the control plane's clock (the
  /// one `arm` reads); `lookup` gives a cluster's Kubernetes API.
  job_runner(arm_api& arm, std::shared_ptr<clock> time, cluster_api_lookup lookup, job_runner_options options = {});
  ~job_runner();
  job_runner(const job_runner&) = delete;
  job_runner& operator=(const job_runner&) = delete;

  /// Stops the background thread and kills every process (SIGKILL to its group) and reaps it;
  /// jobs stop moving. Safe to call twice; must not be called from an observer.
  void stop();

  /// The job with ARM id `job_id` (case-insensitive), if the runner has seen it.
  std::optional<job_run_info> info(std::string_view job_id) const;
  /// The output of instance `index` of the job so far, if the job has such an instance.
  std::optional<std::string> log(std::string_view job_id, int index = 0) const;

  const job_runner_options& options() const noexcept;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace amlk8s::local
