package io.ams.sfu.room;

import io.ams.sfu.sdp.Direction;
import io.ams.sfu.sdp.MediaDescription;
import io.ams.sfu.sdp.OfferBuilder;
import io.ams.sfu.sdp.SdpException;
import io.ams.sfu.sdp.SessionDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offer/answer exchange with one participant (the server always offers, DESIGN.md section 5): which
 * m-sections it gets (mid 0 microphone and 1 camera in, simulcast or one stream; 2 the main video and 3 the
 * mix out; then an audio slot per other participant, or the mixed audio), and what its answer says (ICE and
 * DTLS parameters, the SSRCs and rids it sends, the extension ids, which audio slots it took). One offer at a
 * time: a change while an answer is awaited is offered right after it. Runs under the room's lock.
 */
final class Negotiation {
    private static final Logger LOG = LoggerFactory.getLogger(Negotiation.class);

    private final String roomId;
    private final boolean simulcast;

    /** @param simulcast whether cameras are asked for simulcast layers ({@link OfferBuilder#CAMERA_RIDS}) */
    Negotiation(String roomId, boolean simulcast) {
        this.roomId = roomId;
        this.simulcast = simulcast;
    }

    /** Gives {@code receiver} an audio slot for {@code senderId}: a free one (of someone who left), else a new mid. */
    static void assignSlot(Peer receiver, String senderId) {
        for (int i = 0; i < receiver.audioSlots.size(); i++) {
            if (receiver.audioSlots.get(i).senderId == null) {
                receiver.audioSlots.set(i, new Peer.AudioSlot(receiver.audioSlots.get(i).mid, SfuRoom.randomSsrc(), senderId));
                receiver.publishSlots();
                return;
            }
        }
        receiver.audioSlots.add(new Peer.AudioSlot(String.valueOf(4 + receiver.audioSlots.size()), SfuRoom.randomSsrc(), senderId));
        receiver.publishSlots();
    }

    /** Sends {@code p} an offer of the room as it is now, or marks one due if it has not answered the last. */
    void sendOffer(Peer p) {
        if (p.awaitingAnswer) {
            p.needsOffer = true;
            return;
        }
        p.needsOffer = false;
        List<OfferBuilder.Section> sections = new ArrayList<>();
        Map<String, PeerChannel.TrackRole> roles = new LinkedHashMap<>();
        if (p.screen()) { // a screen share sends its one picture and receives nothing
            sections.add(OfferBuilder.Section.inactive("0", "audio"));
            sections.add(OfferBuilder.Section.receive("1", "video"));
            sections.add(OfferBuilder.Section.inactive("2", "video"));
            sections.add(OfferBuilder.Section.inactive("3", "video"));
            long version = p.offerVersion + 1;
            String sdp = OfferBuilder.build(p.sessionId, version, p.transport.localUfrag(), p.transport.localPassword(),
                    p.transport.localFingerprint(), p.transport.localCandidates(), sections);
            p.offerVersion = version;
            p.awaitingAnswer = true;
            p.channel.offer(sdp, roles);
            return;
        }
        sections.add(OfferBuilder.Section.receive("0", "audio"));
        sections.add(simulcast ? OfferBuilder.Section.receiveSimulcast("1", OfferBuilder.CAMERA_RIDS)
                : OfferBuilder.Section.receive("1", "video"));
        sections.add(OfferBuilder.Section.send("2", "video", p.mainSsrc, "ams-main", "main"));
        roles.put("2", new PeerChannel.TrackRole("main", null));
        sections.add(OfferBuilder.Section.send("3", "video", p.mixSsrc, "ams-mix", "mix"));
        roles.put("3", new PeerChannel.TrackRole("mix", null));
        long version = p.offerVersion + 1;
        for (int i = 0; i <= p.audioSlots.size(); i++) {
            MixedAudioControl.offerSection(p, i, version, sections, roles); // where the mixed-audio section sits
            if (i == p.audioSlots.size()) {
                break;
            }
            Peer.AudioSlot s = p.audioSlots.get(i);
            if (s.senderId != null) {
                sections.add(OfferBuilder.Section.send(s.mid, "audio", s.ssrc, "ams-audio-" + s.senderId, s.senderId + "-audio",
                        Peer.cnameOf(s.senderId)));
                roles.put(s.mid, new PeerChannel.TrackRole("audio", s.senderId));
                if (s.offeredIn == 0) {
                    s.offeredIn = version;
                }
            } else {
                sections.add(OfferBuilder.Section.inactive(s.mid, "audio"));
            }
        }
        String sdp = OfferBuilder.build(p.sessionId, version, p.transport.localUfrag(), p.transport.localPassword(),
                p.transport.localFingerprint(), p.transport.localCandidates(), sections);
        p.offerVersion = version;
        p.awaitingAnswer = true;
        p.channel.offer(sdp, roles);
    }

