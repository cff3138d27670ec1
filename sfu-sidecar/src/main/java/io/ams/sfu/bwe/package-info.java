/**
 * Per-receiver downlink bandwidth estimation and allocation (issue 7 part 3, DESIGN.md section 9).
 *
 * <p>The flow for one receiving peer, declared in {@link io.ams.sfu.bwe.DownlinkBwe}:
 * <pre>
 *   every RTP packet we send --TransportSeqStamper--&gt; SendHistory (seq, send time, size)
 *   receiver's transport-cc --FeedbackAdapter (validate, unwrap, de-duplicate)--&gt; PacketResults
 *       --&gt; InterArrival --&gt; TrendlineEstimator (+ OveruseDetector) --&gt; AimdRateControl --+
 *       --&gt; AckedBitrate ----------------------------------------------------------------+--&gt; SendSideEstimator
 *       --&gt; LossBasedControl -------------------------------------------------------------+      (min, REMB cap)
 *       --&gt; ProbeBitrateEstimator (probe clusters) ---------------------------------------+
 *   estimate --&gt; DownlinkAllocator (audio, mix, main layer, pinned; mix-only) --&gt; ProbeController
 * </pre>
 * Everything here is pure logic on times passed in by the caller (no clocks, no I/O), so tests drive it
 * with a simulated link. The media path never throws: bad feedback is counted and dropped.
 */
package io.ams.sfu.bwe;
