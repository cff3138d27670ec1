package io.ams.sfu.content;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.io.RandomAccessReadBufferedFile;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.InvalidPasswordException;
import org.apache.pdfbox.rendering.ImageType;
import org.apache.pdfbox.rendering.PDFRenderer;

/**
 * The conversion process (never the media server's JVM): {@code ConvertWorker TYPE IN OUTDIR MAX_PAGES WIDTH HEIGHT}
 * writes {@code page-0001.png}... into OUTDIR, each fitted into WIDTH x HEIGHT, and reports on stdout, one
 * line each: {@code pages N}, then {@code page I} as each is written, or {@code error CODE words} and exit
 * status 2. Office files become PDF through LibreOffice headless first (its own profile in OUTDIR,
 * address space limited with prlimit where present). PDFs are only rendered: their JavaScript, forms
 * actions and embedded files are never run or extracted, and what leaves is pixels.
 */
public final class ConvertWorker {
    static final long MAX_IMAGE_PIXELS = 60_000_000L;
    static final int MAX_IMAGE_SIDE = 20_000;
    static final long OFFICE_TIMEOUT_S = 110;

    private final PrintStream out;
    private final int maxPages;
    private final int width;
    private final int height;

    private ConvertWorker(PrintStream out, int maxPages, int width, int height) {
        this.out = out;
        this.maxPages = maxPages;
        this.width = width;
        this.height = height;
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err); // libraries' chatter must not mix with the protocol
        if (args.length != 6) {
            out.println("error usage ConvertWorker TYPE IN OUTDIR MAX_PAGES WIDTH HEIGHT");
            System.exit(2);
        }
        ConvertWorker w = new ConvertWorker(out, Integer.parseInt(args[3]), Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        try {
            w.convert(DocumentType.valueOf(args[0]), Path.of(args[1]), Path.of(args[2]));
            System.exit(0);
        } catch (ConversionException e) {
            out.println("error " + e.code() + " " + oneLine(e.getMessage()));
        } catch (OutOfMemoryError e) {
            out.println("error too_large the document needs more memory than a conversion may use");
        } catch (Throwable e) {
            out.println("error broken_file the file could not be read: " + oneLine(String.valueOf(e.getMessage())));
        }
        System.exit(2);
    }

    private void convert(DocumentType type, Path in, Path dir) throws Exception {
        switch (type) {
            case PDF -> pdf(in, dir);
            case IMAGE -> image(in, dir);
            case OFFICE -> pdf(office(in, dir), dir);
        }
    }

    private void pdf(Path in, Path dir) throws ConversionException, IOException {
        PDDocument doc;
        try {
            doc = Loader.loadPDF(new RandomAccessReadBufferedFile(in.toFile()));
        } catch (InvalidPasswordException e) {
            throw new ConversionException("password_protected", "the PDF is protected with a password: upload it without one");
        } catch (IOException e) {
            throw new ConversionException("broken_file", "the PDF is damaged: " + oneLine(e.getMessage()));
        }
        try (doc) {
            int n = doc.getNumberOfPages();
            if (n == 0) {
                throw new ConversionException("broken_file", "the document has no pages");
            }
            if (n > maxPages) {
                throw new ConversionException("too_many_pages", "the document has " + n + " pages; at most " + maxPages
                        + " are shown");
            }
            out.println("pages " + n);
            PDFRenderer renderer = new PDFRenderer(doc);
            renderer.setSubsamplingAllowed(true);
            for (int i = 0; i < n; i++) {
                PDPage page = doc.getPage(i);
                PDRectangle box = page.getCropBox();
                boolean rotated = page.getRotation() % 180 != 0;
                float pw = rotated ? box.getHeight() : box.getWidth();
                float ph = rotated ? box.getWidth() : box.getHeight();
                if (!(pw > 1 && ph > 1)) {
                    throw new ConversionException("broken_file", "page " + (i + 1) + " has no size");
                }
                float scale = Math.min(width / pw, height / ph);
                BufferedImage img = renderer.renderImage(i, scale, ImageType.RGB);
                write(img, dir, i + 1);
            }
        }
    }

