#!/usr/bin/env bash
# Builds the GPU check bundle: one .tar.xz that runs the GPU tests and the GPU benchmarks on a
# machine with only an NVIDIA driver (no Java, no Maven, no network). See /README.md
# "GPU deployment (Dockerfile.cuda)".
#
#   benchmarks/gpu-bundle.sh OUT_DIR_OR_FILE     e.g. /tmp/ams-gpu.tar.xz, or a folder
#                                                (then FOLDER/ams-gpu.tar.xz)
# then on the GPU machine:
#   tar xJf ams-gpu.tar.xz && ./ams-gpu/run.sh out/
#
# Contents of ams-gpu/:
#   run.sh                  prints the environment, runs the tests and benchmarks (benchmarks/gpu/run.sh)
#   jre/                    a jlinked Java 17 runtime (modules from jdeps + the list below)
#   lib/                    runtime class path, linux-x86_64 only: engine, proto, rtp, FFmpeg + natives,
#                           JCuda + natives when the engine depends on them, gRPC, JMH, test libraries
#   test/                   engine and rtp test jars (the GPU tests are tagged "gpu")
#   benchmarks.jar          the benchmarks module's classes; its manifest puts lib/ on the class path
#   junit-platform-console-standalone.jar
#   gpu-check.jar           environment probe + machine check (benchmarks/gpu/src)
#   native/                 system libraries the natives link (libpulse for the ffmpeg executable,
#                           freetype/harfbuzz for Java2D ...); run.sh uses them only where missing
#   BUNDLE.txt              commit, date, contents
#
# Environment: AMS_MVN_OPTS extra Maven options (e.g. -o), AMS_BUNDLE_SKIP_BUILD=1 to reuse the
# last `mvn package` output.
set -euo pipefail

MAX_BYTES=$((60 * 1024 * 1024))
# modules the code needs that jdeps cannot see (reflection, service loading, TLS, JMH, jar scanning)
BASE_MODULES=java.base,java.logging,java.management,java.naming,jdk.unsupported,java.xml,jdk.crypto.ec,java.desktop,java.sql,jdk.management,jdk.zipfs

if [ $# -ne 1 ]; then
  echo "usage: $0 OUT_DIR_OR_FILE   (e.g. /tmp/ams-gpu.tar.xz)" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -d "$1" ] || [[ "$1" == */ ]]; then
  mkdir -p "$1"
  target="$(cd "$1" && pwd)/ams-gpu.tar.xz"
else
  mkdir -p "$(dirname "$1")"
  target="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
fi

for tool in mvn jlink jdeps javac jar xz python3 ldd strip; do
  command -v "$tool" >/dev/null || { echo "gpu-bundle: $tool is needed on this (build) machine" >&2; exit 1; }
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/ams-gpu-bundle.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
b="$tmp/ams-gpu"
mkdir -p "$b/lib" "$b/test" "$b/native"
log() { printf 'gpu-bundle: %s\n' "$*" >&2; }

cd "$root"
cpfile=target/gpu-bundle.classpath   # relative: Maven resolves it in each module
# shellcheck disable=SC2086  # AMS_MVN_OPTS is a list of options
if [ "${AMS_BUNDLE_SKIP_BUILD:-0}" != 1 ] || [ ! -f engine/$cpfile ]; then
  log "mvn package (tests skipped) + class paths"
  mvn -B -q -Dstyle.color=never ${AMS_MVN_OPTS:-} -DskipTests package \
      dependency:build-classpath -Dmdep.outputFile=$cpfile -Dmdep.includeScope=test
fi

# --- class path -------------------------------------------------------------------------------
# what the GPU runs do not need: other platforms' natives, sources/javadoc, the JMH annotation
# processor (compile time only), JUnit itself (the console standalone jar carries it), OpenCV and
# OpenBLAS (face-aware tiles, ~50 MB: the engine turns them off when OpenCV is missing, and no GPU
# test crops), and what only the sidecar's benchmarks use (BouncyCastle, PDFBox, ice4j and the jitsi
# libraries with Kotlin and JNA, Paho, Lettuce, Netty's HTTP and DNS codecs: ~35 MB), and Jazzer's
# fuzzing agent with its Byte Buddy (~17 MB; jazzer-api and jazzer-junit stay, so the test classes
# with fuzz targets still load for discovery: their tests are not tagged gpu)
# (platform classifiers are os-arch: guava's "-android" flavour is no platform)
skip_re='-((android|apple|ios|macosx|windows)-[a-z0-9_]+|linux-(arm|armhf|arm64|aarch64|ppc64le|x86|riscv64))(-gpl)?\.jar$|-(sources|javadoc)\.jar$|/jmh-generator-|/junit-(jupiter|platform)-|/opentest4j-|/apiguardian-api-|/opencv-[0-9]|/openblas-[0-9]|/org/bouncycastle/|/org/apache/pdfbox/|/org/jetbrains/kotlin/|/org/jitsi/|/net/java/dev/jna/|/com/nimbusds/|/org/eclipse/paho/|/ams-sfu-sidecar-|/io/lettuce/|/io/projectreactor/|/com/typesafe/|/netty-codec-http|/netty-codec-dns|/netty-resolver-dns|/jazzer-[0-9]|/byte-buddy-[0-9]'
entries=()
for m in engine benchmarks; do
  [ -f "$m/$cpfile" ] || { log "missing $m/$cpfile (did the build fail?)"; exit 1; }
  IFS=: read -r -a parts < "$m/$cpfile" || true   # no newline at the end
  entries+=("${parts[@]}")
