package io.ams.engine.compose;

import io.ams.engine.EngineException;
import io.ams.engine.media.VideoFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.bytedeco.javacpp.BytePointer;

/**
 * A still picture (a document page, PNG or JPEG as the sidecar sends it) as a YUV 4:2:0 frame that the
 * compositor draws like any participant's picture. The size is read from the header before any pixel is
 * decoded: at most {@value #MAX_SIDE} pixels a side, {@value #MAX_BYTES} bytes.
 */
public final class StillPicture {
    public static final int MAX_SIDE = 4096;
    public static final int MAX_BYTES = 8 * 1024 * 1024;

    private StillPicture() {
    }

    /** The picture as a new frame the caller owns; INVALID_ARGUMENT for what is not a picture of a sane size. */
    public static VideoFrame decode(byte[] image) {
        if (image.length > MAX_BYTES) {
            throw EngineException.invalid("content image is " + image.length + " bytes; at most " + MAX_BYTES);
        }
        BufferedImage img;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw EngineException.invalid("content image is not a PNG or JPEG picture");
            }
            ImageReader r = readers.next();
            try {
                r.setInput(in, true, true);
                int w = r.getWidth(0);
                int h = r.getHeight(0);
                if (w < 2 || h < 2 || w > MAX_SIDE || h > MAX_SIDE) {
                    throw EngineException.invalid("content image is " + w + "x" + h + "; 2 to " + MAX_SIDE + " pixels a side");
                }
                img = r.read(0);
            } finally {
                r.dispose();
            }
        } catch (IOException e) {
            throw EngineException.invalid("content image cannot be decoded: " + e.getMessage());
        }
        return toFrame(img);
    }

    /** BT.601 limited range, chroma averaged over each 2x2 block; odd sizes lose their last column/row. */
    static VideoFrame toFrame(BufferedImage img) {
        int w = img.getWidth() & ~1;
        int h = img.getHeight() & ~1;
        int[] rgb = img.getRGB(0, 0, w, h, null, 0, w);
        VideoFrame f = VideoFrame.allocateYuv420(w, h);
        try {
            var av = f.avFrame();
            int ys = av.linesize(0);
            int us = av.linesize(1);
            int vs = av.linesize(2);
            BytePointer yp = av.data(0).capacity((long) ys * h);
            BytePointer up = av.data(1).capacity((long) us * h / 2);
            BytePointer vp = av.data(2).capacity((long) vs * h / 2);
            byte[] yRow = new byte[w];
            byte[] uRow = new byte[w / 2];
            byte[] vRow = new byte[w / 2];
            for (int y = 0; y < h; y += 2) {
                for (int dy = 0; dy < 2; dy++) {
                    int base = (y + dy) * w;
                    for (int x = 0; x < w; x++) {
                        int p = rgb[base + x];
                        int r = (p >> 16) & 0xFF;
                        int g = (p >> 8) & 0xFF;
                        int b = p & 0xFF;
                        yRow[x] = (byte) ((66 * r + 129 * g + 25 * b + 128 >> 8) + 16);
                    }
                    yp.position((long) (y + dy) * ys).put(yRow, 0, w);
                }
                for (int x = 0; x < w; x += 2) {
                    int r = 0;
                    int g = 0;
                    int b = 0;
                    for (int k = 0; k < 4; k++) {
                        int p = rgb[(y + (k >> 1)) * w + x + (k & 1)];
                        r += (p >> 16) & 0xFF;
                        g += (p >> 8) & 0xFF;
                        b += p & 0xFF;
                    }
                    r = (r + 2) >> 2;
                    g = (g + 2) >> 2;
                    b = (b + 2) >> 2;
                    uRow[x / 2] = (byte) ((-38 * r - 74 * g + 112 * b + 128 >> 8) + 128);
                    vRow[x / 2] = (byte) ((112 * r - 94 * g - 18 * b + 128 >> 8) + 128);
                }
                up.position((long) (y / 2) * us).put(uRow, 0, w / 2);
                vp.position((long) (y / 2) * vs).put(vRow, 0, w / 2);
            }
            yp.position(0);
            up.position(0);
            vp.position(0);
            return f;
        } catch (RuntimeException e) {
            f.release();
            throw e;
        }
    }
}
