// The InstanceType CustomResourceDefinition (contracts/kubernetes.md §1.1, §1.2).
#pragma once

#include <boost/json/object.hpp>

namespace amlk8s::local::kube {

/// The CRD object `instancetypes.amlarc.azureml.com` (amlarc.azureml.com/v1alpha1, cluster-scoped)
/// with the schema the contract recommends. Creating it in a cluster makes instance types served.
boost::json::object instance_type_crd();

}  // namespace amlk8s::local::kube
