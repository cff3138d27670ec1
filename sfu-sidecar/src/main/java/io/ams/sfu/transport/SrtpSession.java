package io.ams.sfu.transport;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.jitsi.srtp.SrtcpCryptoContext;
import org.jitsi.srtp.SrtpContextFactory;
import org.jitsi.srtp.SrtpCryptoContext;
import org.jitsi.srtp.SrtpErrorStatus;
import org.jitsi.utils.logging2.Logger;
import org.jitsi.utils.logging2.LoggerImpl;

/**
 * SRTP and SRTCP for one peer, both directions, keyed from one DTLS-SRTP key block. Crypto contexts are
 * made lazily per SSRC; an inbound SSRC gets a context only once a packet for it authenticates, and at
 * most {@link #MAX_INBOUND_SSRCS} of them, so forged SSRCs cannot grow the maps. Nothing here throws on
 * bad input: every method answers a {@link SrtpErrorStatus}.
 *
 * <p>Threads: the {@code unprotect*} methods are called by the peer's single receive thread; the
 * {@code protect*} methods may be called from any thread.
 */
final class SrtpSession implements AutoCloseable {
    static final int MAX_INBOUND_SSRCS = 64;
    /** Bytes SRTP/SRTCP may add to a packet: a 16-byte tag plus the 4-byte SRTCP index. */
    static final int MAX_OVERHEAD = 20;

    private static final Logger SRTP_LOG = new LoggerImpl(SrtpSession.class.getName());

    private final SrtpProfile profile;
    private final SrtpContextFactory sendFactory;
    private final SrtpContextFactory receiveFactory;
    private final Map<Integer, SrtpCryptoContext> sendRtp = new ConcurrentHashMap<>();
    private final Map<Integer, SrtcpCryptoContext> sendRtcp = new ConcurrentHashMap<>();
    private final Map<Integer, SrtpCryptoContext> receiveRtp = new HashMap<>();
    private final Map<Integer, SrtcpCryptoContext> receiveRtcp = new HashMap<>();

    /**
     * @param keyBlock the exported "EXTRACTOR-dtls_srtp" bytes: client key, server key, client salt, server salt
     * @param localIsClient whether we were the DTLS client (then we send with the client key)
     */
    SrtpSession(SrtpProfile profile, byte[] keyBlock, boolean localIsClient) {
        if (keyBlock.length != profile.keyBlockLength()) {
            throw new IllegalArgumentException("key block is " + keyBlock.length + " bytes, "
                    + profile + " needs " + profile.keyBlockLength());
        }
        int k = profile.keyLength;
        int s = profile.saltLength;
        byte[] clientKey = Arrays.copyOfRange(keyBlock, 0, k);
        byte[] serverKey = Arrays.copyOfRange(keyBlock, k, 2 * k);
        byte[] clientSalt = Arrays.copyOfRange(keyBlock, 2 * k, 2 * k + s);
        byte[] serverSalt = Arrays.copyOfRange(keyBlock, 2 * k + s, 2 * k + 2 * s);
        this.profile = profile;
        this.sendFactory = new SrtpContextFactory(true, localIsClient ? clientKey : serverKey,
                localIsClient ? clientSalt : serverSalt, profile.policy(), profile.policy(), SRTP_LOG);
        this.receiveFactory = new SrtpContextFactory(false, localIsClient ? serverKey : clientKey,
                localIsClient ? serverSalt : clientSalt, profile.policy(), profile.policy(), SRTP_LOG);
    }

    SrtpProfile profile() {
        return profile;
    }

    /** Encrypts and tags an RTP packet in place (the buffer grows by the tag). */
    SrtpErrorStatus protectRtp(PacketBuffer packet) {
        if (packet.getLength() < 12) {
            return SrtpErrorStatus.INVALID_PACKET;
        }
        int ssrc = readInt(packet.getBuffer(), packet.getOffset() + 8);
        try {
            SrtpCryptoContext context = sendRtp.get(ssrc);
            if (context == null) {
                context = sendRtp.computeIfAbsent(ssrc, this::deriveSendRtp);
            }
            return context.transformPacket(packet);
        } catch (GeneralSecurityException | RuntimeException e) {
            return SrtpErrorStatus.FAIL;
        }
    }

