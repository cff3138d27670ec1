/**
 * The GPU backend: NVDEC decode, our CUDA kernels (one batched composite launch, label blending)
 * launched through JCuda's driver API, and encode on NVENC or, where the GPU has none (H100/H200),
 * on the CPU from an asynchronous download of the canvas.
 *
 * <p>JCuda's natives need libcuda.so.1: only {@link io.ams.engine.gpu.GpuProbe},
 * {@link io.ams.engine.gpu.GpuInfo}, {@link io.ams.engine.gpu.GpuFault} and
 * {@link io.ams.engine.gpu.FaultInjector} may be touched before the probe said the GPU is usable;
 * every other class here loads JCuda.
 *
 * <p>Flow per GPU room output: {@link io.ams.engine.gpu.NvdecDecoder} (per participant) gives
 * pooled {@link io.ams.engine.gpu.DeviceFrame}s; TileTable writes the AmsTile entries for the
 * layout; {@link io.ams.engine.gpu.GpuRoomPipeline#tick} runs {@link io.ams.engine.gpu.CudaCompositor}
 * and the encoder; a {@link io.ams.engine.gpu.GpuFault} moves the room to the CPU backend.
 */
package io.ams.engine.gpu;
