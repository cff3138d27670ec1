/**
 * {@code ams ctl}: one picocli command per ams.v1 Mixer rpc. Leaf commands extend
 * {@link io.ams.app.ctl.CtlSubcommand}, which owns the channel and the error reporting;
 * {@link io.ams.app.ctl.Render} writes human output, {@code --json} prints the proto as JSON.
 */
package io.ams.app.ctl;
