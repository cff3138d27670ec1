/**
 * The MCU's audio half: mix-minus of a room's loudest speakers ({@link io.ams.engine.audio.MixMinus}), its
 * clipping-safe output stage ({@link io.ams.engine.audio.Limiter}) and the Opus codec
 * ({@link io.ams.engine.audio.OpusEncoder}, {@link io.ams.engine.audio.OpusDecoder}). 48 kHz mono, 20 ms frames.
 */
package io.ams.engine.audio;
