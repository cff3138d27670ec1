package io.ams.rtp.testing;

import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;
import io.ams.rtp.ext.HeaderExtensions;
import io.ams.rtp.h264.H264Packetizer;
import io.ams.rtp.rtcp.RtcpPacket;
import io.ams.rtp.rtcp.RtcpWriter;
import io.ams.rtp.vp8.Vp8Packetizer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the committed seed corpora of the rtp module's fuzz targets: real VP8 (libvpx) and H.264
 * (OpenH264) frames from the ffmpeg executable, packetized as a sender does, and RTCP and header
 * extensions as browsers send them. Run once by hand when the formats change (the files are
 * committed; tests never run this):
 * {@code java -cp <rtp test classpath> io.ams.rtp.testing.FuzzSeeds rtp/src/test/resources}.
 */
public final class FuzzSeeds {
    private FuzzSeeds() {
    }

    public static void main(String[] args) throws Exception {
        Path res = Path.of(args[0]).resolve("io/ams/rtp");
        Path tmp = Files.createTempDirectory("fuzz-seeds");

        List<byte[]> vp8 = vp8Frames(tmp);
        List<byte[]> h264 = h264AccessUnits(tmp);

        Path vp8Dir = res.resolve("vp8/Vp8DepacketizerFuzzTestInputs/packetStream");
        write(vp8Dir.resolve("seed-libvpx-64x48-small-packets"), PacketRecords.encode(
                RtpStreamBuilder.datagrams(frames(VideoCodec.VP8, vp8), new Vp8Packetizer(120), 96, 1234, 65530), 33));
        Vp8LayeredPackets layered = new Vp8LayeredPackets(96, 1234, 100, 32760, 300);
        List<byte[]> layeredDatagrams = new ArrayList<>();
        for (int i = 0; i < vp8.size(); i++) {
            layeredDatagrams.addAll(layered.frame(vp8.get(i), 3000L * i, Vp8LayeredPackets.threeLayerPattern(i)));
        }
        write(vp8Dir.resolve("seed-libvpx-64x48-temporal-layers"), PacketRecords.encode(layeredDatagrams, 33));

        Path h264Dir = res.resolve("h264/H264DepacketizerFuzzTestInputs/packetStream");
        write(h264Dir.resolve("seed-openh264-64x48-fu-a"), PacketRecords.encode(
                RtpStreamBuilder.datagrams(frames(VideoCodec.H264, h264), new H264Packetizer(100), 102, 5678, 1), 33));
        write(h264Dir.resolve("seed-openh264-64x48-stap-a"), PacketRecords.encode(
                RtpStreamBuilder.datagrams(frames(VideoCodec.H264, h264), new H264Packetizer(1200), 102, 5678, 65535), 33));

        Path rtpDir = res.resolve("RtpPacketFuzzTestInputs/datagram");
        List<byte[]> first = RtpStreamBuilder.datagrams(frames(VideoCodec.VP8, vp8.subList(0, 1)), new Vp8Packetizer(120), 96, 1234, 7);
        write(rtpDir.resolve("seed-vp8-plain"), first.get(0));
        write(rtpDir.resolve("seed-vp8-one-byte-extensions"), withExtensions(first.get(0), new int[] {1, 3, 4},
                new byte[][] {{(byte) 0x9E}, {0x01, 0x02}, {'0'}}, 0));
        write(rtpDir.resolve("seed-two-byte-extension-csrc-padding"), padded(withExtensions(first.get(0), new int[] {200},
                new byte[][] {new byte[20]}, 2), 4));

        Path extDir = res.resolve("ext/HeaderExtensionsFuzzTestInputs/packet");
        // Chrome's camera packets: audio level 1, transport-cc 3, mid 4, rid 10, repaired rid 11
        write(extDir.resolve("seed-one-byte-chrome"), withExtensions(first.get(0), new int[] {3, 4, 10},
                new byte[][] {{0x12, 0x34}, {'1'}, {'h'}}, 0));
        write(extDir.resolve("seed-one-byte-audio-level"), withExtensions(first.get(0), new int[] {1, 3},
                new byte[][] {{(byte) 0xA0}, {0x00, 0x09}}, 0));
        write(extDir.resolve("seed-two-byte"), withExtensions(first.get(0), new int[] {3, 11, 40},
                new byte[][] {{0x00, 0x01}, {'l', 'o'}, new byte[0]}, 1));

        Path rtcpDir = res.resolve("rtcp/RtcpFuzzTestInputs/datagram");
        List<RtcpPacket.ReportBlock> blocks = List.of(new RtcpPacket.ReportBlock(0x1234, 12, -3, 70000, 40, 0xABCD, 6553));
        write(rtcpDir.resolve("seed-sr-sdes"), RtcpWriter.compound(
                RtcpWriter.senderReport(0x5678, 0xE5A1_0000_0000_0000L, 90000, 100, 120000, blocks),
                RtcpWriter.sdesCname(0x5678, "{3f2a-chrome-cname}")));
        write(rtcpDir.resolve("seed-rr-remb"), RtcpWriter.compound(RtcpWriter.receiverReport(1, blocks),
                RtcpWriter.remb(1, 2_500_000, 0x1234, 0x5678)));
        write(rtcpDir.resolve("seed-nack"), RtcpWriter.nack(1, 0x1234, new int[] {65534, 65535, 0, 3, 20, 400}));
        write(rtcpDir.resolve("seed-pli-fir-bye"), RtcpWriter.compound(RtcpWriter.pli(1, 2), RtcpWriter.fir(1, 2, 7),
                RtcpWriter.bye("left", 1, 2)));
        write(rtcpDir.resolve("seed-transport-cc"), RtcpWriter.transportCc(1, 0x1234, 65530, 12345, 3,
                new int[] {4, 4, RtcpWriter.NOT_RECEIVED, 300, -20, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, 20));
        write(rtcpDir.resolve("seed-transport-cc-run"), RtcpWriter.transportCc(1, 0x1234, 100, 0, 0,
                new int[] {4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}, 30));
        System.out.println("seeds written under " + res);
    }

    private static List<EncodedFrame> frames(VideoCodec codec, List<byte[]> data) {
        List<EncodedFrame> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i++) {
            boolean key = codec == VideoCodec.VP8 ? Ivf.isVp8Keyframe(data.get(i)) : i == 0;
            out.add(new EncodedFrame(codec, data.get(i), key, 3000L * i, 0));
        }
        return out;
    }

