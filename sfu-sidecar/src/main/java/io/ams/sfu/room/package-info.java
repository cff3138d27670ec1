/**
 * Rooms on the SFU side. {@link io.ams.sfu.room.SfuRoom} keeps membership and control (join, answer, leave,
 * pin through {@code MainSourceControl}, recording, P2P through {@code P2pControl},
 * chat through {@code RoomChat} and {@link io.ams.sfu.room.ChatLog}) and the 100 ms tick; the media path is a pipeline of small stages, each with its
 * own counters on {@code Peer} and its own unit test:
 *
 * <pre>
 * stage            class                 thread                 does                                    test
 * ---------------  --------------------  ---------------------  --------------------------------------  -------------------------
 * receive/demux    PeerMediaListener     peer receive thread    RTP by SSRC/payload type to a path,     PeerMediaListenerTest
 *                                                               transport-cc arrivals, RTCP apart
 * camera           CameraReceiver        peer receive thread    RTX unwrap, latch layer, repair (NACK), CameraReceiverTest
 *                                                               engine feed, relay to main slots
 * microphone       AudioReceiver         peer receive thread    level -> speaker, engine copy, forward  AudioReceiverTest
 * rtcp             RtcpReceiver          peer receive thread    PLI/FIR, NACK from caches, BWE feedback RtcpReceiverTest
 * mix              MixReceiver           room mix thread        engine's mix into every mix slot        MixReceiverTest
 * mixed audio      MixedAudioIn          room mix thread        engine's mixed audio per receiver       MixedAudioDemuxTest
 * probe            MixPadding            room mix thread        padding after a mix frame while probing PaddingPackets/DownlinkCapIT
 * uplink feedback  UplinkFeedback        room lane (tick)       NACK retries, RTT, transport-cc         UplinkFeedbackTest
 * select layer     LayerControl          room lane (tick)       constraints to senders, rewriter        SimulcastBrowserIT and
 *                                                               switches for engine feed and main slots SenderConstraints/LayerChoice
 * allocate         DownlinkControl       room lane (tick)       per-receiver layer cap, mix only        DownlinkControlTest
 * keyframes        KeyframeRequests      any                    rate-limited PLIs to the right layer    KeyframeRequestsTest
 * negotiation      Negotiation           room lane (lock)       offers and answers, audio slots         NegotiationTest
 * main source      MainSourceControl     room lane (lock)       main speaker (voices, screen, operator) MainSourceControlTest
 *                                                               pins, each receiver's main slot source
 * receivers' room  ReceiverRoom          peer receive thread    what camera, microphone and RTCP paths  ReceiverRoomTest
 *                                                               ask; lock work queued on the room lane
 * audio delivery   MixedAudioControl     room lane (tick)       forwarded vs mixed audio per receiver   MixedAudioControlTest
 * </pre>
 *
 * Rewriting ({@code relay.StreamRewriter}) and sending ({@code transport.MediaSink}) are shared by the
 * stages. Stages see the room only through small {@code Room} interfaces and a peer array snapshot, so a
 * slow room never blocks another and a test can drive one stage alone.
 *
 * <p>Metrics read the stages' counters, never count on their own: {@code RelayTotals} sums them per participant,
 * {@code RelayLedger} keeps the sums of those who left ({@code SfuRoom.metrics()}), and
 * {@code RoomRegistry.census()} those of closed rooms (RelayLedgerTest).
 */
package io.ams.sfu.room;
