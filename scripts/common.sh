# Shared by scripts/test.sh and scripts/demo.sh: installs what the build needs, idempotently.
# Debian 12 packages through apt-get (only those missing), Python packages through pip into .venv.
set -euo pipefail

AMLK8S_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
AMLK8S_VENV="$AMLK8S_ROOT/.venv"

# ccache (used by the CMake presets when installed) keys on paths relative to the checkout, so
# another clone or worktree of this repository on the same machine reuses the same cache entries.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$AMLK8S_ROOT}"
export CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-true}"
# The test target uses a precompiled header; ccache caches its users only with these sloppiness flags.
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros,include_file_mtime,include_file_ctime}"

step() { printf '\n==> %s\n' "$*"; }

# The Debian packages of the C++ build, the Python build and the tests.
AMLK8S_APT_PACKAGES=(
  g++ cmake ninja-build ccache pkg-config
  libboost1.81-dev libssl-dev ca-certificates openssl
  libgtest-dev libgmock-dev libbenchmark-dev libyaml-cpp-dev
  python3 python3-dev python3-venv python3-pip
)
# Real kubectl for the conformance tests (tests/local/kube_kubectl_watch_test.cpp): Debian 12's
# kubernetes-client, only where no kubectl is installed yet; another package's kubectl (the
# google-cloud-cli dispatcher, say) owns /usr/bin/kubectl and the two would conflict.
if ! command -v kubectl >/dev/null 2>&1; then
  AMLK8S_APT_PACKAGES+=(kubernetes-client)
fi

ensure_apt_packages() {
  local missing=()
  local pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "apt: all ${#} packages present"
    return
  fi
  step "apt-get install ${missing[*]}"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# A virtual environment with the Python build backend and the test tools.
ensure_venv() {
  if [ ! -x "$AMLK8S_VENV/bin/python" ]; then
    step "python3 -m venv .venv"
    python3 -m venv "$AMLK8S_VENV"
  fi
  local wanted=(scikit-build-core pybind11 pytest pyyaml)
  if ! "$AMLK8S_VENV/bin/python" -c "import scikit_build_core, pybind11, pytest, yaml" 2>/dev/null; then
    step "pip install ${wanted[*]}"
    "$AMLK8S_VENV/bin/python" -m pip install -q --disable-pip-version-check "${wanted[@]}"
  fi
}

build_jobs() { nproc 2>/dev/null || echo 2; }
