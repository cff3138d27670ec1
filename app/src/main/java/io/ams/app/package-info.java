/**
 * The {@code ams} command line ({@link io.ams.app.Ams}): {@code engine} runs the mixing engine,
 * {@code ctl} drives one over gRPC, {@code demo} and {@code mix} try it out.
 */
package io.ams.app;
