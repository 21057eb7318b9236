#!/usr/bin/env bash
# Builds amlk8s and runs the quickstart example (examples/quickstart).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$AMLK8S_ROOT"

ensure_apt_packages "${AMLK8S_APT_PACKAGES[@]}"

step "build (preset default)"
cmake --preset default
cmake --build --preset default -j "$(build_jobs)" --target amlk8s_quickstart

step "examples/quickstart"
./build/default/examples/amlk8s_quickstart "$@"
