package io.ams.sfu.content;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What an uploaded file is, from its bytes (the name's extension is only a hint that must agree).
 * Zip-based Office files are checked for bombs before anything unpacks them: at most
 * {@link #MAX_ZIP_ENTRIES} entries and {@link #MAX_UNZIPPED} bytes declared uncompressed, and no
 * entry compressed more than {@link #MAX_RATIO} times.
 */
public enum DocumentType {
    PDF, IMAGE, OFFICE;

    static final int MAX_ZIP_ENTRIES = 5_000;
    static final long MAX_UNZIPPED = 300L * 1024 * 1024;
    static final long MAX_RATIO = 200;

    /** Extensions we take, by type: the upload's name must end in one that agrees with its bytes. */
    private static final java.util.Map<String, DocumentType> EXTENSIONS = java.util.Map.ofEntries(
            java.util.Map.entry("pdf", PDF),
            java.util.Map.entry("png", IMAGE), java.util.Map.entry("jpg", IMAGE), java.util.Map.entry("jpeg", IMAGE),
            java.util.Map.entry("gif", IMAGE), java.util.Map.entry("bmp", IMAGE),
            java.util.Map.entry("docx", OFFICE), java.util.Map.entry("pptx", OFFICE), java.util.Map.entry("xlsx", OFFICE),
            java.util.Map.entry("doc", OFFICE), java.util.Map.entry("ppt", OFFICE), java.util.Map.entry("xls", OFFICE),
            java.util.Map.entry("odt", OFFICE), java.util.Map.entry("odp", OFFICE), java.util.Map.entry("ods", OFFICE),
            java.util.Map.entry("rtf", OFFICE), java.util.Map.entry("hwp", OFFICE));

    /**
     * The type of {@code file} named {@code name} by its uploader.
     *
     * @throws ConversionException {@code unsupported_type} for a name or content we do not convert,
     *     {@code type_mismatch} when the bytes are not what the extension says, {@code zip_bomb}
     */
    public static DocumentType of(Path file, String name) throws ConversionException, IOException {
        String ext = extension(name);
        DocumentType claimed = EXTENSIONS.get(ext);
        if (claimed == null) {
            throw new ConversionException("unsupported_type", "'" + ext + "' files are not converted: use PDF, "
                    + "Word/PowerPoint/Excel, OpenDocument, RTF, HWP or PNG/JPEG/GIF/BMP");
        }
        byte[] head = new byte[32];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        DocumentType actual = sniff(head, n, ext, file);
        if (actual != claimed) {
            throw new ConversionException("type_mismatch", "the file is named ." + ext + " but its content is "
                    + (actual == null ? "not a document we know" : "a " + actual.name().toLowerCase(Locale.ROOT) + " file"));
        }
        return actual;
    }

    static String extension(String name) {
        int dot = name == null ? -1 : name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    private static DocumentType sniff(byte[] h, int n, String ext, Path file) throws ConversionException, IOException {
        if (starts(h, n, "%PDF-")) {
            return PDF;
        }
        if (n >= 8 && (h[0] & 0xFF) == 0x89 && starts(h, 1, n, "PNG") || n >= 3 && (h[0] & 0xFF) == 0xFF
                && (h[1] & 0xFF) == 0xD8 && (h[2] & 0xFF) == 0xFF || starts(h, n, "GIF87a") || starts(h, n, "GIF89a")
                || starts(h, n, "BM")) {
            return IMAGE;
        }
        if (starts(h, n, "PK\u0003\u0004")) {
            checkZip(file);
            return OFFICE;
        }
        if (n >= 8 && (h[0] & 0xFF) == 0xD0 && (h[1] & 0xFF) == 0xCF && (h[2] & 0xFF) == 0x11 && (h[3] & 0xFF) == 0xE0) {
            return OFFICE; // OLE2: .doc/.ppt/.xls, and HWP 5
        }
        if (starts(h, n, "HWP Document File")) {
            return OFFICE; // HWP 3.0 and older
        }
        if (starts(h, n, "{\\rtf")) {
            return OFFICE;
        }
        return null;
    }

    /** Refuses zip bombs before LibreOffice unpacks anything. */
    static void checkZip(Path file) throws ConversionException, IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            int entries = 0;
            long total = 0;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry z = e.nextElement();
                if (++entries > MAX_ZIP_ENTRIES) {
                    throw new ConversionException("zip_bomb", "the file holds more than " + MAX_ZIP_ENTRIES + " parts");
                }
                long size = z.getSize();
                long packed = z.getCompressedSize();
                if (size < 0) {
                    throw new ConversionException("zip_bomb", "a part of the file does not say how large it is");
                }
                total += size;
                if (total > MAX_UNZIPPED) {
                    throw new ConversionException("zip_bomb", "the file unpacks to more than " + (MAX_UNZIPPED >> 20) + " MB");
                }
                if (packed > 0 && size / packed > MAX_RATIO && size > 1024 * 1024) {
                    throw new ConversionException("zip_bomb", "a part of the file is compressed " + size / packed
                            + " times: refused as a zip bomb");
                }
            }
        } catch (java.util.zip.ZipException e) {
            throw new ConversionException("broken_file", "the file is a damaged zip archive: " + e.getMessage());
        }
    }

    private static boolean starts(byte[] h, int n, String magic) {
        return starts(h, 0, n, magic);
    }

    private static boolean starts(byte[] h, int off, int n, String magic) {
        byte[] m = magic.getBytes(StandardCharsets.ISO_8859_1);
        if (n < off + m.length) {
            return false;
        }
        for (int i = 0; i < m.length; i++) {
            if (h[off + i] != m[i]) {
                return false;
            }
        }
        return true;
    }
}