    /** Encrypts and tags a (compound) RTCP packet in place; the context is that of the first packet's sender SSRC. */
    SrtpErrorStatus protectRtcp(PacketBuffer packet) {
        if (packet.getLength() < 8) {
            return SrtpErrorStatus.INVALID_PACKET;
        }
        int ssrc = readInt(packet.getBuffer(), packet.getOffset() + 4);
        try {
            SrtcpCryptoContext context = sendRtcp.get(ssrc);
            if (context == null) {
                context = sendRtcp.computeIfAbsent(ssrc, this::deriveSendRtcp);
            }
            return context.transformPacket(packet);
        } catch (GeneralSecurityException | RuntimeException e) {
            return SrtpErrorStatus.FAIL;
        }
    }

    /** Authenticates and decrypts an SRTP packet in place; on OK the length no longer includes the tag. */
    SrtpErrorStatus unprotectRtp(PacketBuffer packet) {
        if (packet.getLength() < 12) {
            return SrtpErrorStatus.INVALID_PACKET;
        }
        int ssrc = readInt(packet.getBuffer(), packet.getOffset() + 8);
        SrtpCryptoContext context = receiveRtp.get(ssrc);
        boolean fresh = context == null;
        try {
            if (fresh) {
                if (receiveRtp.size() >= MAX_INBOUND_SSRCS) {
                    return SrtpErrorStatus.FAIL;
                }
                context = receiveFactory.deriveContext(ssrc, 0);
            }
            SrtpErrorStatus status = context.reverseTransformPacket(packet, false);
            if (fresh && status == SrtpErrorStatus.OK) {
                receiveRtp.put(ssrc, context);
            }
            return status;
        } catch (GeneralSecurityException | RuntimeException e) {
            return SrtpErrorStatus.INVALID_PACKET;
        }
    }

    /** Authenticates and decrypts an SRTCP packet in place; on OK the length excludes tag and index. */
    SrtpErrorStatus unprotectRtcp(PacketBuffer packet) {
        if (packet.getLength() < 8) {
            return SrtpErrorStatus.INVALID_PACKET;
        }
        int ssrc = readInt(packet.getBuffer(), packet.getOffset() + 4);
        SrtcpCryptoContext context = receiveRtcp.get(ssrc);
        boolean fresh = context == null;
        try {
            if (fresh) {
                if (receiveRtcp.size() >= MAX_INBOUND_SSRCS) {
                    return SrtpErrorStatus.FAIL;
                }
                context = receiveFactory.deriveControlContext(ssrc);
            }
            SrtpErrorStatus status = context.reverseTransformPacket(packet);
            if (fresh && status == SrtpErrorStatus.OK) {
                receiveRtcp.put(ssrc, context);
            }
            return status;
        } catch (GeneralSecurityException | RuntimeException e) {
            return SrtpErrorStatus.INVALID_PACKET;
        }
    }

    @Override
    public void close() {
        sendFactory.close();
        receiveFactory.close();
    }

    private SrtpCryptoContext deriveSendRtp(int ssrc) {
        try {
            return sendFactory.deriveContext(ssrc, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTP context for SSRC " + Integer.toUnsignedString(ssrc), e);
        }
    }

    private SrtcpCryptoContext deriveSendRtcp(int ssrc) {
        try {
            return sendFactory.deriveControlContext(ssrc);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SRTCP context for SSRC " + Integer.toUnsignedString(ssrc), e);
        }
    }

    private static int readInt(byte[] b, int off) {
        return (b[off] & 0xFF) << 24 | (b[off + 1] & 0xFF) << 16 | (b[off + 2] & 0xFF) << 8 | (b[off + 3] & 0xFF);
    }
}
