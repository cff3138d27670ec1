package io.ams.sfu.content;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Documents end to end below the web: uploads are identified by their bytes, converted in a child process
 * (PDFBox for PDF, LibreOffice for Office files when installed), sealed at rest, presented one page at a
 * time, and deleted with their room; broken, protected, mislabelled and bomb files are refused in words.
 */
class ContentServiceTest {
    @TempDir
    Path tmp;
    private ContentService service;
    private final List<DocumentInfo> news = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Presentation> shown = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws IOException {
        service = new ContentService(ContentService.Settings.defaults(tmp.resolve("store")));
        service.listener(new ContentService.Listener() {
            @Override
            public void document(String room, DocumentInfo doc) {
                news.add(doc);
            }

            @Override
            public void presentation(String room, Presentation p, byte[] png) {
                if (p == null) {
                    shown.remove(room);
                } else {
                    shown.put(room, p);
                }
            }
        });
    }

    @AfterEach
    void stop() {
        service.close();
    }

    private Path copy(Path f, String name) throws IOException {
        Path up = Files.createDirectories(tmp.resolve("up")).resolve(name + "-" + System.nanoTime());
        Files.copy(f, up);
        return up;
    }

    private DocumentInfo settled(String room, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            DocumentInfo d = service.documents(room).stream().filter(x -> x.id().equals(id)).findFirst().orElseThrow();
            if (!d.state().equals(DocumentInfo.CONVERTING) || System.nanoTime() > deadline) {
                return d;
            }
            Thread.sleep(50);
        }
    }

    static Color centre(byte[] png) throws IOException {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        return new Color(img.getRGB(img.getWidth() / 2, img.getHeight() / 3));
    }

    static boolean near(Color a, Color b, int tol) {
        return Math.abs(a.getRed() - b.getRed()) <= tol && Math.abs(a.getGreen() - b.getGreen()) <= tol
                && Math.abs(a.getBlue() - b.getBlue()) <= tol;
    }

    @Test
    void aPdfBecomesSealedPagesOfItsColoursAndGoesWithTheRoom() throws Exception {
        Path pdf = TestDocuments.colouredPdf(tmp.resolve("deck.pdf"));
        DocumentInfo d = service.accept("r1", "alice", "deck.pdf", copy(pdf, "deck"));
        assertThat(d.state()).isEqualTo(DocumentInfo.CONVERTING);
        DocumentInfo done = settled("r1", d.id());
        assertThat(done.state()).as(String.valueOf(done.errorMessage())).isEqualTo(DocumentInfo.READY);
        assertThat(done.pages()).isEqualTo(3);
        assertThat(news).as("progress was reported page by page")
                .anyMatch(n -> n.state().equals(DocumentInfo.CONVERTING) && n.pages() == 3 && n.converted() == 1);
        for (int i = 1; i <= 3; i++) {
            byte[] png = service.page("r1", d.id(), i);
            BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
            assertThat(img.getWidth()).as("fitted into 1920x1080").isLessThanOrEqualTo(1920);
            assertThat(img.getHeight()).isLessThanOrEqualTo(1080);
            assertThat(near(centre(png), TestDocuments.COLOURS[i - 1], 12)).as("page " + i + " is " + centre(png)).isTrue();
        }
        // at rest: no PNG or PDF in the clear, anywhere under the store, and no plaintext left in temp
        try (Stream<Path> files = Files.walk(service.settings().dir())) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertThat(bytes).as(f.toString()).doesNotContain("\u0089PNG").doesNotContain("%PDF").doesNotContain("IHDR");
            }
        }
        // presenting: one presenter at a time, the host can take over, the presenter leaving ends it
        Presentation p = service.present("r1", "alice", false, d.id(), 2);
        assertThat(shown.get("r1")).isEqualTo(p);
        assertThat(p.label()).isEqualTo("deck.pdf 2/3");
        assertThatThrownBy(() -> service.present("r1", "bob", false, d.id(), 1))
                .isInstanceOf(ContentException.class).hasMessageContaining("alice is presenting");
        assertThatThrownBy(() -> service.present("r1", "alice", false, d.id(), 4))
                .isInstanceOf(ContentException.class).hasMessageContaining("pages 1 to 3");
        service.present("r1", "carol-host", true, d.id(), 3);
        assertThat(shown.get("r1").presenterId()).isEqualTo("carol-host");
        service.participantLeft("r1", "carol-host");
        assertThat(shown).doesNotContainKey("r1");
        service.roomClosed("r1");
        assertThat(service.page("r1", d.id(), 1)).isNull();
        assertThat(service.settings().dir().resolve("r1")).doesNotExist();
    }

    @Test
    void protectedBrokenAndMislabelledFilesAreRefusedInWords() throws Exception {
        Path locked = TestDocuments.colouredPdf(tmp.resolve("locked.pdf"), "secret");
        DocumentInfo d = settled("r2", service.accept("r2", "alice", "locked.pdf", copy(locked, "locked")).id());
        assertThat(d.state()).isEqualTo(DocumentInfo.FAILED);
        assertThat(d.error()).isEqualTo("password_protected");

        Path broken = tmp.resolve("broken.pdf");
        Files.writeString(broken, "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> garbage garbage\n");
        DocumentInfo b = settled("r2", service.accept("r2", "alice", "broken.pdf", copy(broken, "broken")).id());
        assertThat(b.state()).isEqualTo(DocumentInfo.FAILED);
        assertThat(b.error()).isEqualTo("broken_file");

        Path png = tmp.resolve("x.png");
        ImageIO.write(new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB), "png", png.toFile());
        assertThatThrownBy(() -> service.accept("r2", "alice", "report.pdf", copy(png, "x")))
                .isInstanceOf(ConversionException.class).hasMessageContaining("named .pdf but its content is a image");
        assertThatThrownBy(() -> service.accept("r2", "alice", "tool.exe", copy(png, "x")))
                .isInstanceOf(ConversionException.class).extracting(e -> ((ConversionException) e).code()).isEqualTo("unsupported_type");

        Path bomb = tmp.resolve("bomb.docx");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(bomb))) {
            z.putNextEntry(new ZipEntry("word/document.xml"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 8; i++) {
                z.write(zeros);
            }
            z.closeEntry();
        }
        assertThatThrownBy(() -> service.accept("r2", "alice", "bomb.docx", copy(bomb, "bomb")))
                .isInstanceOf(ConversionException.class).extracting(e -> ((ConversionException) e).code()).isEqualTo("zip_bomb");
        assertThat(service.counters()[3]).as("refused uploads counted").isEqualTo(3);
    }

    @Test
    void aPdfWithJavaScriptAndAnEmbeddedFileGivesOnlyPixels() throws Exception {
        Path pdf = tmp.resolve("evil.pdf");
        try (org.apache.pdfbox.pdmodel.PDDocument doc = org.apache.pdfbox.Loader.loadPDF(
                TestDocuments.colouredPdf(tmp.resolve("plain.pdf")).toFile())) {
            doc.getDocumentCatalog().setOpenAction(new org.apache.pdfbox.pdmodel.interactive.action.PDActionJavaScript(
                    "app.launchURL('http://127.0.0.1:9/pwned'); this.exportDataObject({cName: 'payload.exe'});"));
            org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile ef =
                    new org.apache.pdfbox.pdmodel.common.filespecification.PDEmbeddedFile(doc,
                            new java.io.ByteArrayInputStream("MZ-not-really-an-exe".getBytes(StandardCharsets.US_ASCII)));
            org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification spec =
                    new org.apache.pdfbox.pdmodel.common.filespecification.PDComplexFileSpecification();
            spec.setFile("payload.exe");
            spec.setEmbeddedFile(ef);
            org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode tree = new org.apache.pdfbox.pdmodel.PDEmbeddedFilesNameTreeNode();
            tree.setNames(java.util.Map.of("payload.exe", spec));
            org.apache.pdfbox.pdmodel.PDDocumentNameDictionary names = new org.apache.pdfbox.pdmodel.PDDocumentNameDictionary(
                    doc.getDocumentCatalog());
            names.setEmbeddedFiles(tree);
            doc.getDocumentCatalog().setNames(names);
            doc.save(pdf.toFile());
        }
        DocumentInfo d = settled("r5", service.accept("r5", "mallory", "evil.pdf", copy(pdf, "evil")).id());
        assertThat(d.state()).as(String.valueOf(d.errorMessage())).isEqualTo(DocumentInfo.READY);
        assertThat(d.pages()).isEqualTo(3);
        byte[] png = service.page("r5", d.id(), 1);
        assertThat(new String(png, 1, 3, StandardCharsets.US_ASCII)).as("a picture, nothing else").isEqualTo("PNG");
        assertThat(new String(png, StandardCharsets.ISO_8859_1)).doesNotContain("MZ-not-really").doesNotContain("launchURL");
        assertThat(near(centre(png), TestDocuments.COLOURS[0], 12)).as("page 1 as drawn").isTrue();
        try (Stream<Path> files = Files.walk(service.settings().dir())) {
            assertThat(files.filter(f -> f.getFileName().toString().contains("payload")).toList())
                    .as("the embedded file was never extracted").isEmpty();
        }
    }

    @Test
    void aHugePictureIsRefusedBeforeItsPixelsAreRead() throws Exception {
        Path big = tmp.resolve("wide.png");
        ImageIO.write(new BufferedImage(20_001, 2, BufferedImage.TYPE_BYTE_BINARY), "png", big.toFile());
        DocumentInfo d = settled("r3", service.accept("r3", "alice", "wide.png", copy(big, "wide")).id());
        assertThat(d.error()).isEqualTo("too_large");
        assertThat(d.errorMessage()).contains("20001x2");
    }

    @Test
    void aConversionPastItsDeadlineIsKilled() throws Exception {
        DocumentConverter slow = new DocumentConverter(150, 256, 10); // not even the JVM starts in 150 ms
        Path pdf = TestDocuments.colouredPdf(tmp.resolve("d.pdf"));
        Path out = Files.createDirectories(tmp.resolve("out"));
        assertThatThrownBy(() -> slow.convert(DocumentType.PDF, pdf, out, new DocumentConverter.Progress() {
            @Override
            public void pages(int total) {
            }

            @Override
            public void page(int done) {
            }
        })).isInstanceOf(ConversionException.class).extracting(e -> ((ConversionException) e).code()).isEqualTo("timeout");
    }

    @Test
    void aDocxMadeWithLibreOfficeConverts() throws Exception {
        Path soffice = Stream.of("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice").map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(soffice != null || System.getenv("CI") != null,
                "LibreOffice is not installed");
        assertThat(soffice).as("LibreOffice (CI installs libreoffice-writer-nogui)").isNotNull();
        Path html = tmp.resolve("memo.html");
        Files.writeString(html, "<html><body><h1 style='font-size:60pt'>Quarterly memo</h1>"
                + "<p style='font-size:40pt'>Made with LibreOffice</p></body></html>");
        Path made = Files.createDirectories(tmp.resolve("lo"));
        Process p = new ProcessBuilder(soffice.toString(), "--headless", "--norestore",
                "-env:UserInstallation=" + tmp.resolve("lo-profile").toUri(), "--convert-to", "docx:MS Word 2007 XML",
                "--outdir", made.toString(), html.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("lo.log").toFile()).start();
        assertThat(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        Path docx = made.resolve("memo.docx");
        assertThat(docx).as(Files.readString(tmp.resolve("lo.log"))).exists();
        DocumentInfo d = settled("r4", service.accept("r4", "bob", "memo.docx", copy(docx, "memo")).id());
        assertThat(d.state()).as(String.valueOf(d.errorMessage())).isEqualTo(DocumentInfo.READY);
        assertThat(d.pages()).isGreaterThanOrEqualTo(1);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(service.page("r4", d.id(), 1)));
        assertThat(img.getWidth()).isGreaterThan(300);
        // the words are on the page: dark text pixels in its top half, on white paper
        int inked = 0;
        int paper = 0;
        for (int y = 0; y < img.getHeight() / 2; y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                Color c = new Color(img.getRGB(x, y));
                int sum = c.getRed() + c.getGreen() + c.getBlue();
                inked += sum < 200 ? 1 : 0;
                paper += sum > 720 ? 1 : 0;
            }
        }
        assertThat(inked).as("black text on the page").isGreaterThan(200);
        assertThat(paper).as("white paper around it").isGreaterThan(inked);
    }
}