done
shopt -s nullglob
for j in engine/target/ams-engine-*.jar; do entries+=("$root/$j"); done
junit_version=""
left_out=()
for e in "${entries[@]}"; do
  [ -f "$e" ] || continue
  name="$(basename "$e")"
  if [[ "$name" =~ ^junit-platform-engine-(.+)\.jar$ ]]; then junit_version="${BASH_REMATCH[1]}"; fi
  if [[ "$e" =~ $skip_re ]]; then
    [[ " ${left_out[*]} " == *" $name "* ]] || left_out+=("$name")
    continue
  fi
  case "$name" in
    ams-benchmarks-*) ;;                                   # packaged below as benchmarks.jar
    *-tests.jar) cp -n "$e" "$b/test/" ;;
    *) cp -n "$e" "$b/lib/" ;;
  esac
done
[ -n "$junit_version" ] || { log "no junit-platform-engine on the engine's test class path"; exit 1; }
log "left out of lib/: ${left_out[*]}"

log "junit-platform-console-standalone $junit_version"
# shellcheck disable=SC2086
mvn -B -q -Dstyle.color=never ${AMS_MVN_OPTS:-} org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_version" \
    -DoutputDirectory="$tmp/console" -Dmdep.stripVersion=true
cp "$tmp/console/junit-platform-console-standalone.jar" "$b/"

# --- benchmarks.jar: the module's own classes, lib/ through the manifest (not the 55 MB shaded jar)
bench=""
for j in benchmarks/target/ams-benchmarks-*.jar; do
  case "$j" in *-tests.jar|*-sources.jar|*-javadoc.jar|*/original-*) ;; *) bench="$j" ;; esac
