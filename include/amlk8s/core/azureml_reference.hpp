// `azureml:` references, as azure-ai-ml users write them in job and deployment specs, and the ARM
// ids they stand for (contracts/aml-workspace-and-auth.md §2.4).
//
//   azureml:<name>                    a compute, or an asset container
//   azureml:<name>:<version>          an asset version; the version is everything after the first ':'
//   azureml:<name>@<label>            an asset by label, e.g. @latest; split on the last '@'
//   azureml:/subscriptions/...        a full ARM id, passed through as it is
//   azureml://registries/<registry>/<type>/<name>[/versions/<v> | /labels/<l>]
//                                     a registry asset; services take this string itself, not an ARM id
//
// Resolving a label such as `latest` to a version needs the service (GET the container and read
// properties.latestVersion); this type has no I/O, so it maps a label to the labelled id form and
// exposes the container id for that lookup.
#pragma once

#include <amlk8s/core/error.hpp>
#include <amlk8s/core/resource_id.hpp>

#include <iosfwd>
#include <string>
#include <string_view>

namespace amlk8s {

/// The workspace collections an `azureml:` reference can point into.
enum class azureml_asset_type { computes, environments, models, codes, data, components };

/// The collection's segment in ARM ids and registry URIs: "computes", "environments", "models",
/// "codes", "data" or "components".
std::string_view to_string(azureml_asset_type type) noexcept;

/// `{workspace}/{type}/{name}`, e.g. an environment container (or a compute).
resource_id asset_container_id(const resource_id& workspace, azureml_asset_type type, std::string_view name);
/// `{workspace}/{type}/{name}/versions/{version}`; computes have no versions and throw amlk8s::error.
resource_id asset_version_id(const resource_id& workspace, azureml_asset_type type, std::string_view name,
                             std::string_view version);
/// `{workspace}/{type}/{name}/labels/{label}` (azure-ai-ml's labelled id form); not for computes.
resource_id asset_label_id(const resource_id& workspace, azureml_asset_type type, std::string_view name,
                           std::string_view label);

/// A parsed `azureml:` reference. Default-constructed, it is empty.
class azureml_reference {
 public:
  /// Which of the written forms it is.
  enum class form {
    none,          ///< default-constructed
    name,          ///< azureml:<name>
    name_version,  ///< azureml:<name>:<version>
    name_label,    ///< azureml:<name>@<label>
    arm_id,        ///< azureml:/subscriptions/...
    registry,      ///< azureml://registries/...
  };

  /// An empty reference.
  azureml_reference() = default;

  /// The prefix every reference starts with.
  static constexpr std::string_view prefix = "azureml:";
  /// True when `text` starts with "azureml:" (the prefix is case-sensitive, as in azure-ai-ml).
  static bool is_reference(std::string_view text) noexcept { return text.starts_with(prefix); }

  /// Parses `text`; throws amlk8s::error (errc::invalid_argument) that quotes it and says what is wrong.
  static azureml_reference parse(std::string_view text);
  /// Parses without throwing: on failure sets `ec` to errc::invalid_argument, explains in
  /// `diag.client_message` and returns an empty reference.
  static azureml_reference parse(std::string_view text, error_code& ec, diagnostics& diag);

  /// Which form it was written in.
  form kind() const noexcept { return form_; }
  /// True for a default-constructed reference.
  bool empty() const noexcept { return form_ == form::none; }
  /// The reference exactly as written.
  const std::string& to_string() const noexcept { return text_; }

  /// The asset or compute name; set for the short forms and the registry form.
  std::string_view name() const noexcept { return name_; }
  /// The version, when one was given (":<version>" or "/versions/<v>").
  std::string_view version() const noexcept { return version_; }
  /// The label, when one was given ("@<label>" or "/labels/<l>").
  std::string_view label() const noexcept { return label_; }
  /// The id of an `azureml:/subscriptions/...` reference; empty for the other forms.
  const resource_id& arm_id() const noexcept { return arm_id_; }
  /// The registry name of an `azureml://registries/...` reference.
  std::string_view registry() const noexcept { return registry_; }
  /// The collection segment of a registry reference as written, e.g. "environments".
  std::string_view registry_asset_type() const noexcept { return registry_type_; }

  /// The ARM id this reference stands for in `workspace`: name → container (for computes, the
  /// compute), name:version → version id, name@label → labelled id, an ARM id unchanged. Throws
  /// amlk8s::error when the form does not fit the type (a compute with a version, any registry
  /// reference) or `workspace` is not a workspace id.
  resource_id to_arm_id(const resource_id& workspace, azureml_asset_type type) const;
  /// The container id of a name, name:version or name@label reference, for resolving a label
  /// (GET it and read properties.latestVersion). Throws amlk8s::error for the other forms.
  resource_id container_id(const resource_id& workspace, azureml_asset_type type) const;
  /// What to send in a REST field that takes an asset id (environmentId, codeId, model): the ARM id
  /// for workspace references, the registry URI unchanged for registry ones (whose collection must be `type`).
  std::string to_asset_id(const resource_id& workspace, azureml_asset_type type) const;

  /// Equal when written identically.
  friend bool operator==(const azureml_reference& a, const azureml_reference& b) noexcept {
    return a.text_ == b.text_;
  }

 private:
  std::string text_;
  form form_ = form::none;
  std::string name_;
  std::string version_;
  std::string label_;
  std::string registry_;
  std::string registry_type_;
  resource_id arm_id_;
};

/// Writes to_string().
std::ostream& operator<<(std::ostream& os, const azureml_reference& ref);

/// Where a job's `compute` value points.
struct compute_target {
  /// The three things azure-ai-ml accepts for `compute`.
  enum class target_kind {
    workspace_compute,  ///< a compute resource; `id` is set
    local,              ///< "local": run on the submitting machine, no compute id
    serverless,         ///< "serverless": no compute id is sent
  };
  target_kind kind = target_kind::workspace_compute;
  resource_id id;  ///< the compute's ARM id; empty for local and serverless

  friend bool operator==(const compute_target&, const compute_target&) = default;
};

/// Resolves a job's `compute` value as azure-ai-ml does: `azureml:<name>` or a bare `<name>` is a
/// compute in `workspace`, `azureml:/subscriptions/...` or `/subscriptions/...` is taken as it is,
/// and the bare names `local` and `serverless` are special. Throws amlk8s::error on anything else.
compute_target resolve_compute_target(std::string_view value, const resource_id& workspace);

}  // namespace amlk8s
