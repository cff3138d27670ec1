package io.ams.sfu.content;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.encryption.AccessPermission;
import org.apache.pdfbox.pdmodel.encryption.StandardProtectionPolicy;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;

/** Documents made for tests: PDFs whose pages are each one colour with its number, written with PDFBox. */
public final class TestDocuments {
    /** Page colours of {@link #colouredPdf}: red, green, blue. */
    public static final Color[] COLOURS = {new Color(220, 30, 30), new Color(30, 180, 30), new Color(30, 30, 220)};

    private TestDocuments() {
    }

    /** A landscape PDF of {@code COLOURS.length} pages, page i filled with COLOURS[i] and its number in white. */
    public static Path colouredPdf(Path file) throws IOException {
        return colouredPdf(file, null);
    }

    /** As above, protected with {@code password} when not null (it must be given to open the file). */
    public static Path colouredPdf(Path file, String password) throws IOException {
        try (PDDocument doc = new PDDocument()) {
            for (int i = 0; i < COLOURS.length; i++) {
                PDRectangle size = new PDRectangle(PDRectangle.A4.getHeight(), PDRectangle.A4.getWidth());
                PDPage page = new PDPage(size);
                doc.addPage(page);
                try (PDPageContentStream s = new PDPageContentStream(doc, page)) {
                    s.setNonStrokingColor(COLOURS[i]);
                    s.addRect(0, 0, size.getWidth(), size.getHeight());
                    s.fill();
                    s.setNonStrokingColor(Color.WHITE);
                    s.beginText();
                    s.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA_BOLD), 120);
                    s.newLineAtOffset(size.getWidth() / 2 - 40, 40);
                    s.showText(Integer.toString(i + 1));
                    s.endText();
                }
            }
            if (password != null) {
                StandardProtectionPolicy p = new StandardProtectionPolicy("owner-" + password, password, new AccessPermission());
                p.setEncryptionKeyLength(128);
                doc.protect(p);
            }
            doc.save(file.toFile());
        }
        return file;
    }
}
