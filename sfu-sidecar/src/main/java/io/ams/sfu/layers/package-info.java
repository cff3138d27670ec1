/**
 * Simulcast and dynamic resolution (DESIGN.md section 9): the layers of each camera as the sidecar
 * receives them ({@link io.ams.sfu.layers.CameraLayers}), which layer each consumer takes
 * ({@link io.ams.sfu.layers.LayerChoice}) and what each sender is asked to send
 * ({@link io.ams.sfu.layers.SenderConstraints}). Pure logic and per-layer state; no I/O.
 */
package io.ams.sfu.layers;