    private void image(Path in, Path dir) throws ConversionException, IOException {
        try (ImageInputStream iis = ImageIO.createImageInputStream(in.toFile())) {
            Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
            if (readers == null || !readers.hasNext()) {
                throw new ConversionException("broken_file", "the picture cannot be read");
            }
            ImageReader r = readers.next();
            try {
                r.setInput(iis, true, true);
                int w = r.getWidth(0);
                int h = r.getHeight(0);
                if (w > MAX_IMAGE_SIDE || h > MAX_IMAGE_SIDE || (long) w * h > MAX_IMAGE_PIXELS) {
                    throw new ConversionException("too_large", "the picture is " + w + "x" + h + " pixels; at most "
                            + MAX_IMAGE_PIXELS / 1_000_000 + " megapixels are taken");
                }
                out.println("pages 1");
                BufferedImage img = r.read(0);
                write(fit(img), dir, 1);
            } catch (IOException e) {
                throw new ConversionException("broken_file", "the picture is damaged: " + oneLine(e.getMessage()));
            } finally {
                r.dispose();
            }
        }
    }

    /** LibreOffice headless to PDF, with its own profile and limits; the PDF it wrote. */
    private Path office(Path in, Path dir) throws ConversionException, IOException, InterruptedException {
        String soffice = findOnPath("soffice", "/usr/lib/libreoffice/program/soffice");
        if (soffice == null) {
            throw new ConversionException("converter_missing", "Office files need LibreOffice on the server "
                    + "(Debian: libreoffice-writer-nogui, libreoffice-impress-nogui, libreoffice-calc-nogui)");
        }
        Path pdfDir = Files.createDirectories(dir.resolve("pdf"));
        Path profile = Files.createDirectories(dir.resolve("lo-profile"));
        // LibreOffice picks its filter by extension: give it one that agrees with the bytes we checked
        List<String> cmd = new ArrayList<>();
        String prlimit = findOnPath("prlimit", "/usr/bin/prlimit");
        if (prlimit != null) {
            cmd.addAll(List.of(prlimit, "--as=" + (3L << 30), "--cpu=" + OFFICE_TIMEOUT_S, "--"));
        }
        cmd.addAll(List.of(soffice, "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
                "-env:UserInstallation=" + profile.toUri(), "--convert-to", "pdf", "--outdir", pdfDir.toString(),
                in.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("soffice.log").toFile());
        pb.environment().put("HOME", profile.toString());
        Process p = pb.start();
        if (!p.waitFor(OFFICE_TIMEOUT_S, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new ConversionException("timeout", "LibreOffice did not finish converting within " + OFFICE_TIMEOUT_S + " s");
        }
        String base = in.getFileName().toString();
        int dot = base.lastIndexOf('.');
        Path pdf = pdfDir.resolve((dot < 0 ? base : base.substring(0, dot)) + ".pdf");
        if (!Files.isRegularFile(pdf) || Files.size(pdf) == 0) {
            String log = Files.exists(dir.resolve("soffice.log")) ? Files.readString(dir.resolve("soffice.log")) : "";
            if (log.toLowerCase(Locale.ROOT).contains("password")) {
                throw new ConversionException("password_protected", "the document is protected with a password");
            }
            throw new ConversionException("broken_file", "LibreOffice could not read the document (a damaged file, "
                    + "or a format it does not know, such as HWP 5)");
        }
        return pdf;
    }

    private static String findOnPath(String name, String fallback) {
        String path = System.getenv("PATH");
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                Path p = Path.of(d, name);
                if (Files.isExecutable(p)) {
                    return p.toString();
                }
            }
        }
        return Files.isExecutable(Path.of(fallback)) ? fallback : null;
    }

    private BufferedImage fit(BufferedImage img) {
        double scale = Math.min(1.0, Math.min((double) width / img.getWidth(), (double) height / img.getHeight()));
        int w = Math.max(1, (int) Math.round(img.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(img.getHeight() * scale));
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(java.awt.Color.WHITE); // transparent pixels on white, as a page
            g.fillRect(0, 0, w, h);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(img, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    private void write(BufferedImage img, Path dir, int page) throws IOException {
        Path f = dir.resolve(String.format(Locale.ROOT, "page-%04d.png", page));
        ImageIO.write(img, "png", f.toFile());
        out.println("page " + page);
    }

    private static String oneLine(String s) {
        String t = s == null ? "" : s.replaceAll("[\\r\\n\\p{Cntrl}]+", " ").trim();
        return t.length() > 200 ? t.substring(0, 200) + "..." : t;
    }
}
