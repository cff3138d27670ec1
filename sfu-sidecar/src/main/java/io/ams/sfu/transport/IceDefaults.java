package io.ams.sfu.transport;

/**
 * ice4j reads its settings once, from system properties layered over its reference.conf. Before the first
 * agent exists we set our defaults, unless the operator already set the property: no AWS metadata probe,
 * no STUN-mapping discovery, no link-local (IPv6 fe80::) host candidates, no per-agent dynamic ports (every
 * candidate comes from the shared single-port harvesters).
 */
final class IceDefaults {
    private IceDefaults() {
    }

    static void apply() {
        setIfAbsent("ice4j.harvest.mapping.aws.enabled", "false");
        setIfAbsent("ice4j.harvest.mapping.aws.force", "false");
        setIfAbsent("ice4j.harvest.use-link-local-addresses", "false");
        setIfAbsent("ice4j.harvest.udp.use-dynamic-ports", "false");
        // Legacy property names that older ice4j code paths still consult.
        setIfAbsent("org.ice4j.ice.harvest.DISABLE_AWS_HARVESTER", "true");
        setIfAbsent("org.ice4j.ice.harvest.DISABLE_LINK_LOCAL_ADDRESSES", "true");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
