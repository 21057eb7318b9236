#include <amlk8s/core/azureml_reference.hpp>

#include "core/id_text.hpp"

#include <ostream>
#include <utility>
#include <vector>

namespace amlk8s {
namespace {

using detail::hex_byte;
using detail::is_control;
using detail::quote;
using detail::segment_problem;

constexpr std::string_view registry_prefix = "//registries/";

// "the version '1/2' contains '/'", or "" when `value` is fine.
std::string part_problem(std::string_view role, std::string_view value) {
  auto problem = segment_problem(value);
  if (problem.empty()) return {};
  return "the " + std::string(role) + (value.empty() ? "" : " " + quote(value)) + " " + problem;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t begin = 0;
  while (true) {
    auto end = text.find(sep, begin);
    parts.push_back(text.substr(begin, end == std::string_view::npos ? std::string_view::npos : end - begin));
    if (end == std::string_view::npos) break;
    begin = end + 1;
  }
  return parts;
}

[[noreturn]] void throw_invalid(std::string message) { throw error(errc::invalid_argument, std::move(message)); }

// The asset type as a noun with its article, for messages.
std::string_view asset_noun(azureml_asset_type type) noexcept {
  switch (type) {
    case azureml_asset_type::computes: return "a compute";
    case azureml_asset_type::environments: return "an environment";
    case azureml_asset_type::models: return "a model";
    case azureml_asset_type::codes: return "a code asset";
    case azureml_asset_type::data: return "a data asset";
    case azureml_asset_type::components: return "a component";
  }
  return "an asset";
}

void require_workspace(const resource_id& workspace, std::string_view building) {
  if (workspace.is_type(resource_types::workspace)) return;
  throw_invalid("cannot build " + std::string(building) + ": expected a workspace id (" +
                std::string(resource_types::workspace) + "), got " +
                (workspace.empty() ? std::string("an empty id") : quote(workspace.to_string())));
}

}  // namespace

std::string_view to_string(azureml_asset_type type) noexcept {
  switch (type) {
    case azureml_asset_type::computes: return "computes";
    case azureml_asset_type::environments: return "environments";
    case azureml_asset_type::models: return "models";
    case azureml_asset_type::codes: return "codes";
    case azureml_asset_type::data: return "data";
    case azureml_asset_type::components: return "components";
  }
  return {};
}

resource_id asset_container_id(const resource_id& workspace, azureml_asset_type type, std::string_view name) {
  require_workspace(workspace, std::string(asset_noun(type)) + " id");
  return workspace.child(to_string(type), name);
}

resource_id asset_version_id(const resource_id& workspace, azureml_asset_type type, std::string_view name,
                             std::string_view version) {
  if (type == azureml_asset_type::computes) throw_invalid("cannot build a compute version id: computes have no versions");
  return asset_container_id(workspace, type, name).child("versions", version);
}

resource_id asset_label_id(const resource_id& workspace, azureml_asset_type type, std::string_view name,
                           std::string_view label) {
  if (type == azureml_asset_type::computes) throw_invalid("cannot build a compute label id: computes have no labels");
  return asset_container_id(workspace, type, name).child("labels", label);
}

azureml_reference azureml_reference::parse(std::string_view text) {
  error_code ec;
  diagnostics diag;
  auto ref = parse(text, ec, diag);
  throw_on_error(ec, diag);
  return ref;
}

azureml_reference azureml_reference::parse(std::string_view text, error_code& ec, diagnostics& diag) {
  azureml_reference ref;
  auto fail = [&](std::string_view problem) {
    ec = make_error_code(errc::invalid_argument);
    diag.client_message = quote(text) + " is not a valid azureml: reference: " + std::string(problem);
    return azureml_reference{};
  };

  if (!is_reference(text)) return fail("it does not start with 'azureml:'");
  std::string_view rest = text.substr(prefix.size());
  if (rest.empty()) return fail("nothing follows 'azureml:'");

  if (rest.starts_with("//")) {
    if (!rest.starts_with(registry_prefix)) {
      return fail("only 'azureml://registries/...' URIs name assets (datastore and other azureml:// URIs are paths)");
    }
    // registries/<registry>/<type>/<name>[/versions/<v> | /labels/<l>]
    auto parts = split(rest.substr(2), '/');
    if (parts.size() < 2 || parts[1].empty()) return fail("the registry name is missing");
    if (parts.size() < 3 || parts[2].empty()) return fail("the asset type after the registry name is missing");
    if (parts.size() < 4 || parts[3].empty()) return fail("the asset name after " + quote(parts[2]) + " is missing");
    ref.form_ = form::registry;
    ref.registry_ = parts[1];
    ref.registry_type_ = parts[2];
    ref.name_ = parts[3];
    if (parts.size() > 4) {
      if (parts[4] == "versions") {
        if (parts.size() < 6 || parts[5].empty()) return fail("the version after 'versions' is missing");
        ref.version_ = parts[5];
      } else if (parts[4] == "labels") {
        if (parts.size() < 6 || parts[5].empty()) return fail("the label after 'labels' is missing");
        ref.label_ = parts[5];
      } else {
        return fail("expected 'versions' or 'labels' after the asset name, found " + quote(parts[4]));
      }
      if (parts.size() > 6) return fail("unexpected segments after " + quote(parts[5]));
    }
    for (std::string_view part : parts) {
      if (auto problem = part_problem("segment", part); !problem.empty()) return fail(problem);
    }
  } else if (rest.starts_with('/')) {
    error_code id_ec;
    diagnostics id_diag;
    ref.arm_id_ = resource_id::parse(rest, id_ec, id_diag);
    if (id_ec) return fail(id_diag.client_message);
    ref.form_ = form::arm_id;
  } else if (auto at = rest.rfind('@'); at != std::string_view::npos) {
    // azure-ai-ml splits on the last '@', so a name may itself hold '@'.
    std::string_view name = rest.substr(0, at);
    std::string_view label = rest.substr(at + 1);
    if (name.empty()) return fail("the name before '@' is empty");
    if (label.empty()) return fail("the label after '@' is empty");
    if (name.find(':') != std::string_view::npos) {
      return fail("it has both a version (':') and a label ('@'); give one of them");
    }
    if (auto problem = part_problem("label", label); !problem.empty()) return fail(problem);
    ref.form_ = form::name_label;
    ref.name_ = name;
    ref.label_ = label;
  } else if (auto colon = rest.find(':'); colon != std::string_view::npos) {
    // The version is everything after the first ':'.
    std::string_view name = rest.substr(0, colon);
    std::string_view version = rest.substr(colon + 1);
    if (name.empty()) return fail("the name before ':' is empty");
    if (version.empty()) return fail("the version after ':' is empty");
    if (auto problem = part_problem("version", version); !problem.empty()) return fail(problem);
    ref.form_ = form::name_version;
    ref.name_ = name;
    ref.version_ = version;
  } else {
    ref.form_ = form::name;
    ref.name_ = rest;
  }

  if (ref.form_ == form::name || ref.form_ == form::name_version || ref.form_ == form::name_label) {
    if (ref.name_.find('/') != std::string::npos) {
      return fail("the name " + quote(ref.name_) + " contains '/' (only a full ARM id may hold '/')");
    }
    if (auto problem = part_problem("name", ref.name_); !problem.empty()) return fail(problem);
  }
  ref.text_ = std::string(text);
  ec.clear();
  return ref;
}

resource_id azureml_reference::to_arm_id(const resource_id& workspace, azureml_asset_type type) const {
  auto cannot = [&](std::string_view why) {
    throw_invalid("cannot map " + (empty() ? std::string("an empty azureml: reference") : quote(text_)) + " to " +
                  std::string(asset_noun(type)) + " id: " + std::string(why));
  };
  const bool is_compute = type == azureml_asset_type::computes;
  switch (form_) {
    case form::none: cannot("there is nothing to map"); break;
    case form::name: return asset_container_id(workspace, type, name_);
    case form::name_version:
      if (is_compute) cannot("a compute reference takes no version");
      return asset_version_id(workspace, type, name_, version_);
    case form::name_label:
      if (is_compute) cannot("a compute reference takes no label");
      return asset_label_id(workspace, type, name_, label_);
    case form::arm_id: return arm_id_;
    case form::registry: cannot("a registry asset has no id in a workspace; send the URI as it is (to_asset_id)"); break;
  }
  return {};
}

resource_id azureml_reference::container_id(const resource_id& workspace, azureml_asset_type type) const {
  if (form_ != form::name && form_ != form::name_version && form_ != form::name_label) {
    throw_invalid("cannot take the container of " +
                  (empty() ? std::string("an empty azureml: reference") : quote(text_)) +
                  ": only name, name:version and name@label references have one");
  }
  return asset_container_id(workspace, type, name_);
}

std::string azureml_reference::to_asset_id(const resource_id& workspace, azureml_asset_type type) const {
  if (form_ != form::registry) return to_arm_id(workspace, type).to_string();
  if (registry_type_ != amlk8s::to_string(type)) {
    throw_invalid("cannot use " + quote(text_) + " as " + std::string(asset_noun(type)) + ": it names " +
                  quote(registry_type_) + " in registry " + quote(registry_) + ", not " + quote(amlk8s::to_string(type)));
  }
  return text_;
}

std::ostream& operator<<(std::ostream& os, const azureml_reference& ref) { return os << ref.to_string(); }

compute_target resolve_compute_target(std::string_view value, const resource_id& workspace) {
  // Special names, compared exactly as azure-ai-ml writes them.
  if (value == "local") return {compute_target::target_kind::local, {}};
  if (value == "serverless") return {compute_target::target_kind::serverless, {}};
  if (value.empty()) throw_invalid("the compute value is empty; give a compute name, 'azureml:<name>' or an ARM id");
  if (azureml_reference::is_reference(value)) {
    return {compute_target::target_kind::workspace_compute,
            azureml_reference::parse(value).to_arm_id(workspace, azureml_asset_type::computes)};
  }
  if (value.starts_with('/')) return {compute_target::target_kind::workspace_compute, resource_id::parse(value)};
  if (auto problem = part_problem("compute name", value); !problem.empty()) {
    throw_invalid("cannot use " + quote(value) + " as a compute: " + problem);
  }
  return {compute_target::target_kind::workspace_compute,
          asset_container_id(workspace, azureml_asset_type::computes, value)};
}

}  // namespace amlk8s
