#!/usr/bin/env bash
# Builds amlk8s and runs the whole story (examples/end_to_end: extension, instance types, compute,
# a training job that really runs, a model deployment that answers), then the four AzureML
# extension deployment scenarios (examples/azureml_scenarios), all on the embedded local control
# plane. Each program starts its own control plane in a temporary folder and removes it on exit,
# so the demo can be run again at any time.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$AMLK8S_ROOT"

ensure_apt_packages "${AMLK8S_APT_PACKAGES[@]}"

scenarios=(
  "1_aks_proof_of_concept|scenario 1: AKS cluster, quick proof of concept (training and inference, HTTP)"
  "2_arc_training_only|scenario 2: Arc cluster, quick proof of concept (training only)"
  "3_aks_production_https|scenario 3: AKS cluster, production training and inference (load balancer, HTTPS)"
  "4_arc_production_nvidia_gpus|scenario 4: Arc cluster, production on NVIDIA GPUs (NodePort, HTTPS)"
)
targets=(amlk8s_end_to_end)
for entry in "${scenarios[@]}"; do targets+=("amlk8s_scenario_${entry%%|*}"); done

step "build (preset default)"
cmake --preset default
cmake --build --preset default -j "$(build_jobs)" --target "${targets[@]}"

step "examples/end_to_end"
./build/default/examples/amlk8s_end_to_end "$@"

rule="################################################################################"
for entry in "${scenarios[@]}"; do
  printf '\n%s\n# examples/azureml_scenarios, %s\n%s\n' "$rule" "${entry#*|}" "$rule"
  ./build/default/examples/"amlk8s_scenario_${entry%%|*}"
done

step "demo done: the end-to-end story and the four deployment scenarios succeeded"
