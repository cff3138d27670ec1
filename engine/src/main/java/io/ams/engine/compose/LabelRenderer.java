package io.ams.engine.compose;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Renders display names into 8-bit alpha masks with Java2D (headless), once per text and size:
 * masks are cached (least recently used out), so a name costs nothing per frame after the first.
 * Uses DejaVu Sans Bold, or the logical font "SansSerif" where DejaVu is missing. Thread-safe.
 */
public final class LabelRenderer {
    /** Cached masks, at most this many. */
    static final int CACHE_SIZE = 512;
    private static final String FAMILY = "DejaVu Sans";
    private static final Mask EMPTY = new Mask(0, 0, new byte[0]);

    /**
     * A rendered text: {@code alpha[y * width + x]} is the coverage 0..255 (unsigned). Shared
     * with the cache: read it, never write it.
     */
    public record Mask(int width, int height, byte[] alpha) {
        public boolean isEmpty() {
            return width == 0 || height == 0;
        }

        /** Coverage 0..255 at (x, y). */
        public int alphaAt(int x, int y) {
            return alpha[y * width + x] & 0xFF;
        }
    }

    private record Key(String text, int maxWidth, int height) {
    }

    private final Font baseFont;
    private final Map<Key, Mask> cache = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Mask> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    public LabelRenderer() {
        Font f = new Font(FAMILY, Font.BOLD, 12);
        baseFont = FAMILY.equals(f.getFamily()) ? f : new Font(Font.SANS_SERIF, Font.BOLD, 12);
    }

    /** The font family in use ("DejaVu Sans", or a fallback). */
    public String fontFamily() {
        return baseFont.getFamily();
    }

    /**
     * {@code text} rendered {@code height} pixels tall (ascent plus descent) and at most
     * {@code maxWidth} wide: a longer text is cut and ends with an ellipsis. An empty mask for an
     * empty text or a size too small to read.
     */
    public synchronized Mask render(String text, int maxWidth, int height) {
        if (text == null || text.isBlank() || height < 4 || maxWidth < 4) {
            return EMPTY;
        }
        Key key = new Key(text, maxWidth, height);
        Mask m = cache.get(key);
        if (m == null) {
            m = draw(text.strip(), maxWidth, height);
            cache.put(key, m);
        }
        return m;
    }

    private Mask draw(String text, int maxWidth, int height) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        Graphics2D pg = probe.createGraphics();
        FontMetrics base = pg.getFontMetrics(baseFont);
        float size = 12f * height / (base.getAscent() + base.getDescent());
        Font font = baseFont.deriveFont(size);
        FontMetrics fm = pg.getFontMetrics(font);
        pg.dispose();
        String shown = fit(text, fm, maxWidth);
        int width = Math.min(maxWidth, fm.stringWidth(shown) + 1);
        if (shown.isEmpty() || width <= 0) {
            return EMPTY;
        }
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
            g.setFont(font);
            g.setColor(java.awt.Color.WHITE);
            int baseline = (height - (fm.getAscent() + fm.getDescent())) / 2 + fm.getAscent();
            g.drawString(shown, 0, baseline);
        } finally {
            g.dispose();
        }
        int[] argb = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
        byte[] alpha = new byte[width * height];
        for (int i = 0; i < alpha.length; i++) {
            alpha[i] = (byte) (argb[i] >>> 24);
        }
        return new Mask(width, height, alpha);
    }

    private static String fit(String text, FontMetrics fm, int maxWidth) {
        if (fm.stringWidth(text) <= maxWidth) {
            return text;
        }
        for (int len = text.length() - 1; len > 0; len--) {
            String cut = text.substring(0, len).stripTrailing() + "\u2026";
            if (fm.stringWidth(cut) <= maxWidth) {
                return cut;
            }
        }
        return "";
    }
}
