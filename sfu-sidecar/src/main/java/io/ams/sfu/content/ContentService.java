package io.ams.sfu.content;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sidecar's documents: uploads accepted into a queue of conversions (one at a time by default, each in
 * its own process), pages sealed at rest, and per room who presents which page. Rooms' documents are
 * deleted when the room closes unless {@link Settings#keep()}. Thread-safe; the listener is called
 * without this object's lock held.
 */
public final class ContentService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ContentService.class);

    /** Where room news goes: to every participant's client, and the page to the engine. */
    public interface Listener {
        void document(String room, DocumentInfo doc);

        /** {@code p} null: nobody presents any more; else {@code png} is the page to show. */
        void presentation(String room, Presentation p, byte[] png);
    }

    /**
     * @param dir sealed pages and their key
     * @param maxUploadBytes largest upload taken
     * @param maxDocuments documents per room
     * @param keep keep a room's documents after it closes
     */
    public record Settings(Path dir, long maxUploadBytes, int maxDocuments, boolean keep, long timeoutMillis, int heapMb,
            int maxPages, int parallel) {
        public static Settings defaults(Path dir) {
            return new Settings(dir, 50L * 1024 * 1024, 20, false, 120_000, 512, 200, 1);
        }
    }

    private static final class RoomDocs {
        final Map<String, DocumentInfo> docs = new LinkedHashMap<>();
        Presentation current;
    }

    private final Settings settings;
    private final SealedPages pages;
    private final DocumentConverter converter;
    private final ExecutorService conversions;
    private final Map<String, RoomDocs> rooms = new HashMap<>(); // guarded by this
    private volatile Listener listener = new Listener() {
        @Override
        public void document(String room, DocumentInfo doc) {
        }

        @Override
        public void presentation(String room, Presentation p, byte[] png) {
        }
    };
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong converted = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong refused = new AtomicLong();

    public ContentService(Settings settings) throws IOException {
        this.settings = settings;
        this.pages = SealedPages.open(settings.dir());
        if (!settings.keep()) {
            removeLeftovers(settings.dir()); // rooms of an earlier run are closed: their documents go with them
        }
        this.converter = new DocumentConverter(settings.timeoutMillis(), settings.heapMb(), settings.maxPages());
        this.conversions = Executors.newFixedThreadPool(Math.max(1, settings.parallel()), r -> {
            Thread t = new Thread(r, "document-conversion");
            t.setDaemon(true);
            return t;
        });
        LOG.info("documents: sealed under {}, uploads up to {} MB, {} per room, {}{}", settings.dir(),
                settings.maxUploadBytes() >> 20, settings.maxDocuments(), converter, settings.keep() ? ", kept after rooms close" : "");
    }

    public void listener(Listener l) {
        this.listener = l;
    }

    public Settings settings() {
        return settings;
    }

    /** An upload refused before it reached {@link #accept} (no token, too large). */
    public void countRefused() {
        refused.incrementAndGet();
    }

    /** Counters for metrics: accepted, converted, failed, refused uploads. */
    public long[] counters() {
        return new long[] {accepted.get(), converted.get(), failed.get(), refused.get()};
    }

    /**
     * Takes {@code upload} (moved away from its path) named {@code name} by participant {@code by} of {@code room},
     * and queues its conversion; progress and the result come as {@link Listener#document} news.
     *
     * @throws ConversionException for a type we do not take, a mismatch, a zip bomb, too many documents
     */
    public DocumentInfo accept(String room, String by, String name, Path upload) throws ConversionException, IOException {
        String clean = cleanName(name);
        DocumentType type;
        try {
            type = DocumentType.of(upload, clean);
        } catch (ConversionException e) {
            refused.incrementAndGet();
            LOG.info("documents: room '{}': upload '{}' from {} refused ({}): {}", room, clean, by, e.code(), e.getMessage());
            throw e;
        }
        DocumentInfo doc;
        synchronized (this) {
            RoomDocs r = rooms.computeIfAbsent(room, k -> new RoomDocs());
            if (r.docs.size() >= settings.maxDocuments()) {
                refused.incrementAndGet();
                throw new ConversionException("too_many_documents", "the room has " + r.docs.size()
                        + " documents already; at most " + settings.maxDocuments());
            }
            doc = new DocumentInfo(newId(), clean, by, DocumentInfo.CONVERTING, 0, 0, null, null);
            r.docs.put(doc.id(), doc);
        }
        Path work = Files.createTempDirectory("ams-convert-");
        Path input = work.resolve("document." + DocumentType.extension(clean));
        Files.move(upload, input, StandardCopyOption.REPLACE_EXISTING);
        accepted.incrementAndGet();
        LOG.info("documents: room '{}': '{}' ({}, {} bytes) from {} accepted as {}", room, clean, type, Files.size(input), by, doc.id());
        DocumentInfo first = doc;
        try {
            conversions.execute(() -> convert(room, first, type, input, work));
        } catch (RejectedExecutionException e) {
            SealedPages.deleteTree(work);
            throw new ConversionException("server_busy", "the server is shutting down");
        }
        listener.document(room, doc);
        return doc;
    }

    private void convert(String room, DocumentInfo doc, DocumentType type, Path input, Path work) {
        long t0 = System.nanoTime();
        int[] total = {0};
        try {
            Path out = Files.createDirectories(work.resolve("pages"));
            List<Path> result = converter.convert(type, input, out, new DocumentConverter.Progress() {
                @Override
                public void pages(int n) {
                    total[0] = n;
                    update(room, doc.id(), d -> d.progress(n, 0));
                }

                @Override
                public void page(int done) {
                    update(room, doc.id(), d -> d.progress(total[0], done));
                }
            });
            for (int i = 0; i < result.size(); i++) {
                pages.put(room, doc.id(), i + 1, Files.readAllBytes(result.get(i)));
            }
            converted.incrementAndGet();
            LOG.info("documents: room '{}': '{}' converted to {} pages in {} ms", room, doc.name(), result.size(),
                    (System.nanoTime() - t0) / 1_000_000);
            if (update(room, doc.id(), d -> d.ready(result.size())) == null) { // the room closed meanwhile
                deleteQuietly(room, doc.id());
            }
        } catch (ConversionException e) {
            failed.incrementAndGet();
            LOG.info("documents: room '{}': '{}' not converted ({}): {}", room, doc.name(), e.code(), e.getMessage());
            deleteQuietly(room, doc.id());
            update(room, doc.id(), d -> d.failed(e.code(), e.getMessage()));
        } catch (IOException | RuntimeException e) {
            failed.incrementAndGet();
            LOG.warn("documents: room '{}': '{}' failed: {}", room, doc.name(), e.toString());
            deleteQuietly(room, doc.id());
            update(room, doc.id(), d -> d.failed("server_error", "the server could not convert the document"));
        } finally {
            try {
                SealedPages.deleteTree(work); // the only plaintext copy of the upload and its pages
            } catch (IOException e) {
                LOG.warn("documents: cannot delete the conversion folder {}: {}", work, e.toString());
            }
        }
    }

    /** Applies {@code f} to the document and tells the room; null when the room or document is gone. */
    private DocumentInfo update(String room, String id, java.util.function.UnaryOperator<DocumentInfo> f) {
        DocumentInfo next;
        synchronized (this) {
            RoomDocs r = rooms.get(room);
            DocumentInfo d = r == null ? null : r.docs.get(id);
            if (d == null) {
                return null;
            }
            next = f.apply(d);
            r.docs.put(id, next);
        }
        listener.document(room, next);
        return next;
    }

    /**
     * {@code who} shows page {@code page} of {@code documentId}. Someone else presenting: refused with
     * {@code presenter_busy} unless {@code host} (the host takes over).
     */
    public Presentation present(String room, String who, boolean host, String documentId, int page) throws ContentException {
        Presentation p;
        synchronized (this) {
            RoomDocs r = rooms.get(room);
            DocumentInfo d = r == null ? null : r.docs.get(documentId);
            if (d == null) {
                throw new ContentException("no_such_document", "the room has no document '" + documentId + "'");
            }
            if (!d.isReady()) {
                throw new ContentException("document_not_ready", "'" + d.name() + "' is " + d.state());
            }
            if (page < 1 || page > d.pages()) {
                throw new ContentException("no_such_page", "'" + d.name() + "' has pages 1 to " + d.pages());
            }
            if (r.current != null && !r.current.presenterId().equals(who) && !host) {
                throw new ContentException("presenter_busy", r.current.presenterId() + " is presenting; the host can take over");
            }
            p = new Presentation(who, d.id(), d.name(), page, d.pages());
            r.current = p;
        }
        byte[] png;
        try {
            png = pages.get(room, documentId, page);
        } catch (IOException e) {
            LOG.warn("documents: room '{}': page {} of {} does not open: {}", room, page, documentId, e.toString());
            throw new ContentException("page_unavailable", "the page cannot be read on the server");
        }
        listener.presentation(room, p, png);
        return p;
    }

    /** Stops the presentation; only its presenter or a host may. */
    public void stop(String room, String who, boolean host) throws ContentException {
        synchronized (this) {
            RoomDocs r = rooms.get(room);
            if (r == null || r.current == null) {
                return;
            }
            if (!r.current.presenterId().equals(who) && !host) {
                throw new ContentException("not_presenter", r.current.presenterId() + " is presenting, not you");
            }
            r.current = null;
        }
        listener.presentation(room, null, null);
    }

    /** A participant left: their presentation ends. */
    public void participantLeft(String room, String who) {
        synchronized (this) {
            RoomDocs r = rooms.get(room);
            if (r == null || r.current == null || !r.current.presenterId().equals(who)) {
                return;
            }
            r.current = null;
        }
        listener.presentation(room, null, null);
    }

    /** The room closed: its documents go (unless kept). */
    public void roomClosed(String room) {
        RoomDocs r;
        synchronized (this) {
            r = rooms.remove(room);
        }
        if (r != null && !settings.keep()) {
            try {
                pages.deleteRoom(room);
                LOG.info("documents: room '{}' closed: {} documents deleted", room, r.docs.size());
            } catch (IOException e) {
                LOG.warn("documents: room '{}': cannot delete its documents: {}", room, e.toString());
            }
        }
    }

    public synchronized List<DocumentInfo> documents(String room) {
        RoomDocs r = rooms.get(room);
        return r == null ? List.of() : new ArrayList<>(r.docs.values());
    }

    public synchronized Presentation presentation(String room) {
        RoomDocs r = rooms.get(room);
        return r == null ? null : r.current;
    }

    /** A ready document's page PNG, or null when the room has no such ready document or page. */
    public byte[] page(String room, String documentId, int page) throws IOException {
        synchronized (this) {
            RoomDocs r = rooms.get(room);
            DocumentInfo d = r == null ? null : r.docs.get(documentId);
            if (d == null || !d.isReady() || page < 1 || page > d.pages()) {
                return null;
            }
        }
        return pages.get(room, documentId, page);
    }

    private static void removeLeftovers(Path dir) throws IOException {
        try (var children = Files.list(dir)) {
            for (Path p : children.toList()) {
                if (Files.isDirectory(p)) {
                    SealedPages.deleteTree(p);
                }
            }
        }
    }

    private void deleteQuietly(String room, String doc) {
        try {
            pages.delete(room, doc);
        } catch (IOException e) {
            LOG.warn("documents: cannot delete {}/{}: {}", room, doc, e.toString());
        }
    }

    private static String newId() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE).substring(0, 12);
    }

    /** The uploader's name for the file, without folders or control characters, at most 100 characters. */
    static String cleanName(String name) {
        String n = name == null ? "" : name.replace('\\', '/');
        n = n.substring(n.lastIndexOf('/') + 1).replaceAll("[\\p{Cntrl}\"<>]", "").trim();
        if (n.length() > 100) {
            String ext = DocumentType.extension(n);
            n = n.substring(0, 99 - ext.length()) + "." + ext;
        }
        return n.isEmpty() ? "document" : n;
    }

    @Override
    public void close() {
        conversions.shutdownNow();
    }
}
