// Workspace assets of Microsoft.MachineLearningServices (mfe.json; contracts/aml-workspace-and-auth.md
// §2.4): models and codes, each a container `{ws}/{models|codes}/{name}` with versions under it
// (`.../versions/{version}`). Asset writes are synchronous (PUT 200/201 with the body, no
// long-running operation); a version's PUT creates its missing container, the container reports
// `latestVersion` and `nextVersion`, and a version's URI cannot change once registered.
#include "local/arm/state.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <vector>

namespace amlk8s::local::detail {

namespace {

arm_error bad_argument(std::string message, std::string target) {
  return {400, "BadArgument", std::move(message), std::move(target)};
}

std::optional<std::uint64_t> numeric_version(std::string_view v) {
  std::uint64_t n = 0;
  const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (v.empty() || ec != std::errc{} || ptr != v.data() + v.size()) return std::nullopt;
  return n;
}

template <class T>
void set_default(boost::json::object& o, std::string_view key, T value) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) o[key] = std::move(value);
}

// What a model and a code asset differ in.
struct asset_shape {
  std::string_view container_type;  // full ARM type of the container
  std::string_view version_type;    // full ARM type of a version
  std::string_view what;            // "model", "code" (for messages)
  std::string_view uri_member;      // "modelUri", "codeUri"
};

constexpr asset_shape model_shape{"Microsoft.MachineLearningServices/workspaces/models",
                                  "Microsoft.MachineLearningServices/workspaces/models/versions", "model", "modelUri"};
constexpr asset_shape code_shape{"Microsoft.MachineLearningServices/workspaces/codes",
                                 "Microsoft.MachineLearningServices/workspaces/codes/versions", "code", "codeUri"};

// The members every asset (container or version) carries: description, tags, properties, isArchived.
void asset_defaults(boost::json::object& props) {
  set_default(props, "tags", boost::json::object{});
  set_default(props, "properties", boost::json::object{});
  set_default(props, "isArchived", false);
  if (!props.contains("description")) props["description"] = nullptr;
}

class asset_container final : public resource_kind {
 public:
  explicit asset_container(const asset_shape& shape) : shape_(shape) {}
  std::string_view type() const noexcept override { return shape_.container_type; }
  bool tracked() const noexcept override { return false; }
  bool async_put() const noexcept override { return false; }
  bool async_patch() const noexcept override { return false; }
  bool async_delete() const noexcept override { return false; }
  bool async_operation_header(op_verb) const noexcept override { return false; }

  void prepare(put_context& ctx) const override {
    auto& props = member_object(ctx.body, "properties");
    // Read-only: computed from the versions when presented.
    props.erase("latestVersion");
    props.erase("nextVersion");
    asset_defaults(props);
  }

  // `latestVersion`: the highest version when every version is a number (what azure-ai-ml's
  // `@latest` resolves to), else the one registered last; `nextVersion`: one above the highest
  // number ("1" for none).
  void decorate(const arm_api::state& st, const stored_resource& r, boost::json::object& out) const override {
    const auto key = to_lower(r.id);
    std::vector<const stored_resource*> versions;
    for (const auto& [k, v] : st.resources)
      if (v.parent_key == key && v.kind->type() == shape_.version_type) versions.push_back(&v);
    const bool all_numeric = std::all_of(versions.begin(), versions.end(),
                                         [](const stored_resource* v) { return numeric_version(v->name).has_value(); });
    const stored_resource* latest = versions.empty() ? nullptr : versions.front();
    std::uint64_t highest = 0;
    for (const auto* v : versions) {
      if (const auto n = numeric_version(v->name)) highest = std::max(highest, *n);
      if (all_numeric ? *numeric_version(v->name) > *numeric_version(latest->name) : v->created_at >= latest->created_at)
        latest = v;
    }
    auto& props = member_object(out, "properties");
    props["latestVersion"] = latest != nullptr ? boost::json::value(latest->name) : boost::json::value(nullptr);
    props["nextVersion"] = std::to_string(highest + 1);
  }

 private:
  const asset_shape& shape_;
};

class asset_version final : public resource_kind {
 public:
  explicit asset_version(const asset_shape& shape) : shape_(shape) {}
  std::string_view type() const noexcept override { return shape_.version_type; }
  bool tracked() const noexcept override { return false; }
  bool async_put() const noexcept override { return false; }
  bool async_patch() const noexcept override { return false; }
  bool async_delete() const noexcept override { return false; }
  bool async_operation_header(op_verb) const noexcept override { return false; }
  bool creates_parent() const noexcept override { return true; }

  void prepare(put_context& ctx) const override {
    auto* v = ctx.body.if_contains("properties");
    if (v == nullptr || !v->is_object()) throw bad_argument("The request body has no properties.", "properties");
    auto& props = v->as_object();
    const auto uri_target = "properties." + std::string(shape_.uri_member);
    const auto* uri = props.if_contains(shape_.uri_member);
    if (uri == nullptr || !uri->is_string() || uri->as_string().empty())
      throw bad_argument(uri_target + " is required: the location of the " + std::string(shape_.what) +
                             "'s files (an azureml:// datastore path or a storage URL).",
                         uri_target);
    if (ctx.existing != nullptr) {
      // A registered version is immutable but for its metadata.
      const auto* before = ctx.existing->body.if_contains("properties");
      const auto old_uri = before != nullptr && before->is_object() ? string_member(before->as_object(), shape_.uri_member)
                                                                     : std::string{};
      if (!old_uri.empty() && old_uri != uri->as_string())
        throw arm_error{409, "Conflict",
                        "Version '" + ctx.name + "' of " + std::string(shape_.what) + " '" +
                            (ctx.parent != nullptr ? ctx.parent->name : std::string{}) + "' is already registered with " +
                            std::string(shape_.uri_member) + " '" + old_uri +
                            "'; a version's files cannot change. Register a new version instead.",
                        uri_target};
    }
    if (shape_.what == "model") {
      const auto* type = props.if_contains("modelType");
      if (type != nullptr && !type->is_null() && (!type->is_string() || type->as_string().empty()))
        throw bad_argument("properties.modelType must be a string such as 'custom_model', 'mlflow_model' or 'triton_model'.",
                           "properties.modelType");
      set_default(props, "modelType", "custom_model");
      set_default(props, "flavors", boost::json::object{});
    }
    set_default(props, "isAnonymous", false);
    asset_defaults(props);
  }

 private:
  const asset_shape& shape_;
};

}  // namespace

const resource_kind& model_container_kind() noexcept {
  static const asset_container kind(model_shape);
  return kind;
}
const resource_kind& model_version_kind() noexcept {
  static const asset_version kind(model_shape);
  return kind;
}
const resource_kind& code_container_kind() noexcept {
  static const asset_container kind(code_shape);
  return kind;
}
const resource_kind& code_version_kind() noexcept {
  static const asset_version kind(code_shape);
  return kind;
}

}  // namespace amlk8s::local::detail
