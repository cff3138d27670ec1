package io.ams.sfu.cluster;

/**
 * Where a join for a room goes: here, to another sidecar ({@code url}: its public base URL), or nowhere (a refusal
 * with an error code and words).
 */
public record JoinRoute(Kind kind, String url, String code, String words) {
    public enum Kind { HERE, REDIRECT, REFUSE }

    public static final JoinRoute HERE = new JoinRoute(Kind.HERE, null, null, null);

    public static JoinRoute redirect(String url) {
        return new JoinRoute(Kind.REDIRECT, url, null, null);
    }

    public static JoinRoute refuse(String code, String words) {
        return new JoinRoute(Kind.REFUSE, null, code, words);
    }
}
