#!/usr/bin/env bash
# Side-by-side timing of an offline N-input grid mix: AMS (OfflineMix, as `ams mix` runs it)
# against the ffmpeg CLI doing the same job (same inputs, same tile geometry, same libvpx
# settings), on the same machine, alternating runs.
#
# How to run (from the repository root, after
#   mvn -B -q -o -DskipTests package -pl benchmarks -am):
#   benchmarks/mix-vs-ffmpeg.sh [N=4] [RUNS=3]
# Environment: WORK (scratch folder, default benchmarks/target/mix-vs-ffmpeg),
#   AMS_CP (class path holding io.ams.bench.MixCli or io.ams.app.Ams; default benchmarks.jar),
#   AMS_MAIN (default io.ams.bench.MixCli; io.ams.app.Ams once the launcher exists: "io.ams.app.Ams mix"),
#   JAVA_OPTS (extra JVM options for the AMS runs, e.g. -XX:ActiveProcessorCount=1).
set -euo pipefail

N=${1:-4}
RUNS=${2:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WORK=${WORK:-$ROOT/benchmarks/target/mix-vs-ffmpeg}
AMS_CP=${AMS_CP:-$ROOT/benchmarks/target/benchmarks.jar}
AMS_MAIN=${AMS_MAIN:-io.ams.bench.MixCli}
W=1280; H=720; FPS=30; KBPS=2500; GOP=$((FPS * 10))   # OfflineMix uses a GOP of fps*10
THREADS=${THREADS:-1}   # as VideoEncoder.vp8Threads: one libvpx thread up to 720p
GAP=4                                                 # Layouts: max(2, even(h/180)) = 4 at 720

[ -f "$AMS_CP" ] || { echo "missing $AMS_CP: build first (mvn -B -q -o -DskipTests package -pl benchmarks -am)" >&2; exit 1; }
FFMPEG=$(java -cp "$AMS_CP" io.ams.bench.FfmpegPath)
export LD_LIBRARY_PATH="$(dirname "$FFMPEG")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
mkdir -p "$WORK"

# ---- grid geometry, as compose/Layouts.grid computes it ----
COLS=$(python3 -c "import math; print(math.ceil(math.sqrt($N)))")
ROWS=$(( (N + COLS - 1) / COLS ))
even() { echo $(( $1 & ~1 )); }
CW=$(even $(( (W - GAP * (COLS + 1)) / COLS )))
CH=$(even $(( (H - GAP * (ROWS + 1)) / ROWS )))
TOTAL_H=$(( ROWS * CH + (ROWS - 1) * GAP ))
TOP=$(even $(( (H - TOTAL_H) / 2 )))
echo "grid: ${COLS}x${ROWS} tiles of ${CW}x${CH}, gap $GAP, canvas ${W}x${H}"

# ---- inputs: testsrc2, a different hue per input, 640x360@30, 10 s, VP8 .webm ----
INPUTS=()
for ((i = 0; i < N; i++)); do
  f="$WORK/in$i.webm"
  INPUTS+=("$f")
  if [ ! -s "$f" ]; then
    "$FFMPEG" -hide_banner -loglevel error -nostdin -y \
      -f lavfi -i "testsrc2=size=640x360:rate=30:duration=10,hue=h=$(( i * 360 / N ))" \
      -c:v libvpx -deadline realtime -cpu-used 8 -b:v 1000k -g 60 -an "$f"
  fi
done

# ---- the ffmpeg filter graph: letterbox into each tile, xstack at the Layouts positions ----
FILTER=""; STACK=""; POS=""
for ((i = 0; i < N; i++)); do
  r=$(( i / COLS )); c=$(( i % COLS ))
  k=$(( r == ROWS - 1 ? N - COLS * (ROWS - 1) : COLS ))   # tiles in this row (last row centred)
  ROW_W=$(( k * CW + (k - 1) * GAP ))
  X0=$(even $(( (W - ROW_W) / 2 )))
  x=$(( X0 + c * (CW + GAP) )); y=$(( TOP + r * (CH + GAP) ))
  FILTER+="[$i:v]scale=${CW}:${CH}:force_original_aspect_ratio=decrease:force_divisible_by=2:flags=bilinear,"
  FILTER+="pad=${CW}:${CH}:(ow-iw)/2:(oh-ih)/2:color=0x101010[v$i];"
  STACK+="[v$i]"; POS+="${POS:+|}${x}_${y}"
done
FILTER+="${STACK}xstack=inputs=$N:layout=$POS:fill=0x101010,pad=$W:$H:0:0:color=0x101010,format=yuv420p[out]"
[ "$N" -eq 1 ] && FILTER="[0:v]scale=${CW}:${CH}:force_original_aspect_ratio=decrease:flags=bilinear,pad=$W:$H:(ow-iw)/2:(oh-ih)/2:color=0x101010,format=yuv420p[out]"

FF_ARGS=()
for f in "${INPUTS[@]}"; do FF_ARGS+=(-i "$f"); done
FF_ARGS+=(-filter_complex "$FILTER" -map "[out]" -an -r $FPS
  -c:v libvpx -deadline realtime -cpu-used 8 -lag-in-frames 0 -error-resilient default
  -b:v ${KBPS}k -minrate ${KBPS}k -maxrate ${KBPS}k -bufsize ${KBPS}k -qmin 2 -qmax 56
  -static-thresh 0 -drop-threshold 0 -undershoot-pct 95 -overshoot-pct 5
  -g $GOP -threads $THREADS "$WORK/ffmpeg-out.webm")

now() { date +%s.%N; }
AMS_T=(); FF_T=(); AMS_C=(); FF_C=()
echo "load before: $(uptime)"
echo "ams:    java ${JAVA_OPTS:-} -cp $AMS_CP $AMS_MAIN -o $WORK/ams-out.webm --size ${W}x${H} --fps $FPS --codec vp8 --bitrate $KBPS ${INPUTS[*]}"
echo "ffmpeg: $FFMPEG -hide_banner -loglevel error -nostdin -y ${FF_ARGS[*]}"
for ((run = 1; run <= RUNS; run++)); do
  t0=$(now)
  # shellcheck disable=SC2086
  /usr/bin/time -f "%U %S" -o "$WORK/ams-cpu$run" java ${JAVA_OPTS:-} -cp "$AMS_CP" $AMS_MAIN -o "$WORK/ams-out.webm" --size ${W}x${H} --fps $FPS --codec vp8 --bitrate $KBPS \
    "${INPUTS[@]}" > "$WORK/ams-run$run.log" 2>&1
  t1=$(now)
  /usr/bin/time -f "%U %S" -o "$WORK/ffmpeg-cpu$run" "$FFMPEG" -hide_banner -loglevel error -nostdin -y "${FF_ARGS[@]}" > "$WORK/ffmpeg-run$run.log" 2>&1
  t2=$(now)
  a=$(python3 -c "print(f'{$t1 - $t0:.2f}')"); f=$(python3 -c "print(f'{$t2 - $t1:.2f}')")
  ac=$(awk '{printf "%.2f", $1 + $2}' "$WORK/ams-cpu$run"); fc=$(awk '{printf "%.2f", $1 + $2}' "$WORK/ffmpeg-cpu$run")
  AMS_T+=("$a"); FF_T+=("$f"); AMS_C+=("$ac"); FF_C+=("$fc")
  echo "run $run: ams ${a} s wall ${ac} s cpu ($(grep -o 'mixed.*' "$WORK/ams-run$run.log" | head -1)), ffmpeg ${f} s wall ${fc} s cpu"
done
echo "load after: $(uptime)"

packets() { "$FFMPEG" -hide_banner -loglevel error -nostdin -i "$1" -map 0:v -c copy -f framemd5 - | grep -vc '^#'; }
echo "outputs: ams $(packets "$WORK/ams-out.webm") frames $(stat -c %s "$WORK/ams-out.webm") bytes," \
  "ffmpeg $(packets "$WORK/ffmpeg-out.webm") frames $(stat -c %s "$WORK/ffmpeg-out.webm") bytes"
python3 - "${AMS_T[*]}" "${FF_T[*]}" "${AMS_C[*]}" "${FF_C[*]}" <<'PY'
import statistics, sys
ams = [float(x) for x in sys.argv[1].split()]
ff = [float(x) for x in sys.argv[2].split()]
ac = [float(x) for x in sys.argv[3].split()]
fc = [float(x) for x in sys.argv[4].split()]
ma, mf = statistics.median(ams), statistics.median(ff)
print(f"ams    wall s: {' '.join(f'{x:.2f}' for x in ams)}  median {ma:.2f}")
print(f"ffmpeg wall s: {' '.join(f'{x:.2f}' for x in ff)}  median {mf:.2f}")
print(f"ratio ffmpeg/ams (median wall time): {mf / ma:.2f}x  (target >= 1.25x)")
mac, mfc = statistics.median(ac), statistics.median(fc)
print(f"ams    cpu s (user+sys): {' '.join(f'{x:.2f}' for x in ac)}  median {mac:.2f}")
print(f"ffmpeg cpu s (user+sys): {' '.join(f'{x:.2f}' for x in fc)}  median {mfc:.2f}")
print(f"ratio ffmpeg/ams (median cpu time): {mfc / mac:.2f}x")
PY
