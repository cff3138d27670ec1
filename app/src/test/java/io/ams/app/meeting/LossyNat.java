package io.ams.app.meeting;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A one-to-one UDP NAT between one WebRTC client and the sidecar's media port that loses chosen
 * uplink video packets, as a lossy access network would. The client talks to {@link #clientFacingPort()}
 * (the server's candidates in the offer are rewritten to it); every client address gets its own
 * server-facing socket (the client's candidates in the answer are rewritten to those), so ICE sees two
 * consistent paths and never the real addresses.
 *
 * <p>Loss: an RTP packet from the client with payload type {@code videoPt} is dropped the first time its
 * sequence number shows up if {@code seq % period == phase}; a retransmission of it (same number,
 * after our NACK) passes, as does every RTX packet (payload type 97: retransmissions when the sender
 * negotiated RTX). STUN, DTLS, RTCP and audio always pass. {@link #setLoss} changes the period
 * at runtime (0: no loss). Retransmissions pass on purpose in every mode: the sidecar's uplink quality
 * counts loss before repair, so a test of it must see the loss even though the NACK repair fills every gap.
 *
 * <p>Audio delay: {@link #setAudioDelay} holds the client's uplink audio RTP (payload type 111) back by a
 * fixed time, its RTCP not, as a path that queues one stream would: what the sender's reports say was captured
 * together then arrives apart (a lip-sync test's offset).
 *
 * <p>Shaping: {@link #downlink()} is a {@link LinkShaper} on everything the server sends the client (rate cap,
 * added delay, drop-tail queue of 600 ms: an access link's buffer, which lets a keyframe through), unlimited until a test sets it.
 *
 * <p>A browser behind the NAT: {@link #browserHook} is a script for the page that does the SDP rewriting in the
 * browser itself (the server's candidates to our port; the browser's own candidates withheld, so the server
 * learns the NAT's address from the first connectivity check, as a peer-reflexive candidate). The server's
 * address then comes from {@link #forServer}.
 */
final class LossyNat implements AutoCloseable {
    private static final InetAddress ANY = anyV4();
    private static final Pattern CANDIDATE = Pattern.compile("^a=candidate:(\\S+) (\\d+) (\\S+) (\\d+) (\\S+) (\\d+) typ (\\S+)(.*)$");

    private volatile InetSocketAddress server; // the sidecar's IPv4 candidate, from the offer
    private final DatagramSocket clientSide;
    private final Map<InetSocketAddress, Mapping> byClient = new ConcurrentHashMap<>();
    private final int videoPt;
    private volatile int period; // 0: no loss
    private final int phase;
    private final Set<Long> seen = new HashSet<>(); // uplink video (SSRC, sequence number) seen (client-side thread)
    private final Thread clientThread;
    private volatile boolean closed;

    volatile String lastOffer;
    volatile String lastAnswer;
    final AtomicLong videoDropped = new AtomicLong();
    final AtomicLong videoPassed = new AtomicLong();
    final AtomicLong retransmissionsPassed = new AtomicLong();
    private final LinkShaper downlink = new LinkShaper("lossy-nat-shaper", 600);
    private volatile int audioDelayMillis;
    private final java.util.concurrent.ScheduledExecutorService delayed =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "lossy-nat-audio-delay");
                t.setDaemon(true);
                return t;
            });

    LossyNat(int videoPt, int period, int phase) throws SocketException {
        this.videoPt = videoPt;
        this.period = period;
        this.phase = phase;
        // wildcard: replies leave from the address the peer sent to, so each side sees one consistent address
        this.clientSide = new DatagramSocket(new InetSocketAddress(ANY, 0));
        this.clientThread = new Thread(this::uplink, "lossy-nat-up");
        clientThread.setDaemon(true);
        clientThread.start();
    }

    private static InetAddress anyV4() {
        try {
            return InetAddress.getByName("0.0.0.0");
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Loses one uplink video packet in {@code period} from now on (first transmissions only); 0 stops the loss. */
    void setLoss(int period) {
        if (period < 0) {
            throw new IllegalArgumentException("period " + period);
        }
        this.period = period;
    }

    /** Holds the client's uplink audio RTP back by {@code millis} from now on (0: none). */
    void setAudioDelay(int millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("delay " + millis);
        }
        this.audioDelayMillis = millis;
    }

    /** The server's media address, when the offer is not rewritten here (a browser behind {@link #browserHook}). */
    LossyNat forServer(InetSocketAddress address) {
        this.server = address;
        return this;
    }

    /** Everything the server sends the client passes this link: cap it with {@code downlink().setRate(bps)}. */
    LinkShaper downlink() {
        return downlink;
    }

    /**
     * A script to run in the page before its own (CDP Page.addScriptToEvaluateOnNewDocument): every IPv4 UDP host
     * candidate of the server's offer points at this NAT, the server's other candidates are dropped, and the
     * browser's candidates (in its answer and trickled) are not sent, so every media packet passes the NAT.
     */
    String browserHook() {
        return "(() => {\n"
                + "  const port = " + clientFacingPort() + ";\n"
                + "  const rewrite = (sdp) => sdp.split('\\r\\n').flatMap((l) => {\n"
                + "    if (!l.startsWith('a=candidate:')) return [l];\n"
                + "    const f = l.split(' ');\n"
                + "    if (f[2].toLowerCase() !== 'udp' || f[7] !== 'host' || f[4].includes(':')) return [];\n"
                + "    f[4] = '127.0.0.1'; f[5] = String(port); return [f.join(' ')];\n"
                + "  }).join('\\r\\n');\n"
                + "  const srd = RTCPeerConnection.prototype.setRemoteDescription;\n"
                + "  RTCPeerConnection.prototype.setRemoteDescription = function (d, ...rest) {\n"
                + "    if (d && d.sdp) d = { type: d.type, sdp: rewrite(d.sdp) };\n"
                + "    return srd.call(this, d, ...rest);\n"
                + "  };\n"
                + "  const send = WebSocket.prototype.send;\n"
                + "  WebSocket.prototype.send = function (data) {\n"
                + "    try {\n"
                + "      const m = JSON.parse(data);\n"
                + "      if (m.type === 'candidate' && m.candidate) return;\n"
                + "      if (m.type === 'answer' && m.sdp) {\n"
                + "        m.sdp = m.sdp.split('\\r\\n').filter((l) => !l.startsWith('a=candidate:')).join('\\r\\n');\n"
                + "        data = JSON.stringify(m);\n"
                + "      }\n"
                + "    } catch (e) { /* not JSON */ }\n"
                + "    return send.call(this, data);\n"
                + "  };\n"
                + "})();\n";
    }

    int clientFacingPort() {
        return clientSide.getLocalPort();
    }

    /** The server's offer as the client must see it: each IPv4 candidate's port becomes our client-facing port. */
    String rewriteOffer(String sdp) {
        return lastOffer = rewriteCandidates(sdp, c -> {
            if (server == null) {
                server = c;
            }
            return new InetSocketAddress(c.getAddress(), clientFacingPort());
        });
    }

    /** The client's answer as the server must see it: each client candidate becomes its server-facing socket. */
    String rewriteAnswer(String sdp) {
        return lastAnswer = rewriteCandidates(sdp, c -> {
            Mapping m = mapping(c);
            return m == null ? null : new InetSocketAddress(c.getAddress(), m.serverSide.getLocalPort());
        });
    }

    private String rewriteCandidates(String sdp, java.util.function.Function<InetSocketAddress, InetSocketAddress> to) {
        StringBuilder out = new StringBuilder();
        for (String line : sdp.split("\r\n")) {
            Matcher m = CANDIDATE.matcher(line);
            if (m.matches() && m.group(3).equalsIgnoreCase("udp") && m.group(7).equals("host") && !m.group(5).contains(":")) {
                InetSocketAddress target = to.apply(new InetSocketAddress(m.group(5), Integer.parseInt(m.group(6))));
                if (target == null) {
                    continue;
                }
                line = "a=candidate:" + m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4) + " "
                        + target.getAddress().getHostAddress() + " " + target.getPort() + " typ host" + m.group(8);
            } else if (line.startsWith("a=candidate:")) {
                continue; // only IPv4 host candidates go through the NAT
            }
            out.append(line).append("\r\n");
        }
        return out.toString();
    }

    private Mapping mapping(InetSocketAddress client) {
        return byClient.computeIfAbsent(client, c -> {
            try {
                Mapping m = new Mapping(c);
                m.start();
                return m;
            } catch (SocketException e) {
                return null;
            }
        });
    }

    private void uplink() {
        byte[] buf = new byte[2048];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        while (!closed) {
            try {
                in.setLength(buf.length);
                clientSide.receive(in);
                InetSocketAddress from = (InetSocketAddress) in.getSocketAddress();
                Mapping m = mapping(from);
                InetSocketAddress to = server;
                if (m == null || to == null || drop(buf, in.getLength())) {
                    continue;
                }
                int delay = audioDelayMillis;
                if (delay > 0 && isAudioRtp(buf, in.getLength())) {
                    DatagramPacket later = new DatagramPacket(java.util.Arrays.copyOf(buf, in.getLength()), in.getLength(), to);
                    delayed.schedule(() -> {
                        try {
                            m.serverSide.send(later);
                        } catch (IOException e) {
                            // closed meanwhile
                        }
                    }, delay, java.util.concurrent.TimeUnit.MILLISECONDS);
                    continue;
                }
                m.serverSide.send(new DatagramPacket(buf, 0, in.getLength(), to));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private static boolean isAudioRtp(byte[] b, int len) {
        int first = b[0] & 0xFF;
        return len >= 12 && first >= 128 && first <= 191 && (b[1] & 0x7F) == io.ams.sfu.sdp.OfferBuilder.OPUS_PT;
    }

    private boolean drop(byte[] b, int len) {
        int first = b[0] & 0xFF;
        if (len < 12 || first < 128 || first > 191) {
            return false; // STUN, DTLS
        }
        int pt = b[1] & 0x7F;
        if (pt == io.ams.sfu.sdp.OfferBuilder.RTX_PT) {
            retransmissionsPassed.incrementAndGet(); // a retransmission on the RTX stream (RFC 4588)
            return false;
        }
        if (pt != videoPt) {
            return false; // audio, or RTCP (payload types 64..95 after the marker bit)
        }
        int seq = ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
        long ssrc = ((b[8] & 0xFFL) << 24) | ((b[9] & 0xFFL) << 16) | ((b[10] & 0xFFL) << 8) | (b[11] & 0xFFL);
        long key = ssrc << 16 | seq; // simulcast: every layer has its own sequence numbers
        if (!seen.add(key)) {
            retransmissionsPassed.incrementAndGet();
            return false;
        }
        if (seen.size() > 30000) { // a sequence number comes round again after 65536 packets
            seen.clear();
            seen.add(key);
        }
        int every = period;
        if (every > 0 && seq % every == phase % every) {
            videoDropped.incrementAndGet();
            return true;
        }
        videoPassed.incrementAndGet();
        return false;
    }

    /** What went through, for failure messages. */
    String describe() {
        return "NAT client-facing port " + clientFacingPort() + ", mappings " + byClient.keySet() + "; offer candidates "
                + candidates(lastOffer) + "; answer candidates " + candidates(lastAnswer);
    }

    private static java.util.List<String> candidates(String sdp) {
        return sdp == null ? java.util.List.of() : java.util.Arrays.stream(sdp.split("\r\n")).filter(l -> l.startsWith("a=candidate")).toList();
    }

    @Override
    public void close() {
        closed = true;
        delayed.shutdownNow();
        downlink.close();
        clientSide.close();
        for (Mapping m : byClient.values()) {
            m.serverSide.close();
        }
    }

    /** One client address and the socket the server knows it by. */
    private final class Mapping {
        final InetSocketAddress client;
        final DatagramSocket serverSide;

        Mapping(InetSocketAddress client) throws SocketException {
            this.client = client;
            this.serverSide = new DatagramSocket(new InetSocketAddress(ANY, 0));
        }

        void start() {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[2048];
                DatagramPacket in = new DatagramPacket(buf, buf.length);
                while (!closed) {
                    try {
                        in.setLength(buf.length);
                        serverSide.receive(in);
                        downlink.offer(buf, in.getLength(), clientSide, client);
                    } catch (IOException e) {
                        if (closed) {
                            return;
                        }
                    }
                }
            }, "lossy-nat-down");
            t.setDaemon(true);
            t.start();
        }
    }
}
