#!/usr/bin/env bash
# Builds amlk8s and runs every test: the GoogleTest suite (ctest), the sanitizer build of the same
# suite, and the Python tests (pytest against the module this build compiled, and tests/cli against
# the amlk8s tool). Exits non-zero if any runner failed. AMLK8S_TEST_PIP_INSTALL=1 also checks
# `pip install .` into .venv and runs pytest against the installed package (a second full build of
# the library, so it is off by default).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$AMLK8S_ROOT"

ensure_apt_packages "${AMLK8S_APT_PACKAGES[@]}"
ensure_venv

declare -A result
run_stage() {
  local name=$1
  shift
  step "$name"
  if "$@"; then result[$name]=passed; else result[$name]=FAILED; fi
}

python_cmake_args=(
  -DAMLK8S_BUILD_PYTHON=ON
  -DPython_EXECUTABLE="$AMLK8S_VENV/bin/python"
  -Dpybind11_DIR="$("$AMLK8S_VENV/bin/python" -m pybind11 --cmakedir)"
)
# Full debug info doubles the compile time of the Beast-heavy files and no test reads it: the test
# builds keep line tables only (-g1, enough for sanitizer stack traces) or none.
cxx_tests() {
  cmake --preset default "${python_cmake_args[@]}" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -DNDEBUG" && cmake --build --preset default -j "$(build_jobs)" && ctest --preset default -j "$(build_jobs)"
}
sanitizer_tests() {
  cmake --preset asan -DCMAKE_CXX_FLAGS_DEBUG="-g1" && cmake --build --preset asan -j "$(build_jobs)" && ctest --preset asan -j "$(build_jobs)"
}
python_tests() {
  (cd tests/python && PYTHONPATH="$AMLK8S_ROOT/build/default/python" "$AMLK8S_VENV/bin/python" -m pytest -q -p no:cacheprovider .) || return 1
  # The amlk8s command-line tool run as a user runs it, with the programs the C++ stage built.
  (cd tests/cli && AMLK8S_CLI="${AMLK8S_CLI:-$AMLK8S_ROOT/build/default/src/amlk8s}" \
    AMLK8S_LOCAL_SERVE="${AMLK8S_LOCAL_SERVE:-$AMLK8S_ROOT/build/default/src/amlk8s-local}" \
    "$AMLK8S_VENV/bin/python" -m pytest -q -p no:cacheprovider .) || return 1
  if [ "${AMLK8S_TEST_PIP_INSTALL:-0}" = 1 ]; then
    step "pip install . (AMLK8S_TEST_PIP_INSTALL=1)"
    "$AMLK8S_VENV/bin/python" -m pip install -q --disable-pip-version-check --no-build-isolation . &&
      (cd tests/python && "$AMLK8S_VENV/bin/python" -m pytest -q -p no:cacheprovider .)
  fi
}

run_stage "C++ tests (ctest, RelWithDebInfo)" cxx_tests
run_stage "C++ tests (ctest, AddressSanitizer + UndefinedBehaviorSanitizer)" sanitizer_tests
run_stage "Python tests (pytest)" python_tests

step "summary"
status=0
for name in "C++ tests (ctest, RelWithDebInfo)" "C++ tests (ctest, AddressSanitizer + UndefinedBehaviorSanitizer)" "Python tests (pytest)"; do
  printf '  %-70s %s\n' "$name" "${result[$name]}"
  [ "${result[$name]}" = passed ] || status=1
done
exit $status
