#!/usr/bin/env bash
# AMS GPU check bundle (made by benchmarks/gpu-bundle.sh): runs the GPU tests and the GPU
# benchmarks with the bundled Java runtime; needs only an NVIDIA driver (no Java, no Maven,
# no network).
#
#   ./ams-gpu/run.sh OUT        logs and results go to OUT (created)
#
# OUT/run.log        everything printed here
# OUT/junit/         JUnit XML reports of the GPU-tagged tests
# OUT/jmh-gpu.json   JMH results of the Gpu* benchmarks (when the build has any)
# OUT/jmh-gpu.log    JMH's own output
#
# Environment: AMS_JMH_ARGS extra JMH options (e.g. "-f 1 -wi 2 -i 3"),
#              AMS_JAVA_OPTS extra JVM options for the tests.
# Exit status: 0 all good, 1 GPU tests failed, 3 the benchmarks failed, 2 usage,
#              4 a GPU is visible (nvidia-smi lists one) but GPU tests were skipped or none ran:
#                skipped is not passed. Without a GPU (a dry run) skipped tests are reported as
#                such and the exit status is 0.
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 OUT" >&2
  exit 2
fi
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mkdir -p "$1" || exit 2
out="$(cd "$1" && pwd)"
java="$here/jre/bin/java"

# scratch space for the extracted natives (FFmpeg, JCuda) and the tests' working directory;
# kept out of OUT so OUT stays small enough to copy back
work="$(mktemp -d "${TMPDIR:-/tmp}/ams-gpu.XXXXXX")"
cleanup() { rm -rf "$work"; }
trap cleanup EXIT

exec > >(tee -a "$out/run.log") 2>&1

section() { printf '\n===== %s =====\n' "$*"; }

# driver and CUDA versions first: kernels built with CUDA 13 load only on a driver that
# supports CUDA 13 (R580 or newer); an older driver fails every kernel load, not one test
section "versions"
gpus=0
if command -v nvidia-smi >/dev/null 2>&1; then
  gpus="$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ' || true)"
  echo "driver:        $(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -n 1)"
  echo "driver's CUDA: $(nvidia-smi 2>/dev/null | grep -o 'CUDA Version: [0-9.]*' | head -n 1 | sed 's/CUDA Version: //')"
else
  echo "driver:        none (nvidia-smi not found)"
fi
echo "GPUs visible:  $gpus"
echo "kernels:       $(grep -m 1 '^kernels built with' "$here/BUNDLE.txt" 2>/dev/null | sed 's/^kernels built with: //' || echo unknown)"
echo "               (CUDA 13 kernels need a driver with CUDA >= 13.0, R580+; the fatbin carries SASS"
echo "               sm_75/80/86/89/90 and PTX compute_90, which the driver JIT-compiles for newer GPUs)"

section "environment"
echo "date:    $(date -u '+%Y-%m-%dT%H:%M:%SZ')"
echo "host:    $(uname -n) $(uname -srm)"
if [ -r /etc/os-release ]; then
  echo "os:      $(. /etc/os-release && echo "${PRETTY_NAME:-unknown}")"
fi
echo "cpus:    $(nproc 2>/dev/null || echo '?')"
echo "memory:  $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo 2>/dev/null)"
echo "bundle:  $(head -n 3 "$here/BUNDLE.txt" 2>/dev/null | tr '\n' ' ')"

section "nvidia-smi"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi || echo "(nvidia-smi exited with status $?)"
  nvidia-smi --query-gpu=name,driver_version,memory.total,compute_cap,clocks.max.sm,power.limit \
             --format=csv || true
else
  echo "nvidia-smi: not found (no NVIDIA driver on this machine, or not mounted into this container)"
fi
if [ -r /proc/driver/nvidia/version ]; then
  cat /proc/driver/nvidia/version
else
  echo "/proc/driver/nvidia/version: absent (no NVIDIA kernel driver loaded)"
fi

section "java -version (bundled)"
"$java" -version 2>&1 || echo "the bundled java does not start (exit $?)"

section "driver libraries (ldconfig -p)"
ldconfig_bin="$(command -v ldconfig || echo /sbin/ldconfig)"
libs="$("$ldconfig_bin" -p 2>/dev/null | grep -E 'libnvcuvid|libnvidia-encode|libcuda' || true)"
if [ -n "$libs" ]; then
  echo "$libs"
else
  echo "none of libcuda / libnvcuvid / libnvidia-encode is in the ldconfig cache"
fi
for l in libcuda.so.1 libnvcuvid.so.1 libnvidia-encode.so.1; do
  if grep -q "$l" <<<"$libs"; then echo "  $l: found"; else echo "  $l: NOT found"; fi
done
echo "(libnvidia-encode is NVENC: H100/H200 have none, so the engine encodes on the CPU there)"

