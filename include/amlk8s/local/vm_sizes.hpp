// Azure VM sizes the local control plane knows, so that a node pool declared by `vmSize` (as the
// AKS API does) gets a realistic capacity on its simulated nodes.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace amlk8s::local {

/// The capacity of one VM size, as Azure documents it.
struct vm_size {
  std::string_view name;       ///< e.g. "Standard_D4s_v3"
  int vcpus = 0;               ///< virtual CPUs
  double memory_gib = 0;       ///< memory in GiB
  int gpus = 0;                ///< NVIDIA GPUs (`nvidia.com/gpu`)
  std::string_view gpu_model;  ///< e.g. "Tesla-V100"; empty without GPUs
};

/// The size called `name` (compared case-insensitively), if known.
std::optional<vm_size> find_vm_size(std::string_view name) noexcept;

/// Every known size, sorted by name.
std::span<const vm_size> known_vm_sizes() noexcept;

}  // namespace amlk8s::local
