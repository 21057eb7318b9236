// How the pods that AzureML runs on an attached cluster are found: the labels and names the
// extension's operators give the pods of a training job and of a Kubernetes online deployment, in
// the compute's namespace (contracts/kubernetes.md §1.4: an instance type becomes the pod's
// nodeSelector and resources). The SDK reads job logs and deployment pods through these; the local
// control plane's operators write them. The one place these names live.
#pragma once

#include <string>
#include <string_view>

namespace amlk8s::model::workload_labels {

/// Every pod of a job carries its job name (the ARM job resource's name).
inline constexpr std::string_view job_name = "ml.azure.com/job-name";
/// The compute (workspace attachment) a pod runs under.
inline constexpr std::string_view compute = "ml.azure.com/compute";
/// The instance type the pod was built from (`defaultinstancetype` when the workload named none).
inline constexpr std::string_view instance_type = "ml.azure.com/instance-type";
/// The online endpoint and deployment of an inference pod.
inline constexpr std::string_view endpoint = "ml.azure.com/endpoint";
inline constexpr std::string_view deployment = "ml.azure.com/deployment";
/// The index of a pod among the job's `instanceCount` instances ("0", "1", ...).
inline constexpr std::string_view instance_index = "ml.azure.com/instance-index";

/// The container that runs a job's command; its log is the job's log.
inline constexpr std::string_view job_container = "training";
/// The container that serves a deployment's model.
inline constexpr std::string_view inference_container = "inference-server";

/// Pod `index` of job `job`: "<job>-<index>".
inline std::string job_pod_name(std::string_view job, int index) {
  return std::string(job) + "-" + std::to_string(index);
}
/// Pod `index` of deployment `deployment_name` of endpoint `endpoint_name`: "<endpoint>-<deployment>-<index>".
inline std::string deployment_pod_name(std::string_view endpoint_name, std::string_view deployment_name, int index) {
  return std::string(endpoint_name) + "-" + std::string(deployment_name) + "-" + std::to_string(index);
}

}  // namespace amlk8s::model::workload_labels
