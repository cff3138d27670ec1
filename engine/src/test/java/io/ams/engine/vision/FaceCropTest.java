package io.ams.engine.vision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ams.engine.compose.CpuCompositor;
import io.ams.engine.compose.Fit;
import io.ams.engine.compose.LayoutKind;
import io.ams.engine.compose.LayoutSpec;
import io.ams.engine.compose.Rect;
import io.ams.engine.compose.StillPicture;
import io.ams.engine.compose.Tile;
import io.ams.engine.media.NativeResources;
import io.ams.engine.media.VideoFrame;
import io.ams.engine.room.FrameStore;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Face-aware tiles: a photo with a face off to the left (OpenCV's sample picture messi5.jpg from Debian's
 * opencv-doc, pasted into the left of a wider grey picture) is cropped into a tall, narrow CROP tile. Centred
 * the usual way the face is cut off; with the focus FaceFocus finds, the face is in the middle of the tile,
 * where the detector finds it again.
 */
class FaceCropTest {
    static final Path PHOTO = Path.of("/usr/share/doc/opencv-doc/examples/data/messi5.jpg");
    private final List<VideoFrame> owned = new ArrayList<>();
    private long framesBefore;
    private FaceDetector detector;

    @BeforeEach
    void setUp() {
        boolean ci = System.getenv("CI") != null;
        assumeTrue(ci || (Files.isReadable(PHOTO) && Files.isReadable(FaceDetector.DEBIAN_CASCADE)),
                "needs Debian's opencv-doc (the photo) and opencv-data (the cascade); .ci/run installs them");
        framesBefore = NativeResources.outstandingFrames();
        detector = FaceDetector.open(FaceDetector.DEBIAN_CASCADE);
        assertThat(detector).as("OpenCV and the cascade load").isNotNull();
    }

    @AfterEach
    void tearDown() {
        owned.forEach(VideoFrame::release);
        if (detector != null) {
            detector.close();
        }
        assertThat(NativeResources.outstandingFrames()).as("native frames leaked").isEqualTo(framesBefore);
    }

    private VideoFrame own(VideoFrame f) {
        owned.add(f);
        return f;
    }

    /** 960x540 grey with the photo at its left edge: the face sits at about x 0.3 of the picture. */
    private VideoFrame offCentre() throws Exception {
        BufferedImage photo = ImageIO.read(PHOTO.toFile());
        BufferedImage img = new BufferedImage(960, 540, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(new Color(128, 128, 128));
        g.fillRect(0, 0, 960, 540);
        g.drawImage(photo, 0, 100, null);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        return own(StillPicture.decode(png.toByteArray()));
    }

    private VideoFrame cropInto180x320(VideoFrame picture, Map<String, double[]> focus) {
        VideoFrame canvas = own(VideoFrame.allocateYuv420(180, 320));
        try (CpuCompositor c = new CpuCompositor()) {
            c.composite(canvas, List.of(new Tile("p1", new Rect(0, 0, 180, 320), 0, false)), Map.of("p1", picture),
                    Map.of(), new LayoutSpec(LayoutKind.CUSTOM, List.of(), Fit.CROP, false, 0x000000), focus);
        }
        return canvas;
    }

    @Test
    void anOffCentreFaceEndsUpCentredInACropTile() throws Exception {
        VideoFrame picture = offCentre();
        FaceDetector.Face face = detector.largestFace(picture);
        assertThat(face).as("a face in the picture").isNotNull();
        assertThat(face.centreX()).as("off to the left: " + face).isBetween(0.2, 0.4);
        long t0 = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            detector.largestFace(picture);
        }
        System.out.printf(java.util.Locale.ROOT, "face detection: %.1f ms per 960x540 picture (20 runs)%n",
                (System.nanoTime() - t0) / 20 / 1e6); // a figure for docs/BENCHMARKS.md, not asserted

        FrameStore store = new FrameStore();
        try (store) {
            store.publish("p1", picture.retain());
            boolean[] wanted = {true};
            try (FaceFocus focus = new FaceFocus("r1", detector, store, () -> List.of("p1"), () -> wanted[0])) {
                focus.look();
                double[] f = focus.focus().get("p1");
                assertThat(f).as("the focus follows the face").isNotNull();
                assertThat(f[0]).isCloseTo(face.centreX(), org.assertj.core.data.Offset.offset(0.01));

                FaceDetector.Face centred = detector.largestFace(cropInto180x320(picture, focus.focus()));
                assertThat(centred).as("the face is in the tile").isNotNull();
                assertThat(centred.centreX()).as("and in its middle: " + centred).isBetween(0.35, 0.65);
                FaceDetector.Face plain = detector.largestFace(cropInto180x320(picture, Map.of()));
                assertThat(plain == null || Math.abs(plain.centreX() - 0.5) > 0.2)
                        .as("cropped about the centre, the face is cut off: " + plain).isTrue();

                wanted[0] = false; // no output crops any more: no work, no focus
                focus.look();
                assertThat(focus.focus()).isEmpty();
            }
        }
    }
}
