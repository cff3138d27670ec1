/**
 * Documents in the meeting (docs/DESIGN.md "Content"): an upload is identified by its bytes
 * ({@link io.ams.sfu.content.DocumentType}), converted to page images in a separate, time- and
 * memory-limited process ({@link io.ams.sfu.content.DocumentConverter} running
 * {@link io.ams.sfu.content.ConvertWorker}), stored sealed with AES-128-GCM
 * ({@link io.ams.sfu.content.SealedPages}) and presented to the room one page at a time
 * ({@link io.ams.sfu.content.RoomContent}); the engine composes the page as a tile of the mix.
 */
package io.ams.sfu.content;
