/**
 * Benchmarks of the AMS engine: JMH suites ({@link io.ams.bench.CompositeBenchmark},
 * {@link io.ams.bench.PipelineBenchmark}), the live-room latency probe
 * ({@link io.ams.bench.LatencyProbe}) and the helpers of {@code benchmarks/mix-vs-ffmpeg.sh}
 * ({@link io.ams.bench.MixCli}, {@link io.ams.bench.FfmpegPath}). Results are recorded in
 * {@code docs/BENCHMARKS.md}.
 */
package io.ams.bench;