done
[ -n "$bench" ] || { log "no benchmarks/target/ams-benchmarks-*.jar"; exit 1; }
(cd "$b" && python3 "$root/benchmarks/gpu/jars.py" thin "$root/$bench" benchmarks.jar org.openjdk.jmh.Main lib/*.jar)

# --- gpu-check.jar: environment probe and machine check -------------------------------------------
mkdir -p "$tmp/check"
javac --release 17 -nowarn -d "$tmp/check" \
      -cp "$b/lib/*:$b/junit-platform-console-standalone.jar" \
      $(find benchmarks/gpu/src -name '*.java')
jar --create --file "$b/gpu-check.jar" -C "$tmp/check" .

# --- the Java runtime --------------------------------------------------------------------------
modules="$BASE_MODULES"
if found="$(jdeps --ignore-missing-deps --multi-release 17 --print-module-deps \
              --class-path "$b/lib/*:$b/test/*:$b/junit-platform-console-standalone.jar" \
              "$b"/lib/*.jar "$b"/test/*.jar "$b/gpu-check.jar" 2>"$tmp/jdeps.err" | tail -n 1)" \
   && [[ "$found" =~ ^[a-z.,]+$ ]]; then
  modules="$modules,$found"
else
  log "jdeps failed (using the base module list): $(tail -n 3 "$tmp/jdeps.err")"
fi
modules="$(tr ',' '\n' <<<"$modules" | sort -u | paste -sd, -)"
log "jlink: $modules"
# --compress=0 on purpose: the outer xz shrinks an uncompressed runtime to ~17 MB, a zip-compressed
# one (--compress=2) only to ~30 MB
# headless: no X11 toolkit, splash screen or sound libraries (they pull in libX11 and ALSA)
jlink --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=0 \
      --exclude-files='**/libawt_xawt.so,**/libjawt.so,**/libsplashscreen.so,**/libjsound.so' \
      --output "$b/jre"
# symbol tables only serve debuggers (Debian leaves them in libjvm.so: 4 MB)
find "$b/jre" -name '*.so' -exec strip --strip-unneeded {} +
# the label renderer draws with DejaVu Sans; a bare GPU host may have no fonts (see native/ for
# freetype and friends)
mkdir -p "$b/jre/lib/fonts"
for f in /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf; do
  if [ -f "$f" ]; then cp "$f" "$b/jre/lib/fonts/"; else log "warning: $f not found: no fonts in the bundle"; fi
done
cp "$root/benchmarks/gpu/fontconfig.properties" "$b/jre/lib/fontconfig.properties"

# --- system libraries the natives link, resolved on this machine ----------------------------------
mkdir -p "$tmp/natives"
for j in "$b"/lib/*linux-x86_64*.jar; do
  (cd "$tmp/natives" && python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
for n in z.namelist():
    base = n.rsplit("/", 1)[-1]
    if "linux-x86_64/" in n and base and (".so" in base or base in ("ffmpeg", "ffprobe")):
        z.extract(n, ".")' "$j")
done
bins=()
while IFS= read -r -d '' f; do bins+=("$f"); done < <(find "$tmp/natives" -type f -print0)
for f in bin/java lib/server/libjvm.so lib/libjava.so lib/libzip.so lib/libnet.so lib/libnio.so \
         lib/libawt.so lib/libawt_headless.so lib/libfontmanager.so lib/liblcms.so lib/libjavajpeg.so \
         lib/libmlib_image.so lib/libmanagement.so lib/libmanagement_ext.so; do
  [ -f "$b/jre/$f" ] && bins+=("$b/jre/$f")
done
# never bundled: glibc (must be the machine's own), the C++ runtime and zlib (every machine
# with CUDA has them) and the NVIDIA driver's libraries
sys_skip='^(linux-vdso|ld-linux-x86-64|libc|libm|libdl|libpthread|librt|libutil|libresolv|libanl|libstdc\+\+|libgcc_s|libz|libcuda|libnvcuvid|libnvidia-[a-z-]+)\.so'
for f in "${bins[@]}"; do
  LD_LIBRARY_PATH="$(dirname "$f")" ldd "$f" 2>/dev/null || true
done | awk '$2 == "=>" && $3 ~ /^\// {print $1, $3}' | sort -u | while read -r soname path; do
  [[ "$soname" =~ $sys_skip ]] && continue
  case "$path" in "$tmp"/*) continue ;; esac            # shipped inside a jar or the JRE
  [ -e "$b/native/$soname" ] || cp -L "$path" "$b/native/$soname"
done

# --- run.sh, BUNDLE.txt, jars stored (xz compresses raw classes and .so far better than deflate) ---
cp "$root/benchmarks/gpu/run.sh" "$b/run.sh"
chmod +x "$b/run.sh"
for j in "$b"/lib/*.jar "$b"/test/*.jar "$b/junit-platform-console-standalone.jar" "$b/gpu-check.jar"; do
  python3 "$root/benchmarks/gpu/jars.py" stored "$j" "$j.stored" && mv "$j.stored" "$j"
done
{
  echo "AMS GPU check bundle, commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo '+local changes')"
  echo "built $(date -u '+%Y-%m-%dT%H:%M:%SZ') on $(uname -n)"
  echo "jre modules: $modules"
  echo "kernels built with: $( (command -v nvcc >/dev/null && nvcc --version | grep -m 1 -o 'release [0-9.]*') || echo 'no nvcc (no kernels in this bundle)')"
  echo
  echo "lib/:    $(cd "$b/lib" && ls | tr '\n' ' ')"
  echo "test/:   $(cd "$b/test" && ls | tr '\n' ' ')"
  echo "native/: $(cd "$b/native" && ls | tr '\n' ' ')"
} > "$b/BUNDLE.txt"

log "compressing (xz, x86 filter + preset 9e: a few minutes)"
tar -C "$tmp" --sort=name --owner=0 --group=0 -cf - ams-gpu | xz --x86 --lzma2=preset=9e -T0 > "$target.part"
mv "$target.part" "$target"
size=$(stat -c %s "$target")
log "sizes before compression: $(du -sh "$b/jre" "$b/lib" "$b/native" "$b/test" | awk '{printf "%s %s  ", $2, $1}' | sed "s|$b/||g")"
printf '%s: %d bytes (%.1f MiB), limit %d MiB\n' "$target" "$size" "$(awk -v s="$size" 'BEGIN {print s / 1048576}')" $((MAX_BYTES / 1048576))
if [ "$size" -gt "$MAX_BYTES" ]; then
  echo "gpu-bundle: the bundle is over the $((MAX_BYTES / 1048576)) MiB budget" >&2
  exit 1
fi
