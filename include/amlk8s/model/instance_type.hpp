// The AzureML InstanceType custom resource (`amlarc.azureml.com/v1alpha1`, cluster-scoped):
// where a workload runs (nodeSelector, tolerations) and with what resources. Contract:
// contracts/kubernetes.md §1 (the resource and defaultinstancetype), §4 (quantities, fitting).
#pragma once

#include <amlk8s/core/error.hpp>
#include <amlk8s/core/quantity.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace amlk8s::model {

/// The name of the default instance type (§1.3): used when a workload names none.
inline constexpr std::string_view default_instance_type_name = "defaultinstancetype";

/// Which documented generation of the virtual `defaultinstancetype` applies (§1.3).
enum class default_profile {
  legacy,   ///< requests and limits cpu 0.6, memory 1536Mi (AML-Kubernetes docs, 2021–2022)
  current,  ///< requests cpu 100m, memory 2Gi; limits cpu 2, memory 2Gi (docs, 2025)
};

/// A core/v1 Toleration (§1.2: the optional `spec.tolerations`).
struct toleration {
  std::string key;                               ///< empty with operator Exists: tolerates every taint
  std::string op = "Equal";                      ///< "Equal" or "Exists" (`operator` on the wire)
  std::string value;
  std::string effect;                            ///< "NoSchedule", "PreferNoSchedule", "NoExecute" or empty (all)
  std::optional<std::int64_t> toleration_seconds;

  friend bool operator==(const toleration&, const toleration&) = default;
};

/// One instance type.
struct instance_type {
  std::string name;                                  ///< metadata.name (cluster-scoped)
  std::map<std::string, std::string> node_selector;  ///< spec.nodeSelector
  std::map<std::string, quantity> requests;          ///< spec.resources.requests ("cpu", "memory", ...)
  std::map<std::string, quantity> limits;            ///< spec.resources.limits ("cpu", "memory", "nvidia.com/gpu")
  std::vector<toleration> tolerations;               ///< spec.tolerations
  /// True for the virtual `defaultinstancetype` (no such object exists in the cluster, §1.3).
  bool is_virtual_default = false;

  friend bool operator==(const instance_type&, const instance_type&) = default;

  // ---- JSON and YAML (§1.2, §2.1) ---------------------------------------------------------------
  // Reading: quantities may be JSON strings or numbers; `null` leaves a resource unset (the default
  // type's `nvidia.com/gpu: null`); unknown members are ignored. A missing apiVersion or kind is
  // accepted, a different one is not. Errors are amlk8s::error (errc::invalid_argument) with one
  // validation issue per bad field, naming it ("spec.resources.limits.cpu").

  /// One InstanceType object (the custom resource as the API server or a manifest has it).
  static instance_type from_json(const boost::json::value& object);
  /// Every instance type in `text` read as YAML: a single object, an `InstanceTypeList` (its items
  /// inherit apiVersion and kind, as kubectl does), a core `kind: List`, or a multi-document stream
  /// of any of these. `source` names the text in errors (a file name).
  static std::vector<instance_type> from_yaml(std::string_view text, std::string_view source = {});
  /// The same for JSON text: one object, an InstanceTypeList or a List.
  static std::vector<instance_type> from_json_text(std::string_view text, std::string_view source = {});
  /// JSON when the first non-blank character is `{`, YAML otherwise.
  static std::vector<instance_type> load(std::string_view text, std::string_view source = {});
  /// load() of a file's contents; errors name the file.
  static std::vector<instance_type> load_file(const std::filesystem::path& path);

  /// The custom resource: apiVersion, kind, metadata.name, spec. cpu and memory are written as
  /// strings, whole extended resources (`nvidia.com/gpu`) as integers, as the docs write them.
  boost::json::object to_json() const;
  /// to_json() serialized.
  std::string to_json_text() const;
  /// A YAML manifest that `kubectl apply -f` accepts.
  std::string to_yaml() const;

  // ---- validation (§1.2, §4.3) ------------------------------------------------------------------

  /// Every problem the extension or the API server would reject, each naming the field and the fix:
  /// the name (DNS-1123 subdomain), cpu and memory requests and limits (present, above zero),
  /// `nvidia.com/gpu` (only in limits, a whole number), extended resources (whole numbers, a
  /// request needs an equal limit), requests ≤ limits, no negative value, tolerations
  /// (operator, effect, tolerationSeconds). Empty when the type is valid.
  std::vector<validation_issue> validate() const;
  /// Throws validation_error(validate()) when validate() finds anything.
  void validate_or_throw() const;
  /// §1.2: when the extension was installed with nodeSelector settings (`extension_selector`), the
  /// type's nodeSelector must be a subset of it. Empty when it is, or when `extension_selector` is empty.
  std::vector<validation_issue> check_node_selector(const std::map<std::string, std::string>& extension_selector) const;

  // ---- the default (§1.3) -----------------------------------------------------------------------

  /// The virtual `defaultinstancetype` of `profile` (is_virtual_default set, no nodeSelector, no GPU).
  static instance_type virtual_default(default_profile profile);
};

/// A multi-document YAML stream with one manifest per type (`---` between them).
std::string to_yaml(const std::vector<instance_type>& types);

/// Whether `name` is a valid object name (a DNS-1123 subdomain: at most 253 characters of lower-case
/// letters, digits, '-' and '.', each dot-separated label starting and ending with a letter or digit).
bool is_dns1123_subdomain(std::string_view name) noexcept;

}  // namespace amlk8s::model
