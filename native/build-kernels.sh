#!/usr/bin/env bash
# Builds the AMS CUDA kernels into a fatbin; called by the Maven build of native/
# (generate-resources), usable by hand too:
#
#   native/build-kernels.sh SOURCE.cu OUTPUT.fatbin [SELFTEST.cu WORK_DIR]
#
# - nvcc not on the PATH (or $NVCC unset): prints that the GPU kernels are not built and exits 0,
#   so CPU-only machines still build; the engine then reports the GPU backend as unavailable.
# - nvcc present: a kernel that does not compile fails the build (non-zero exit).
# - With SELFTEST.cu: also compiles and runs the host-side self test (the kernels' per-thread
#   code run on the CPU, no GPU needed); a failed check fails the build. Skipped without a
#   host C++ compiler. Set AMS_SKIP_KERNEL_SELFTEST=1 to skip it.
# - Lists the fatbin's contents with cuobjdump when there is one.
set -euo pipefail

src=${1:?usage: build-kernels.sh SOURCE.cu OUTPUT.fatbin [SELFTEST.cu WORK_DIR]}
out=${2:?usage: build-kernels.sh SOURCE.cu OUTPUT.fatbin [SELFTEST.cu WORK_DIR]}
selftest=${3:-}
work=${4:-$(dirname "$out")}

nvcc=${NVCC:-$(command -v nvcc || true)}
if [ -z "$nvcc" ]; then
    echo "nvcc not found: GPU kernels not built, the GPU backend will be unavailable"
    exit 0
fi

# SASS for every architecture we run on (Turing T4, Ampere A100/A10, Ada L4/L40S, Hopper
# H100/H200) and PTX for compute_90 so newer GPUs can JIT-compile it.
gencode=(
    -gencode arch=compute_75,code=sm_75
    -gencode arch=compute_80,code=sm_80
    -gencode arch=compute_86,code=sm_86
    -gencode arch=compute_89,code=sm_89
    -gencode arch=compute_90,code=sm_90
    -gencode arch=compute_90,code=compute_90
)

# up to date: the fatbin is newer than the kernels, the self test and this script
if [ -s "$out" ] && [ "$out" -nt "$src" ] && [ "$out" -nt "$0" ] && { [ -z "$selftest" ] || [ "$out" -nt "$selftest" ]; }; then
    echo "GPU kernels up to date: $out ($(wc -c < "$out") bytes)"
    exit 0
fi

mkdir -p "$(dirname "$out")"
echo "$("$nvcc" --version | tail -n 2 | head -n 1)"
cmd=("$nvcc" -fatbin -O3 -std=c++17 -Werror all-warnings "${gencode[@]}" -o "$out.tmp" "$src")
echo "${cmd[*]}"
if ! "${cmd[@]}"; then
    rm -f "$out.tmp"
    echo "ERROR: nvcc failed to compile $src" >&2
    exit 1
fi
mv "$out.tmp" "$out"
echo "built $out ($(wc -c < "$out") bytes)"

cuobjdump=$(command -v cuobjdump || true)
if [ -z "$cuobjdump" ] && [ -x "$(dirname "$(readlink -f "$nvcc")")/cuobjdump" ]; then
    cuobjdump="$(dirname "$(readlink -f "$nvcc")")/cuobjdump"
fi
if [ -n "$cuobjdump" ]; then
    "$cuobjdump" --list-elf "$out"
    "$cuobjdump" --list-ptx "$out"
else
    echo "cuobjdump not found: fatbin contents not listed here (KernelBuildTest reads the fatbin header instead)"
fi

if [ -n "$selftest" ] && [ "${AMS_SKIP_KERNEL_SELFTEST:-0}" != "1" ]; then
    if ! command -v "${CXX:-c++}" > /dev/null && ! command -v g++ > /dev/null; then
        echo "no host C++ compiler: kernel self test skipped"
        exit 0
    fi
    mkdir -p "$work"
    "$nvcc" -std=c++17 -O2 -Werror all-warnings -o "$work/ams_selftest" "$selftest"
    "$work/ams_selftest"
fi
