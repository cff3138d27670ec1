package io.ams.engine.vision;

import io.ams.engine.media.VideoFrame;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the largest frontal face in a decoded picture: OpenCV's Haar cascade (Debian's {@code opencv-data}) on the
 * luma plane, read in place and shrunk to {@value #WIDTH} pixels wide first, so one detection costs a few
 * milliseconds whatever the camera. Not thread-safe inside; callers share one through {@link #largestFace}, which
 * is synchronized. Owns native OpenCV objects, freed in {@link #close()}.
 */
public final class FaceDetector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FaceDetector.class);
    /** Where Debian's opencv-data puts the frontal-face cascade. */
    public static final Path DEBIAN_CASCADE = Path.of("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml");
    static final int WIDTH = 640;

    /** A face: its centre and size as fractions of the picture. */
    public record Face(double centreX, double centreY, double width, double height) {
    }

    private final CascadeClassifier cascade;
    private final Mat small = new Mat();
    private final Mat equalized = new Mat();
    private boolean closed;

    private FaceDetector(CascadeClassifier cascade) {
        this.cascade = cascade;
    }

    /** The detector with the cascade in {@code file}; null (logged why) when it or OpenCV cannot be loaded. */
    public static FaceDetector open(Path file) {
        if (!Files.isReadable(file)) {
            LOG.info("face-aware tiles off: no face cascade at {} (Debian: apt-get install opencv-data)", file);
            return null;
        }
        try {
            opencv_core.setNumThreads(1); // one core per detection: the media threads keep the others
            CascadeClassifier c = new CascadeClassifier(file.toString());
            if (c.empty()) {
                c.close();
                LOG.warn("face-aware tiles off: {} is not a cascade OpenCV can read", file);
                return null;
            }
            return new FaceDetector(c);
        } catch (LinkageError | RuntimeException e) { // natives missing, or OpenCV's jars left out (the GPU check bundle)
            LOG.warn("face-aware tiles off: OpenCV could not be loaded: {}", e.toString());
            return null;
        }
    }

    /** The largest face in {@code frame} (a YUV 4:2:0 picture; the caller keeps its reference), or null. */
    public synchronized Face largestFace(VideoFrame frame) {
        if (closed) {
            return null;
        }
        int fmt = frame.pixelFormat();
        if (fmt != avutil.AV_PIX_FMT_YUV420P && fmt != avutil.AV_PIX_FMT_YUVJ420P) {
            return null;
        }
        int w = frame.width();
        int h = frame.height();
        if (w < 32 || h < 32) {
            return null;
        }
        var av = frame.avFrame();
        BytePointer luma = av.data(0);
        try (Mat y = new Mat(h, w, opencv_core.CV_8UC1, luma, av.linesize(0)); RectVector faces = new RectVector()) {
            double scale = Math.min(1.0, (double) WIDTH / w);
            int sw = Math.max(1, (int) Math.round(w * scale));
            int sh = Math.max(1, (int) Math.round(h * scale));
            try (Size size = new Size(sw, sh); Size min = new Size(Math.max(20, sw / 24), Math.max(20, sw / 24));
                 Size max = new Size(sw, sh)) {
                opencv_imgproc.resize(y, small, size, 0, 0, opencv_imgproc.INTER_AREA);
                opencv_imgproc.equalizeHist(small, equalized);
                cascade.detectMultiScale(equalized, faces, 1.1, 3, 0, min, max);
            }
            Rect best = null;
            long bestArea = 0;
            for (long i = 0; i < faces.size(); i++) {
                Rect r = faces.get(i);
                long area = (long) r.width() * r.height();
                if (area > bestArea) {
                    bestArea = area;
                    best = r;
                }
            }
            if (best == null) {
                return null;
            }
            return new Face((best.x() + best.width() / 2.0) / sw, (best.y() + best.height() / 2.0) / sh,
                    (double) best.width() / sw, (double) best.height() / sh);
        }
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            cascade.close();
            small.close();
            equalized.close();
        }
    }
}
