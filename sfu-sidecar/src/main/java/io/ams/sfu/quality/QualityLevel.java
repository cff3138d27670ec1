package io.ams.sfu.quality;

/**
 * A link's quality in four bands of the 0..100 score (LiveKit's bands, DESIGN.md section 9):
 * EXCELLENT above 80, GOOD above 40, POOR above 20, BAD at 20 or below; UNKNOWN while nothing
 * has been measured.
 */
public enum QualityLevel {
    EXCELLENT, GOOD, POOR, BAD, UNKNOWN;

    public static final double EXCELLENT_ABOVE = 80;
    public static final double GOOD_ABOVE = 40;
    public static final double POOR_ABOVE = 20;

    public static QualityLevel of(double score) {
        if (Double.isNaN(score)) {
            return UNKNOWN;
        }
        return score > EXCELLENT_ABOVE ? EXCELLENT : score > GOOD_ABOVE ? GOOD : score > POOR_ABOVE ? POOR : BAD;
    }

    /** The word used on the wire and in the UI: "excellent", "good", "poor", "bad", "unknown". */
    public String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** Signal bars shown for this level: 4, 3, 2, 1, 0. */
    public int bars() {
        return switch (this) {
            case EXCELLENT -> 4;
            case GOOD -> 3;
            case POOR -> 2;
            case BAD -> 1;
            case UNKNOWN -> 0;
        };
    }
}
