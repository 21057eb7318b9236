#include <amlk8s/local/vm_sizes.hpp>

#include <amlk8s/http/message.hpp>

#include <array>

namespace amlk8s::local {

namespace {

// Figures from the Azure VM size documentation (vCPU, memory GiB, GPU count and model).
// Kept sorted by name for a stable listing.
constexpr std::array sizes{
    vm_size{"Standard_B2ms", 2, 8, 0, ""},
    vm_size{"Standard_B2s", 2, 4, 0, ""},
    vm_size{"Standard_B4ms", 4, 16, 0, ""},
    vm_size{"Standard_D16s_v3", 16, 64, 0, ""},
    vm_size{"Standard_D16s_v5", 16, 64, 0, ""},
    vm_size{"Standard_D2_v2", 2, 7, 0, ""},
    vm_size{"Standard_D2ds_v5", 2, 8, 0, ""},
    vm_size{"Standard_D2s_v3", 2, 8, 0, ""},
    vm_size{"Standard_D2s_v5", 2, 8, 0, ""},
    vm_size{"Standard_D32s_v3", 32, 128, 0, ""},
    vm_size{"Standard_D3_v2", 4, 14, 0, ""},
    vm_size{"Standard_D4_v2", 8, 28, 0, ""},
    vm_size{"Standard_D4ds_v5", 4, 16, 0, ""},
    vm_size{"Standard_D4s_v3", 4, 16, 0, ""},
    vm_size{"Standard_D4s_v5", 4, 16, 0, ""},
    vm_size{"Standard_D8s_v3", 8, 32, 0, ""},
    vm_size{"Standard_D8s_v5", 8, 32, 0, ""},
    vm_size{"Standard_DS1_v2", 1, 3.5, 0, ""},
    vm_size{"Standard_DS2_v2", 2, 7, 0, ""},
    vm_size{"Standard_DS3_v2", 4, 14, 0, ""},
    vm_size{"Standard_DS4_v2", 8, 28, 0, ""},
    vm_size{"Standard_DS5_v2", 16, 56, 0, ""},
    vm_size{"Standard_E4s_v3", 4, 32, 0, ""},
    vm_size{"Standard_E8s_v3", 8, 64, 0, ""},
    vm_size{"Standard_F4s_v2", 4, 8, 0, ""},
    vm_size{"Standard_F8s_v2", 8, 16, 0, ""},
    vm_size{"Standard_NC12", 12, 112, 2, "Tesla-K80"},
    vm_size{"Standard_NC12s_v3", 12, 224, 2, "Tesla-V100"},
    vm_size{"Standard_NC16as_T4_v3", 16, 110, 1, "Tesla-T4"},
    vm_size{"Standard_NC24", 24, 224, 4, "Tesla-K80"},
    vm_size{"Standard_NC24ads_A100_v4", 24, 220, 1, "A100-PCIE-80GB"},
    vm_size{"Standard_NC24s_v3", 24, 448, 4, "Tesla-V100"},
    vm_size{"Standard_NC48ads_A100_v4", 48, 440, 2, "A100-PCIE-80GB"},
    vm_size{"Standard_NC4as_T4_v3", 4, 28, 1, "Tesla-T4"},
    vm_size{"Standard_NC6", 6, 56, 1, "Tesla-K80"},
    vm_size{"Standard_NC64as_T4_v3", 64, 440, 4, "Tesla-T4"},
    vm_size{"Standard_NC6s_v3", 6, 112, 1, "Tesla-V100"},
    vm_size{"Standard_NC8as_T4_v3", 8, 56, 1, "Tesla-T4"},
    vm_size{"Standard_NC96ads_A100_v4", 96, 880, 4, "A100-PCIE-80GB"},
    vm_size{"Standard_ND40rs_v2", 40, 672, 8, "Tesla-V100"},
    vm_size{"Standard_ND96asr_v4", 96, 900, 8, "A100-SXM4-40GB"},
    vm_size{"Standard_NV12", 12, 112, 2, "Tesla-M60"},
    vm_size{"Standard_NV24", 24, 224, 4, "Tesla-M60"},
    vm_size{"Standard_NV6", 6, 56, 1, "Tesla-M60"},
};

}  // namespace

std::optional<vm_size> find_vm_size(std::string_view name) noexcept {
  for (const auto& size : sizes)
    if (http::iequals(size.name, name)) return size;
  return std::nullopt;
}

std::span<const vm_size> known_vm_sizes() noexcept { return sizes; }

}  // namespace amlk8s::local
