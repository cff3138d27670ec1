/**
 * Composition of the mix: layouts as pure functions from participants to tiles
 * ({@link io.ams.engine.compose.Layouts}), and the CPU compositing stage that draws decoded
 * frames into a YUV420P canvas ({@link io.ams.engine.compose.CpuCompositor}). Depends on
 * {@code io.ams.engine.media} only.
 */
package io.ams.engine.compose;