    private static List<byte[]> vp8Frames(Path tmp) throws IOException {
        Path ivf = tmp.resolve("seed.ivf");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of("-f", "lavfi", "-i", "testsrc=size=64x48:rate=30",
                "-frames:v", "4", "-c:v", "libvpx", "-deadline", "realtime", "-g", "30", "-b:v", "100k", ivf.toString()));
        return Ivf.readFrames(ivf);
    }

    private static List<byte[]> h264AccessUnits(Path tmp) throws IOException {
        Path ts = tmp.resolve("seed.ts");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of("-f", "lavfi", "-i", "testsrc=size=64x48:rate=30",
                "-frames:v", "4", "-c:v", "libopenh264", "-profile:v", "constrained_baseline", "-g", "30", "-b:v", "100k",
                "-f", "mpegts", ts.toString()));
        Path raw = tmp.resolve("seed.h264");
        FfmpegCli.runOrFail(Duration.ofSeconds(60), List.of("-i", ts.toString(), "-c", "copy", "-f", "h264", raw.toString()));
        List<byte[]> out = new ArrayList<>();
        for (List<byte[]> au : H264Stream.accessUnits(Files.readAllBytes(raw))) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            for (byte[] nal : au) {
                b.write(new byte[] {0, 0, 0, 1});
                b.write(nal);
            }
            out.add(b.toByteArray());
        }
        return out;
    }

    /** {@code rtp} with an extension block (one-byte form, or two-byte) and {@code csrcs} CSRCs inserted after the fixed header. */
    private static byte[] withExtensions(byte[] rtp, int[] ids, byte[][] values, int csrcs) {
        byte[] block = new byte[4 + 3 * 64];
        int n = HeaderExtensions.writeBlock(block, 0, ids, values);
        byte[] out = new byte[rtp.length + 4 * csrcs + n];
        System.arraycopy(rtp, 0, out, 0, 12);
        out[0] = (byte) ((rtp[0] & 0xE0) | 0x10 | csrcs);
        for (int i = 0; i < csrcs; i++) {
            out[12 + 4 * i + 3] = (byte) (i + 1);
        }
        System.arraycopy(block, 0, out, 12 + 4 * csrcs, n);
        System.arraycopy(rtp, 12, out, 12 + 4 * csrcs + n, rtp.length - 12);
        return out;
    }

    private static byte[] padded(byte[] rtp, int pad) {
        byte[] out = java.util.Arrays.copyOf(rtp, rtp.length + pad);
        out[0] |= 0x20;
        out[out.length - 1] = (byte) pad;
        return out;
    }

    private static void write(Path file, byte[] data) throws IOException {
        Files.createDirectories(file.getParent());
        Files.write(file, data);
    }
}
