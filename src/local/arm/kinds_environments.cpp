// Microsoft.MachineLearningServices environments: the container `workspaces/{ws}/environments/{name}`
// and its versions `.../environments/{name}/versions/{version}` (contracts/aml-workspace-and-auth.md
// §2.4: what a job's `environmentId` names, `properties.latestVersion` behind `name@latest`, and the
// anonymous `CliV2AnonymousEnvironment` versions the SDK creates for an inline image). Asset PUTs
// are synchronous (200/201); a version PUT creates its container when there is none, as the asset
// APIs do.
#include "local/arm/state.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>

namespace amlk8s::local::detail {

namespace {

template <class T>
void set_default(boost::json::object& o, std::string_view key, T value) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) o[key] = std::move(value);
}

arm_error bad_argument(std::string message, std::string target) {
  return {400, "BadArgument", std::move(message), std::move(target)};
}

std::optional<std::uint64_t> whole_number(std::string_view s) {
  std::uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || ptr != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

// Version names in natural order: whole numbers by value and before other names.
bool version_less(std::string_view a, std::string_view b) {
  const auto na = whole_number(a);
  const auto nb = whole_number(b);
  if (na && nb) return *na < *nb;
  if (na || nb) return na.has_value();
  return a < b;
}

class environment_container final : public resource_kind {
 public:
  std::string_view type() const noexcept override {
    return "Microsoft.MachineLearningServices/workspaces/environments";
  }
  bool tracked() const noexcept override { return false; }
  bool async_put() const noexcept override { return false; }
  bool async_patch() const noexcept override { return false; }
  bool async_delete() const noexcept override { return false; }

  void prepare(put_context& ctx) const override {
    auto& props = member_object(ctx.body, "properties");
    // Server-computed (decorate).
    props.erase("latestVersion");
    props.erase("nextVersion");
    set_default(props, "isArchived", false);
  }

  // latestVersion: the version created last (ties: the greater in natural order); nextVersion:
  // one more than the greatest whole-number version, as the SDK's auto-versioning reads it.
  void decorate(const arm_api::state& st, const stored_resource& r, boost::json::object& out) const override {
    const stored_resource* latest = nullptr;
    std::uint64_t greatest = 0;
    const auto key = to_lower(r.id);
    for (const auto& [k, v] : st.resources) {
      if (v.kind != &environment_version_kind() || v.parent_key != key) continue;
      if (latest == nullptr || latest->created_at < v.created_at ||
          (latest->created_at == v.created_at && version_less(latest->name, v.name)))
        latest = &v;
      if (const auto n = whole_number(v.name)) greatest = std::max(greatest, *n);
    }
    auto& props = member_object(out, "properties");
    if (latest != nullptr) props["latestVersion"] = latest->name;
    else props["latestVersion"] = nullptr;
    props["nextVersion"] = std::to_string(greatest + 1);
  }
};

class environment_version final : public resource_kind {
 public:
  std::string_view type() const noexcept override {
    return "Microsoft.MachineLearningServices/workspaces/environments/versions";
  }
  bool tracked() const noexcept override { return false; }
  bool async_put() const noexcept override { return false; }
  bool async_patch() const noexcept override { return false; }
  bool async_delete() const noexcept override { return false; }
  bool creates_parent() const noexcept override { return true; }

  void prepare(put_context& ctx) const override {
    auto* p = ctx.body.if_contains("properties");
    if (p == nullptr || !p->is_object()) throw bad_argument("The request body has no properties.", "properties");
    auto& props = p->as_object();
    const auto* image = props.if_contains("image");
    const auto* build = props.if_contains("build");
    const bool has_image = image != nullptr && image->is_string() && !image->as_string().empty();
    const bool has_build = build != nullptr && build->is_object();
    if (image != nullptr && !image->is_null() && !image->is_string())
      throw bad_argument("properties.image must be a string such as 'python:3.11'.", "properties.image");
    if (!has_image && !has_build)
      throw bad_argument("An environment version needs properties.image (a container image such as 'python:3.11') "
                         "or properties.build (a Docker build context).",
                         "properties.image");
    if (const auto* conda = props.if_contains("condaFile"); conda != nullptr && !conda->is_null() && !conda->is_string())
      throw bad_argument("properties.condaFile must be the conda specification as a string (the file's text).",
                         "properties.condaFile");
    const auto os = string_member(props, "osType");
    if (os.empty() || http::iequals(os, "Linux")) props["osType"] = "Linux";
    else if (http::iequals(os, "Windows")) props["osType"] = "Windows";
    else throw bad_argument("properties.osType must be 'Linux' or 'Windows', not '" + os + "'.", "properties.osType");
    set_default(props, "isAnonymous", false);
    set_default(props, "isArchived", false);
    props["environmentType"] = "UserCreated";
  }
};

}  // namespace

const resource_kind& environment_container_kind() noexcept {
  static const environment_container kind;
  return kind;
}
const resource_kind& environment_version_kind() noexcept {
  static const environment_version kind;
  return kind;
}

}  // namespace amlk8s::local::detail
