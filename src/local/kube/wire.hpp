// Every wire detail of the simulated Kubernetes API that is not plain JSON structure: media types,
// fixed messages, the OpenAPI blob, well-known labels. Each names its section of
// /work/shared/design/contracts/kubernetes.md ("§").
#pragma once

#include <string_view>

namespace amlk8s::local::kube::wire {

// §2.6: every Status (and every JSON answer) says application/json.
inline constexpr std::string_view json_type = "application/json";

// §2.4: the Accept parameters that ask for a Table, and the Content-Type of a Table answer.
inline constexpr std::string_view table_as = "Table";
inline constexpr std::string_view table_group = "meta.k8s.io";
inline constexpr std::string_view table_type_v1 = "application/json;as=Table;v=v1;g=meta.k8s.io";
inline constexpr std::string_view table_type_v1beta1 = "application/json;as=Table;v=v1beta1;g=meta.k8s.io";

// §2.2: aggregated discovery is asked for with these Accept parameters and answered with this type.
inline constexpr std::string_view discovery_as = "APIGroupDiscoveryList";
inline constexpr std::string_view discovery_group = "apidiscovery.k8s.io";
inline constexpr std::string_view discovery_type_v2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
inline constexpr std::string_view discovery_type_v2beta1 =
    "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

// §2.3: the minimal gnostic OpenAPI v2 Document (swagger "2.0", info {title "amlk8s", version "v1"},
// empty paths), 21 bytes. kubectl decodes protobuf only, and a Content-Type with '@' breaks it.
inline constexpr unsigned char openapi_v2_blob[] = {0x0a, 0x03, 0x32, 0x2e, 0x30, 0x12, 0x0c, 0x0a, 0x06, 0x61, 0x6d,
                                                    0x6c, 0x6b, 0x38, 0x73, 0x12, 0x02, 0x76, 0x31, 0x42, 0x00};
inline constexpr std::string_view openapi_v2_type = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
// The same document as JSON, for a client that asks for JSON only.
inline constexpr std::string_view openapi_v2_json = R"({"swagger":"2.0","info":{"title":"amlk8s","version":"v1"},"paths":{}})";

// §2.5: PATCH content types.
inline constexpr std::string_view merge_patch_type = "application/merge-patch+json";
inline constexpr std::string_view json_patch_type = "application/json-patch+json";
inline constexpr std::string_view strategic_patch_type = "application/strategic-merge-patch+json";
inline constexpr std::string_view apply_patch_type = "application/apply-patch+yaml";

// §2.6: messages with a fixed text.
inline constexpr std::string_view unknown_path_message = "the server could not find the requested resource";
inline constexpr std::string_view method_not_allowed_message = "the server does not allow this method on the requested resource";
inline constexpr std::string_view unsupported_patch_message =
    "the body of the request was in an unknown format - accepted media types include: "
    "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml";
inline constexpr std::string_view conflict_modified_why =
    "the object has been modified; please apply your changes to the latest version and try again";
inline constexpr std::string_view rv_required_detail = "must be specified for an update";
inline constexpr std::string_view name_required_detail = "name or generateName is required";
inline constexpr std::string_view namespace_mismatch_message =
    "the namespace of the provided object does not match the namespace sent on the request";
// §2.5 (and arm-extensions.md §3 item 10): creating in a namespace that is being deleted is
// refused, 403 Forbidden with a NamespaceTerminating cause.
inline constexpr std::string_view namespace_terminating_prefix = "unable to create new content in namespace ";
inline constexpr std::string_view namespace_terminating_suffix = " because it is being terminated";
inline constexpr std::string_view namespace_terminating_cause = "NamespaceTerminating";
// §2.7: the prefix of the 400 for a fieldSelector field the kind does not support.
inline constexpr std::string_view field_not_supported_prefix = "field label not supported: ";

// §2.1: the annotation client-side apply keeps (the server stores it like any other).
inline constexpr std::string_view last_applied_annotation = "kubectl.kubernetes.io/last-applied-configuration";

// §2.7: the BOOKMARK annotation that ends the initial events of sendInitialEvents=true.
inline constexpr std::string_view initial_events_end_annotation = "k8s.io/initial-events-end";

// §2.4: node ROLES come from labels with this prefix.
inline constexpr std::string_view node_role_label_prefix = "node-role.kubernetes.io/";

// §2.5: generateName suffixes use this alphabet (apiserver's names.SimpleNameGenerator), 5 letters.
inline constexpr std::string_view generate_name_alphabet = "bcdfghjklmnpqrstvwxz2456789";

}  // namespace amlk8s::local::kube::wire
