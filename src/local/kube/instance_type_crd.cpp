// contracts/kubernetes.md §1.1 (identity, scope Cluster) and §1.2 (the schema we serve: the real
// one ships only inside the extension's Helm chart).
#include <amlk8s/local/kube/instance_type_crd.hpp>

#include <boost/json/parse.hpp>

namespace amlk8s::local::kube {

namespace {
constexpr const char* manifest = R"({
  "apiVersion": "apiextensions.k8s.io/v1",
  "kind": "CustomResourceDefinition",
  "metadata": {"name": "instancetypes.amlarc.azureml.com"},
  "spec": {
    "group": "amlarc.azureml.com",
    "names": {"kind": "InstanceType", "listKind": "InstanceTypeList", "plural": "instancetypes", "singular": "instancetype"},
    "scope": "Cluster",
    "versions": [{
      "name": "v1alpha1",
      "served": true,
      "storage": true,
      "schema": {"openAPIV3Schema": {
        "type": "object",
        "properties": {
          "spec": {
            "type": "object",
            "x-kubernetes-preserve-unknown-fields": true,
            "properties": {
              "nodeSelector": {"type": "object", "additionalProperties": {"type": "string"}},
              "resources": {
                "type": "object",
                "properties": {
                  "requests": {"type": "object", "additionalProperties": {"x-kubernetes-int-or-string": true, "nullable": true}},
                  "limits": {"type": "object", "additionalProperties": {"x-kubernetes-int-or-string": true, "nullable": true}}
                }
              },
              "tolerations": {"type": "array", "items": {"type": "object", "properties": {
                "key": {"type": "string"},
                "operator": {"type": "string", "enum": ["Equal", "Exists"]},
                "value": {"type": "string"},
                "effect": {"type": "string", "enum": ["NoSchedule", "PreferNoSchedule", "NoExecute"]},
                "tolerationSeconds": {"type": "integer"}
              }}},
              "affinity": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
            }
          },
          "status": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}
        }
      }}
    }]
  }
})";
}  // namespace

boost::json::object instance_type_crd() { return boost::json::parse(manifest).as_object(); }

}  // namespace amlk8s::local::kube
