// Kubernetes online endpoints in the local control plane: what the AzureML extension's inference
// operator and router (azureml-fe) do for the deployments of an endpoint on an attached cluster.
// Contracts: contracts/aml-workspace-and-auth.md §2.5, §2.6; contracts/kubernetes.md §1.4, §4.4.
// The ARM side (checks of compute, model and traffic references, keys and tokens) is
// src/local/arm/kinds_ml.cpp.
//
// Inference operator:
//  - when a deployment's PUT completes, its pods are (re)made in the compute's namespace:
//    `sku.capacity` pods named and labelled per amlk8s/model/workload_labels.hpp, container
//    `inference-server` with the instance type's nodeSelector (∪ the extension's nodeSelector.*
//    settings), tolerations and resources. Each is placed by the scheduler's filter
//    (amlk8s/model/fit.hpp), first fitting node in name order: Running there, or Pending with
//    PodScheduled=False/Unschedulable, the scheduler's message and a FailedScheduling event. The
//    operation ends Failed (`DeploymentUnschedulable`, the scheduler's message) unless every pod
//    was placed; an instance type the cluster lacks fails it with `InstanceTypeNotFound`.
//  - deleting a deployment, its endpoint or its compute removes its pods.
//
// Scoring (online_endpoints::handle), on the control plane's own server:
//  - `POST /api/v1/endpoint/{name}/score` with `Authorization: Bearer <key | token>` (what the
//    endpoint's authMode takes: a key from listKeys, a token from the token action, or an Entra ID
//    token for https://ml.azure.com); the `azureml-model-deployment` header picks a deployment,
//    otherwise the endpoint's traffic does (smooth weighted round robin, deterministic); answers
//    the simulated inference server's JSON (see src/local/ml/scoring.cpp);
//  - `GET /api/v1/endpoint/{name}/swagger.json`: a small OpenAPI 2.0 document.
#pragma once

#include <amlk8s/http/message.hpp>
#include <amlk8s/local/azure_api.hpp>
#include <amlk8s/local/azureml_agent.hpp>

#include <memory>
#include <string_view>

namespace amlk8s::local {

/// The inference operator and the scoring front end of every Kubernetes online endpoint.
class online_endpoints {
 public:
  /// Registers the operator with `azure`'s ARM (which must outlive this object and keeps what
  /// the observers need alive); scoring checks Entra ID tokens with `azure`'s token service.
  online_endpoints(azure_api& azure, cluster_api_lookup lookup);
  ~online_endpoints();
  online_endpoints(const online_endpoints&) = delete;
  online_endpoints& operator=(const online_endpoints&) = delete;

  /// True for the paths served here (`/api/v1/endpoint/...`).
  static bool owns(std::string_view path) noexcept;
  /// Answers one scoring or swagger request. Thread-safe.
  http::response handle(const http::request& req);

  struct state;

 private:
  std::shared_ptr<state> state_;
};

}  // namespace amlk8s::local