# System libraries the bundled natives need (FFmpeg's ffmpeg executable, Java2D fonts) that
# this machine lacks: take the bundle's copies, and only those (the machine's own always win).
section "system libraries"
mkdir -p "$work/ld"
sonames="$("$ldconfig_bin" -p 2>/dev/null | awk 'NR > 1 {print $1}' || true)"
used=()
for f in "$here"/native/*; do
  [ -e "$f" ] || continue
  name="$(basename "$f")"
  if ! grep -qxF "$name" <<<"$sonames"; then
    ln -s "$f" "$work/ld/$name"
    used+=("$name")
  fi
done
if [ ${#used[@]} -gt 0 ]; then
  echo "missing here, taken from the bundle: ${used[*]}"
  export LD_LIBRARY_PATH="$work/ld${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
else
  echo "all present on this machine"
fi

jvm_opts=(-Djava.awt.headless=true "-Dorg.bytedeco.javacpp.cachedir=$work/javacpp" "-Djava.io.tmpdir=$work")
# shellcheck disable=SC2206  # a list of options
jvm_opts+=(${AMS_JAVA_OPTS:-})
cp="$here/lib/*"

section "engine GPU probe"
"$java" "${jvm_opts[@]}" -cp "$here/gpu-check.jar:$cp" io.ams.gpubundle.GpuEnv \
  || echo "(the probe exited with status $?; going on)"

section "GPU tests (JUnit, tag gpu)"
scan=()
for j in "$here"/test/*-tests.jar "$here/gpu-check.jar"; do
  [ -e "$j" ] && scan+=("--scan-class-path=$j")
done
(cd "$work" && "$java" "${jvm_opts[@]}" -jar "$here/junit-platform-console-standalone.jar" execute \
  --disable-banner --disable-ansi-colors --details=tree \
  --class-path "$here/gpu-check.jar:$(printf '%s:' "$here"/test/*.jar "$here"/lib/*.jar)" \
  "${scan[@]}" --include-tag gpu \
  --reports-dir "$out/junit")
tests_rc=$?
# totals from the JUnit XML: skipped (disabled or aborted by an assumption) is not passed
read -r ran skipped failed < <(cat "$out"/junit/*.xml 2>/dev/null | grep -o '<testsuite [^>]*>' | awk '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/"/, "", kv[2]);
      if (kv[1] == "tests") t += kv[2]; if (kv[1] == "skipped") s += kv[2];
      if (kv[1] == "failures" || kv[1] == "errors") f += kv[2] } }
  END { printf "%d %d %d\n", t, s, f }')
echo "GPU tests: $ran run, $skipped skipped, $failed failed"
if [ $tests_rc -ne 0 ]; then
  echo "GPU tests: FAILED (exit $tests_rc)"
elif [ "$gpus" -gt 0 ] && { [ "$skipped" -gt 0 ] || [ "$ran" -eq 0 ]; }; then
  echo "GPU tests: FAILED: $gpus GPU(s) visible but $skipped test(s) skipped (of $ran): skipped is not passed"
  tests_rc=4
elif [ "$gpus" -eq 0 ]; then
  echo "GPU tests: NOT RUN ON A GPU (no GPU visible; $skipped skipped): a dry run, nothing on the GPU passed"
else
  echo "GPU tests: all $ran passed on the GPU"
fi

section "GPU benchmarks (JMH, Gpu.*)"
bench_rc=0
listed="$("$java" -jar "$here/benchmarks.jar" -l 'Gpu.*' 2>&1)"
list_rc=$?
found="$(grep -E '^[[:space:]]*[a-zA-Z_$][a-zA-Z0-9_$.]*Gpu[a-zA-Z0-9_$.]*$' <<<"$listed" || true)"
if [ $list_rc -ne 0 ] || [ -z "$found" ]; then
  echo "no GPU benchmarks in this build; skipped"
  if [ $list_rc -ne 0 ]; then echo "(jmh -l said: $(grep -m 1 -iE 'error|exception' <<<"$listed"))"; fi
else
  echo "$found"
  # shellcheck disable=SC2086  # a list of options
  (cd "$work" && "$java" -jar "$here/benchmarks.jar" 'Gpu.*' \
     -jvmArgsAppend "-Djava.awt.headless=true -Dorg.bytedeco.javacpp.cachedir=$work/javacpp" \
     -rf json -rff "$out/jmh-gpu.json" ${AMS_JMH_ARGS:-}) >"$out/jmh-gpu.log" 2>&1
  bench_rc=$?
  tail -n 40 "$out/jmh-gpu.log"
  if [ $bench_rc -ne 0 ]; then echo "GPU benchmarks: FAILED (exit $bench_rc, see jmh-gpu.log)"; fi
fi

section "summary"
echo "tests: exit $tests_rc ($ran run, $skipped skipped, $failed failed, $gpus GPU(s)); benchmarks: exit $bench_rc; logs and results in $out"
if [ $tests_rc -eq 4 ]; then exit 4; fi
if [ $tests_rc -ne 0 ]; then exit 1; fi
if [ $bench_rc -ne 0 ]; then exit 3; fi
exit 0
