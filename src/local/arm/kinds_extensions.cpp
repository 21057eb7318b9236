// Microsoft.KubernetesConfiguration/extensions, an extension resource under a cluster
// (contracts/arm-extensions.md §1.2–1.4).
#include "local/arm/state.hpp"

#include <boost/json/array.hpp>

#include <array>

namespace amlk8s::local::detail {

namespace {

constexpr std::array<std::string_view, 2> cluster_types{"Microsoft.ContainerService/managedClusters",
                                                        "Microsoft.Kubernetes/connectedClusters"};

// §1.3: configurationProtectedSettings is write-only (`x-ms-secret`); GET and list never return it
// (the 2025-03-01 examples omit the member), so it lives apart from the body.
constexpr std::string_view protected_settings = "configurationProtectedSettings";

// §1.1: since 2023-05-01 a pinned `version` with `autoUpgradeMinorVersion: true` is rejected.
void check_version_pin(const boost::json::object& props, const request_context* rc) {
  if (rc == nullptr || rc->api_version < "2023-05-01") return;
  const auto* version = props.if_contains("version");
  const auto* auto_upgrade = props.if_contains("autoUpgradeMinorVersion");
  if (version != nullptr && version->is_string() && !version->as_string().empty() && auto_upgrade != nullptr &&
      auto_upgrade->is_bool() && auto_upgrade->as_bool())
    throw arm_error{400, "InvalidParameter",
                    "The version of an extension can only be set when autoUpgradeMinorVersion is false.",
                    "properties.version"};
}

boost::json::object string_map(const boost::json::value* v, std::string_view where) {
  if (v == nullptr || v->is_null()) return {};
  if (!v->is_object())
    throw arm_error{400, "InvalidParameter", std::string(where) + " must be an object of strings.", std::string(where)};
  for (const auto& [key, value] : v->as_object())
    if (!value.is_string() && !value.is_null())
      throw arm_error{400, "InvalidParameter",
                      std::string(where) + "." + std::string(key) + " must be a string.", std::string(where)};
  return v->as_object();
}

class extension final : public resource_kind {
 public:
  std::string_view type() const noexcept override { return "Microsoft.KubernetesConfiguration/extensions"; }
  std::span<const std::string_view> extends() const noexcept override { return cluster_types; }
  bool tracked() const noexcept override { return false; }

  void prepare(put_context& ctx) const override {
    auto* props_value = ctx.body.if_contains("properties");
    if (props_value == nullptr || !props_value->is_object())
      throw arm_error{400, "InvalidParameter", "The extension has no properties.", "properties"};
    auto& props = props_value->as_object();
    if (string_member(props, "extensionType").empty())
      throw arm_error{400, "InvalidParameter", "properties.extensionType is required.", "properties.extensionType"};
    check_version_pin(props, ctx.rc);
    const auto settings = string_map(props.if_contains("configurationSettings"), "properties.configurationSettings");
    auto secrets = string_map(props.if_contains(protected_settings), "properties.configurationProtectedSettings");
    props.erase(protected_settings);
    if (!secrets.empty()) ctx.secrets[protected_settings] = std::move(secrets);
    props["configurationSettings"] = settings;
    if (!props.contains("autoUpgradeMinorVersion")) props["autoUpgradeMinorVersion"] = true;
    if (!props.contains("releaseTrain")) props["releaseTrain"] = "Stable";
    if (!props.contains("version")) props["version"] = nullptr;
    props["isSystemExtension"] = false;
    // Agent-reported members carry over an update; a new extension starts without them (§1.8:
    // 201 has currentVersion null).
    const boost::json::object* before = nullptr;
    if (ctx.existing != nullptr)
      if (const auto* v = ctx.existing->body.if_contains("properties"); v != nullptr && v->is_object()) before = &v->as_object();
    for (const auto* key : {"currentVersion", "statuses", "errorInfo", "customLocationSettings", "packageUri"}) {
      const auto* old = before ? before->if_contains(key) : nullptr;
      if (old != nullptr) props[key] = *old;
      else props.erase(key);
    }
    if (!props.contains("currentVersion")) props["currentVersion"] = nullptr;
    if (!props.contains("statuses")) props["statuses"] = boost::json::array{};
  }

  // §1.4: PATCH changes only these members; maps merge key by key and a null value removes a key.
  bool patch(stored_resource& r, const boost::json::object& body, const request_context& rc) const override {
    const auto* props_value = body.if_contains("properties");
    if (props_value == nullptr || !props_value->is_object()) return false;
    const auto& patch = props_value->as_object();
    check_version_pin(patch, &rc);
    auto& props = member_object(r.body, "properties");
    bool changed = false;
    for (const auto* key : {"autoUpgradeMode", "autoUpgradeMinorVersion", "releaseTrain", "version"}) {
      const auto* v = patch.if_contains(key);
      if (v == nullptr) continue;
      const auto* old = props.if_contains(key);
      if (old == nullptr || *old != *v) {
        props[key] = *v;
        changed = true;
      }
    }
    if (const auto* v = patch.if_contains("configurationSettings"); v != nullptr && !v->is_null())
      changed = merge_patch(member_object(props, "configurationSettings"),
                            string_map(v, "properties.configurationSettings")) || changed;
    // §1.4/§2.8: the protected map is replaced as a whole ("please provide all original
    // configurationProtectedSettings. Otherwise, those settings would be considered obsolete and
    // deleted."); public settings above merge key by key.
    if (const auto* v = patch.if_contains(protected_settings); v != nullptr && !v->is_null()) {
      boost::json::object replacement;
      for (const auto& [key, value] : string_map(v, "properties.configurationProtectedSettings"))
        if (!value.is_null()) replacement[key] = value;
      const auto* old = r.secrets.if_contains(protected_settings);
      if (old == nullptr ? !replacement.empty() : *old != replacement) changed = true;
      if (replacement.empty()) r.secrets.erase(protected_settings);
      else r.secrets[protected_settings] = std::move(replacement);
    }
    return changed;
  }

  void finish(stored_resource& r, const operation& op) const override {
    if (op.verb == op_verb::delete_) return;
    // The agent reports what it installed: the pinned version, else what was there.
    auto& props = member_object(r.body, "properties");
    props.erase("errorInfo");
    const auto pinned = string_member(props, "version");
    if (!pinned.empty()) props["currentVersion"] = pinned;
    else if (string_member(props, "currentVersion").empty()) props["currentVersion"] = "1.0.0";
  }

  // §1.6: a failed operation leaves `errorInfo` (an ErrorDetail) on the extension; a failed first
  // install has installed no version.
  void failed(stored_resource& r, const operation& op, const operation_failure& failure) const override {
    auto& props = member_object(r.body, "properties");
    props["errorInfo"] = boost::json::object{{"code", failure.code}, {"message", failure.message}};
    if (op.verb == op_verb::put && op.created) props["currentVersion"] = nullptr;
  }
};

}  // namespace

const resource_kind& extension_kind() noexcept {
  static const extension kind;
  return kind;
}

}  // namespace amlk8s::local::detail
