// A Kubernetes compute's instance types, read from its cluster (contracts/aml-workspace-and-auth.md
// §1.3, §3.3; contracts/kubernetes.md §1.5: the service syncs the CRs into the compute on attach,
// and the compute GET shows them). Refreshed when an attach completes and before every read.
#include <amlk8s/local/compute_sync.hpp>

#include "local/ml/cluster_target.hpp"
#include "local/ml/wire.hpp"

namespace amlk8s::local {

void attach_compute_sync(arm_api& arm, cluster_api_lookup lookup) {
  auto observer = [&arm, lookup = std::move(lookup)](resource_event& e) -> std::optional<operation_failure> {
    if (e.started || e.kind == change_kind::deleted || !http::iequals(e.type, ml::compute_type)) return std::nullopt;
    auto* props = e.body.if_contains("properties");
    if (props == nullptr || !props->is_object()) return std::nullopt;
    auto& p = props->as_object();
    const auto* type = p.if_contains("computeType");
    const auto* cluster_id = p.if_contains("resourceId");
    if (type == nullptr || !type->is_string() || !http::iequals(type->as_string(), "Kubernetes") || cluster_id == nullptr ||
        !cluster_id->is_string())
      return std::nullopt;
    const auto cluster = arm.cluster(cluster_id->as_string());
    if (!cluster) return std::nullopt;
    const auto api = lookup(*cluster);
    if (!api) return std::nullopt;
    auto& k8s = p["properties"];
    if (!k8s.is_object()) k8s = boost::json::object{};
    k8s.as_object()[ml::instance_types_member] = ml::instance_types_map(ml::cluster_instance_types(*api));
    return std::nullopt;
  };
  arm.on_change(observer);
  arm.on_read(std::move(observer));
}

}  // namespace amlk8s::local
