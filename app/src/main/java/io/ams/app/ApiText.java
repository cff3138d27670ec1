package io.ams.app;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.ams.proto.v1.Backend;
import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.Fit;
import io.ams.proto.v1.LayoutKind;
import io.ams.proto.v1.Region;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * The one place where command-line text and ams.v1 values meet: parsing sizes, codecs, layouts,
 * regions, host:port and colours from flags, and naming proto values in human output.
 * Parse methods throw {@link TypeConversionException}, which picocli turns into a usage error
 * (exit code 2) naming the option; {@link #registerConverters} wires them into a command line.
 */
public final class ApiText {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,5})[xX](\\d{1,5})");
    private static final Pattern PORT_RANGE = Pattern.compile("(\\d{1,5})-(\\d{1,5})");

    private ApiText() {
    }

    /** A parsed {@code host:port}. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }

    /** An inclusive UDP port range; {@code 0-0} means any free port. */
    public record PortRange(int min, int max) {
        @Override
        public String toString() {
            return min == 0 && max == 0 ? "any" : min + "-" + max;
        }
    }

    /** Registers every converter of this class on {@code cmd} and its subcommands. */
    public static void registerConverters(CommandLine cmd) {
        cmd.registerConverter(Canvas.class, ApiText::parseSize);
        cmd.registerConverter(Codec.class, ApiText::parseCodec);
        cmd.registerConverter(LayoutKind.class, ApiText::parseLayout);
        cmd.registerConverter(Fit.class, ApiText::parseFit);
        cmd.registerConverter(Region.class, ApiText::parseRegion);
        cmd.registerConverter(HostPort.class, ApiText::parseHostPort);
        cmd.registerConverter(PortRange.class, ApiText::parsePortRange);
    }

    // ---- sizes ---------------------------------------------------------------------------

    /** "1280x720" to a canvas; both sides positive. The engine checks its own limits. */
    public static Canvas parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a size: expected WIDTHxHEIGHT, e.g. 1280x720");
        }
        int w = Integer.parseInt(m.group(1));
        int h = Integer.parseInt(m.group(2));
        if (w == 0 || h == 0) {
            throw new TypeConversionException("'" + text + "' is not a size: width and height must be positive");
        }
        return Canvas.newBuilder().setWidth(w).setHeight(h).build();
    }

    public static String size(Canvas canvas) {
        return canvas.getWidth() + "x" + canvas.getHeight();
    }

    public static String size(int width, int height) {
        return width + "x" + height;
    }

    // ---- codecs --------------------------------------------------------------------------

    public static Codec parseCodec(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "vp8" -> Codec.VP8;
            case "h264", "h.264", "avc" -> Codec.H264;
            default -> throw new TypeConversionException("'" + text + "' is not a codec: expected vp8 or h264");
        };
    }

    public static String codec(Codec codec) {
        return switch (codec) {
            case VP8 -> "vp8";
            case H264 -> "h264";
            case CODEC_UNSPECIFIED -> "default";
            default -> codec.name().toLowerCase(Locale.ROOT);
        };
    }

    // ---- layouts -------------------------------------------------------------------------

    public static LayoutKind parseLayout(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "grid" -> LayoutKind.GRID;
            case "filmstrip" -> LayoutKind.FILMSTRIP;
            case "speaker", "pip" -> LayoutKind.SPEAKER;
            case "custom" -> LayoutKind.CUSTOM;
            default -> throw new TypeConversionException(
                    "'" + text + "' is not a layout: expected grid, filmstrip, speaker or custom");
        };
    }

    public static String layout(LayoutKind kind) {
        return switch (kind) {
            case GRID -> "grid";
            case FILMSTRIP -> "filmstrip";
            case SPEAKER -> "speaker";
            case CUSTOM -> "custom";
            case LAYOUT_UNSPECIFIED -> "default";
            default -> kind.name().toLowerCase(Locale.ROOT);
        };
    }

    public static Fit parseFit(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "letterbox" -> Fit.LETTERBOX;
            case "crop" -> Fit.CROP;
            default -> throw new TypeConversionException("'" + text + "' is not a fit: expected letterbox or crop");
        };
    }

    public static String fit(Fit fit) {
        return switch (fit) {
            case LETTERBOX -> "letterbox";
            case CROP -> "crop";
            case FIT_UNSPECIFIED -> "default";
            default -> fit.name().toLowerCase(Locale.ROOT);
        };
    }

    public static String backend(Backend backend) {
        return switch (backend) {
            case CPU -> "cpu";
            case GPU -> "gpu";
            case BACKEND_UNSPECIFIED -> "unknown";
            default -> backend.name().toLowerCase(Locale.ROOT);
        };
    }

    /**
     * "x,y,w,h[,participant]" in fractions of the canvas (0..1), e.g. {@code 0,0,0.5,1,alice}.
     */
    public static Region parseRegion(String text) {
        String[] parts = text.split(",", -1);
        if (parts.length != 4 && parts.length != 5) {
            throw new TypeConversionException("'" + text
                    + "' is not a region: expected x,y,w,h[,participant] in fractions 0..1, e.g. 0,0,0.5,1,alice");
        }
        double[] v = new double[4];
        String[] names = {"x", "y", "w", "h"};
        for (int i = 0; i < 4; i++) {
            try {
                v[i] = Double.parseDouble(parts[i].trim());
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + text + "' is not a region: " + names[i] + " '" + parts[i]
                        + "' is not a number");
            }
            if (!(v[i] >= 0 && v[i] <= 1)) {
                throw new TypeConversionException("'" + text + "' is not a region: " + names[i] + " " + parts[i]
                        + " is outside 0..1 (fractions of the canvas)");
            }
        }
        if (v[2] == 0 || v[3] == 0) {
            throw new TypeConversionException("'" + text + "' is not a region: width and height must be above 0");
        }
        Region.Builder region = Region.newBuilder().setX(v[0]).setY(v[1]).setWidth(v[2]).setHeight(v[3]);
        if (parts.length == 5) {
            region.setParticipantId(parts[4].trim());
        }
        return region.build();
    }

    public static String region(Region r) {
        String s = fraction(r.getX()) + "," + fraction(r.getY()) + "," + fraction(r.getWidth()) + ","
                + fraction(r.getHeight());
        return r.getParticipantId().isEmpty() ? s : s + "," + r.getParticipantId();
    }

    private static String fraction(double d) {
        String s = String.format(Locale.ROOT, "%.4f", d);
        s = s.replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    // ---- network -------------------------------------------------------------------------

    /** "host:port" or "[v6]:port"; port 1..65535. */
    public static HostPort parseHostPort(String text) {
        String t = text.trim();
        String host;
        String port;
        if (t.startsWith("[")) {
            int close = t.indexOf("]:");
            if (close < 0) {
                throw new TypeConversionException("'" + text + "' is not host:port: expected [ipv6]:port");
            }
            host = t.substring(1, close);
            port = t.substring(close + 2);
        } else {
            int colon = t.lastIndexOf(':');
            if (colon <= 0 || t.indexOf(':') != colon) {
                throw new TypeConversionException("'" + text + "' is not host:port: expected e.g. 127.0.0.1:5004");
            }
            host = t.substring(0, colon);
            port = t.substring(colon + 1);
        }
        return new HostPort(host, port(text, port));
    }

    private static int port(String text, String port) {
        int p;
        try {
            p = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + text + "': port '" + port + "' is not a number");
        }
        if (p < 1 || p > 65535) {
            throw new TypeConversionException("'" + text + "': port " + p + " is out of range 1..65535");
        }
        return p;
    }

    /** "40000-40999", or "any" (the OS picks free ports). */
    public static PortRange parsePortRange(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("any")) {
            return new PortRange(0, 0);
        }
        Matcher m = PORT_RANGE.matcher(t);
        if (!m.matches()) {
            throw new TypeConversionException("'" + text + "' is not a port range: expected MIN-MAX, e.g. 40000-40999, or any");
        }
        int min = port(text, m.group(1));
        int max = port(text, m.group(2));
        if (min > max) {
            throw new TypeConversionException("'" + text + "' is not a port range: " + min + " is above " + max);
        }
        return new PortRange(min, max);
    }

    // ---- numbers and colours -------------------------------------------------------------

    /** An unsigned 32-bit value (SSRC) in decimal or 0x hex, returned as its int bits. */
    public static int parseUint32(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            long v = t.startsWith("0x") ? Long.parseLong(t.substring(2), 16) : Long.parseLong(t);
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new NumberFormatException();
            }
            return (int) v;
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + text + "' is not an unsigned 32-bit number (0..4294967295 or 0x hex)");
        }
    }

    public static String uint32(int bits) {
        return Integer.toUnsignedString(bits);
    }

    /** "RRGGBB", "#RRGGBB" or "0xRRGGBB" to 0xRRGGBB. */
    public static int parseRgb(String text) {
        String t = text.trim();
        if (t.startsWith("#")) {
            t = t.substring(1);
        } else if (t.startsWith("0x") || t.startsWith("0X")) {
            t = t.substring(2);
        }
        if (!t.matches("[0-9a-fA-F]{6}")) {
            throw new TypeConversionException("'" + text + "' is not a colour: expected RRGGBB, e.g. 101010");
        }
        return Integer.parseInt(t, 16);
    }

    public static String rgb(int rgb) {
        return String.format(Locale.ROOT, "#%06x", rgb & 0xFFFFFF);
    }

    /** picocli converter for {@code converter = ...} on SSRC options. */
    public static final class Uint32 implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return parseUint32(value);
        }
    }

    /** picocli converter for {@code converter = ...} on colour options. */
    public static final class Rgb implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return parseRgb(value);
        }
    }
}