    /**
     * Applies {@code p}'s answer to the offer it was sent: the transport starts with the first one; what it sends
     * and which slots it took are taken from every one.
     *
     * @return whether it sends media (microphone or camera): the engine must have it
     * @throws RoomException "bad_message" when no offer waits, the SDP is unusable, or the camera is not VP8/96;
     *                       nothing has changed then
     */
    boolean applyAnswer(Peer p, String sdp) throws RoomException {
        if (!p.awaitingAnswer) {
            throw new RoomException("bad_message", "no offer is waiting for an answer");
        }
        SessionDescription d;
        try {
            d = SessionDescription.parse(sdp);
        } catch (SdpException e) {
            throw new RoomException("bad_message", "the answer's SDP is unusable: " + e.getMessage());
        }
        MediaDescription mic = d.byMid("0");
        MediaDescription cam = d.byMid("1");
        if (mic == null || cam == null) {
            throw new RoomException("bad_message", "the answer lacks mid 0 (microphone) or mid 1 (camera)");
        }
        boolean camSends = !cam.rejected() && cam.direction().sends();
        boolean micSends = !mic.rejected() && mic.direction().sends();
        if (camSends && cam.payloadTypeOf("VP8") != OfferBuilder.VP8_PT) {
            throw new RoomException("bad_message", "the camera must be sent as VP8 with payload type 96");
        }
        p.awaitingAnswer = false;
        if (!p.transportStarted) {
            p.transport.setRemoteParameters(d.iceUfrag(), d.icePwd(), d.fingerprintSha256(), !"passive".equals(d.setup()));
            for (String c : d.candidates()) {
                p.transport.addRemoteCandidate(c);
            }
            p.transport.start();
            p.transportStarted = true;
        }
        if (micSends) {
            if (!mic.ssrcs().isEmpty()) {
                p.micSsrc = mic.ssrcs().get(0);
            }
            p.audioLevelExtId = mic.extensionId(OfferBuilder.URI_AUDIO_LEVEL);
        }
        if (camSends) {
            long announced = cam.simulcast() || cam.ssrcs().isEmpty() ? 0 : cam.ssrcs().get(0);
            boolean changed = p.camera.negotiate(cam.simulcastRids(), announced, cam.rtxSsrcs().getOrDefault(announced, 0L));
            p.twccExtId = cam.extensionId(OfferBuilder.URI_TRANSPORT_CC);
            p.ridExtId = cam.extensionId(OfferBuilder.URI_RID);
            p.repairedRidExtId = cam.extensionId(OfferBuilder.URI_REPAIRED_RID);
            if (changed) {
                LOG.info("room '{}': {} sends its camera as {}", roomId, p,
                        cam.simulcast() ? "simulcast layers " + cam.simulcastRids() : "one stream");
            }
        }
        // bandwidth estimation: stamp what we send once the answer kept transport-cc there (BUNDLE: one id for all)
        MediaDescription sent = d.byMid("2");
        p.bwe.enableTransportCc(sent == null || sent.rejected() ? -1 : sent.extensionId(OfferBuilder.URI_TRANSPORT_CC));
        for (Peer.AudioSlot s : p.audioSlots) {
            MediaDescription m = d.byMid(s.mid);
            s.negotiated = s.senderId != null && m != null && !m.rejected() && m.direction() != Direction.INACTIVE
                    && s.offeredIn <= p.offerVersion;
        }
        MixedAudioControl.answered(p, d);
        return camSends || micSends;
    }
}
