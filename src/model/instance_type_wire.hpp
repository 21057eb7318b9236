// Every wire name of the InstanceType custom resource that amlk8s reads or writes, in one place.
// Contract: /work/shared/design/contracts/kubernetes.md §1.1 (identity), §1.2 (spec fields),
// §1.3 (defaultinstancetype), §2.1 (what `kubectl apply` sends: lists, last-applied annotation),
// §2.5 (client-side apply's merge patch).
#pragma once

#include <amlk8s/model/instance_type.hpp>

#include <string_view>

namespace amlk8s::model::instance_type_wire {

// §1.1 identity.
inline constexpr std::string_view api_version = "amlarc.azureml.com/v1alpha1";
inline constexpr std::string_view kind = "InstanceType";
inline constexpr std::string_view list_kind = "InstanceTypeList";
inline constexpr std::string_view crd_name = "instancetypes.amlarc.azureml.com";
// §2.1: a core `kind: List` (what `kubectl get -o yaml` writes) holds items of any kind.
inline constexpr std::string_view core_list_kind = "List";
inline constexpr std::string_view core_list_api_version = "v1";

// Object members.
inline constexpr std::string_view api_version_member = "apiVersion";
inline constexpr std::string_view kind_member = "kind";
inline constexpr std::string_view metadata = "metadata";
inline constexpr std::string_view name = "name";
inline constexpr std::string_view annotations = "annotations";
inline constexpr std::string_view items = "items";
inline constexpr std::string_view spec = "spec";

// §1.2 spec fields.
inline constexpr std::string_view node_selector = "nodeSelector";
inline constexpr std::string_view resources = "resources";
inline constexpr std::string_view requests = "requests";
inline constexpr std::string_view limits = "limits";
inline constexpr std::string_view tolerations = "tolerations";
inline constexpr std::string_view cpu = "cpu";
inline constexpr std::string_view memory = "memory";
inline constexpr std::string_view gpu = "nvidia.com/gpu";

// §1.2 core/v1 Toleration.
inline constexpr std::string_view toleration_key = "key";
inline constexpr std::string_view toleration_operator = "operator";
inline constexpr std::string_view toleration_value = "value";
inline constexpr std::string_view toleration_effect = "effect";
inline constexpr std::string_view toleration_seconds = "tolerationSeconds";
inline constexpr std::string_view op_equal = "Equal";
inline constexpr std::string_view op_exists = "Exists";
inline constexpr std::string_view effect_no_schedule = "NoSchedule";
inline constexpr std::string_view effect_prefer_no_schedule = "PreferNoSchedule";
inline constexpr std::string_view effect_no_execute = "NoExecute";

// §1.3 the default type's name (public, in model/instance_type.hpp).
inline constexpr std::string_view default_name = default_instance_type_name;

// §2.1 client-side apply.
inline constexpr std::string_view last_applied_annotation = "kubectl.kubernetes.io/last-applied-configuration";

}  // namespace amlk8s::model::instance_type_wire
