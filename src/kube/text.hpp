// Small text helpers of the kube layer: base64 for kubeconfig `*-data` fields, Basic credentials and
// KUBERNETES_EXEC_INFO, and trimming of files read from disk.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace amlk8s::kube::detail {

/// Standard base64 with padding.
std::string base64_encode(std::string_view bytes);
/// Decodes standard base64 (padding optional; white space, as in wrapped PEM data, is skipped);
/// nullopt on any other character.
std::optional<std::string> base64_decode(std::string_view text);
/// `text` without leading and trailing ASCII white space.
std::string_view trim(std::string_view text) noexcept;

}  // namespace amlk8s::kube::detail
