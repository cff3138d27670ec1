/**
 * The engine's sight (docs/DESIGN.md "Face-aware tiles"): {@link io.ams.engine.vision.FaceDetector} finds faces
 * in a decoded picture with OpenCV's Haar cascade, and {@link io.ams.engine.vision.FaceFocus} keeps, per
 * participant of a room, where its face is, a few times a second, for CROP tiles to centre on.
 */
package io.ams.engine.vision;
