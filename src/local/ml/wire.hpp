// What the workspace side of AzureML on attached Kubernetes clusters writes and reads, in one place:
// the Kubernetes compute's KubernetesProperties members the service fills, the InstanceTypeSchema
// shape, and the ARM types and names the operators look for. Private to amlk8s_local.
// Contracts: contracts/aml-workspace-and-auth.md §1.3, §2.5, §2.6, §3.3; contracts/kubernetes.md §1.3–1.5.
#pragma once

#include <amlk8s/model/instance_type.hpp>

#include <boost/json/object.hpp>

#include <string_view>
#include <vector>

namespace amlk8s::local::ml {

inline constexpr std::string_view compute_type = "Microsoft.MachineLearningServices/workspaces/computes";
inline constexpr std::string_view endpoint_type = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
inline constexpr std::string_view deployment_type = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";
inline constexpr std::string_view extension_type = "Microsoft.KubernetesConfiguration/extensions";
/// The environments kind, added on another branch: references to environments are checked once it
/// is registered (see check_environment in kinds_ml.cpp).
inline constexpr std::string_view environment_version_type =
    "Microsoft.MachineLearningServices/workspaces/environments/versions";

// §1.3 KubernetesProperties (`properties.properties` of a compute) members the service fills.
inline constexpr std::string_view namespace_member = "namespace";
inline constexpr std::string_view instance_types_member = "instanceTypes";
inline constexpr std::string_view default_instance_type_member = "defaultInstanceType";
inline constexpr std::string_view release_train_member = "extensionInstanceReleaseTrain";
inline constexpr std::string_view principal_id_member = "extensionPrincipalId";

// §2.5: an endpoint's authMode values, in their canonical spelling.
inline constexpr std::string_view auth_key = "Key";
inline constexpr std::string_view auth_aml_token = "AMLToken";
inline constexpr std::string_view auth_aad_token = "AADToken";
/// Audience of the Entra ID tokens an AADToken endpoint accepts (scope https://ml.azure.com/.default).
inline constexpr std::string_view aad_scoring_audience = "https://ml.azure.com";

/// The profile of the virtual `defaultinstancetype` (kubernetes.md §1.3: the current docs).
inline constexpr model::default_profile default_profile = model::default_profile::current;

/// §1.5 InstanceTypeSchema: `{nodeSelector: map|null, resources: {requests: map, limits: map}}`,
/// every quantity a string.
boost::json::object instance_type_schema(const model::instance_type& type);

/// The `instanceTypes` map of a compute: every type of `types` by name, plus `defaultinstancetype`
/// (the virtual one unless `types` has a CR of that name).
boost::json::object instance_types_map(const std::vector<model::instance_type>& types);

}  // namespace amlk8s::local::ml
