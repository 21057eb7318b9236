// Default api-versions. Each comes from the contract section named next to it; a provider the
// contracts give no version for is left out on purpose, so that a request for it fails before
// any network call instead of using a guessed version.
#include <amlk8s/arm/api_versions.hpp>

#include <amlk8s/http/message.hpp>

namespace amlk8s::arm {

api_versions::api_versions()
    : entries_{
          // contracts/arm-extensions.md §1.1: 2024-11-01 is the widely deployed stable version
          // (2025-03-01 exists in the spec but its rollout is unconfirmed).
          {"Microsoft.KubernetesConfiguration", "2024-11-01"},
          // contracts/arm-extensions.md §2.1: the versions az k8s-extension uses to GET the cluster.
          {"Microsoft.ContainerService", "2022-11-01"},
          {"Microsoft.Kubernetes", "2021-10-01"},
          {"Microsoft.ResourceConnector", "2021-10-31-preview"},
          {"Microsoft.HybridContainerService", "2022-05-01-preview"},
          // contracts/aml-workspace-and-auth.md §1.1: newest stable, the spec readme's default tag.
          {"Microsoft.MachineLearningServices", "2025-04-01"},
          // Not in the contracts: subscriptions, resource groups and provider registration. 2022-09-01
          // is a stable Microsoft.Resources version listed in the ARM template reference's change log.
          {"Microsoft.Resources", "2022-09-01"},
      } {}

api_versions api_versions::none() { return api_versions(empty_tag{}); }

void api_versions::set(std::string_view provider, std::string version) {
  for (auto& [name, v] : entries_)
    if (http::iequals(name, provider)) {
      v = std::move(version);
      return;
    }
  entries_.emplace_back(std::string(provider), std::move(version));
}

std::optional<std::string_view> api_versions::find(std::string_view provider) const {
  for (const auto& [name, v] : entries_)
    if (http::iequals(name, provider)) return std::string_view(v);
  return std::nullopt;
}

std::string_view provider_of(std::string_view path) noexcept {
  if (path.empty() || path.front() != '/') return {};
  if (auto q = path.find('?'); q != std::string_view::npos) path = path.substr(0, q);

  // Walk the segments, remembering the namespace after the last "providers" and what follows it.
  std::string_view first_segment, previous, provider, first_after;
  std::size_t index = 0;           // of the current segment
  std::size_t provider_index = 0;  // of the namespace segment
  std::size_t segments_after = 0;  // segments after the namespace
  std::size_t pos = 1;
  while (pos <= path.size()) {
    auto slash = path.find('/', pos);
    auto seg = path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    pos = slash == std::string_view::npos ? path.size() + 1 : slash + 1;
    if (seg.empty()) continue;
    if (index == 0) first_segment = seg;
    if (index >= 1 && http::iequals(previous, "providers")) {
      provider = seg;
      provider_index = index;
      segments_after = 0;
      first_after = {};
    } else if (!provider.empty()) {
      if (segments_after == 0) first_after = seg;
      ++segments_after;
    }
    previous = seg;
    ++index;
  }
  constexpr std::string_view resources = "Microsoft.Resources";
  if (provider.empty()) return resources;
  // Provider registration: GET /subscriptions/{id}/providers/{ns}, POST .../{ns}/register|unregister.
  bool subscription_provider = provider_index == 3 && http::iequals(first_segment, "subscriptions");
  if (subscription_provider &&
      (segments_after == 0 ||
       (segments_after == 1 && (http::iequals(first_after, "register") || http::iequals(first_after, "unregister")))))
    return resources;
  return provider;
}

}  // namespace amlk8s::arm
