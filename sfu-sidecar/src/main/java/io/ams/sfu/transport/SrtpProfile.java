package io.ams.sfu.transport;

import org.jitsi.srtp.SrtpPolicy;

/**
 * The DTLS-SRTP protection profiles we negotiate (RFC 5764, RFC 7714), most preferred first, with the
 * key/salt lengths that size the exported key block.
 */
enum SrtpProfile {
    /** AEAD_AES_128_GCM (0x0007): 16-byte key, 12-byte salt, 16-byte tag. */
    AEAD_AES_128_GCM(0x0007, 16, 12),
    /** SRTP_AES128_CM_HMAC_SHA1_80 (0x0001): 16-byte key, 14-byte salt, 10-byte tag. */
    AES128_CM_HMAC_SHA1_80(0x0001, 16, 14);

    final int id;
    final int keyLength;
    final int saltLength;

    SrtpProfile(int id, int keyLength, int saltLength) {
        this.id = id;
        this.keyLength = keyLength;
        this.saltLength = saltLength;
    }

    /** Length of the "EXTRACTOR-dtls_srtp" key block: client key, server key, client salt, server salt. */
    int keyBlockLength() {
        return 2 * (keyLength + saltLength);
    }

    /** A fresh policy (jitsi-srtp policies are mutable, so never share one). */
    SrtpPolicy policy() {
        return switch (this) {
            case AEAD_AES_128_GCM -> new SrtpPolicy(SrtpPolicy.AESGCM_ENCRYPTION, keyLength,
                    SrtpPolicy.NULL_AUTHENTICATION, 0, 16, saltLength);
            case AES128_CM_HMAC_SHA1_80 -> new SrtpPolicy(SrtpPolicy.AESCM_ENCRYPTION, keyLength,
                    SrtpPolicy.HMACSHA1_AUTHENTICATION, 20, 10, saltLength);
        };
    }

    /** Profile ids in our order of preference, for the use_srtp extension. */
    static int[] ids() {
        SrtpProfile[] all = values();
        int[] ids = new int[all.length];
        for (int i = 0; i < all.length; i++) {
            ids[i] = all[i].id;
        }
        return ids;
    }

    /** The profile with this id, or null if we do not support it. */
    static SrtpProfile byId(int id) {
        for (SrtpProfile p : values()) {
            if (p.id == id) {
                return p;
            }
        }
        return null;
    }
}
