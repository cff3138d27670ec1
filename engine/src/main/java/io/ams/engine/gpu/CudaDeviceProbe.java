package io.ams.engine.gpu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVBufferRef;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;

import io.ams.engine.codec.EncoderConfig;
import io.ams.engine.codec.VideoEncoder;
import io.ams.engine.compose.TestPattern;
import io.ams.engine.media.FFmpegException;
import io.ams.engine.media.VideoFrame;
import io.ams.rtp.EncodedFrame;
import io.ams.rtp.VideoCodec;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * The JCuda and FFmpeg half of {@link GpuProbe}, loaded only after the JCuda-free checks passed:
 * device facts through the driver API, then FFmpeg: a CUDA hw device, one real NVDEC decode per
 * codec (a keyframe from the CPU encoder; a decoder that merely opens proves nothing) and whether
 * h264_nvenc opens a 256x256 encoder.
 */
final class CudaDeviceProbe {
    static final int PROBE_SIZE = 256;
    /** AV_CUDA_USE_PRIMARY_CONTEXT (libavutil/hwcontext_cuda.h): no extra context just for probing. */
    static final int AV_CUDA_USE_PRIMARY_CONTEXT = 1;

    private CudaDeviceProbe() {
    }

    static GpuInfo probe(String driverLine) {
        JCudaDriver.setExceptionsEnabled(false);
        int r = JCudaDriver.cuInit(0);
        if (r != CUresult.CUDA_SUCCESS) {
            return GpuInfo.unusable("cuInit: " + CUresult.stringFor(r) + " (driver: " + driverLine + ")");
        }
        int[] count = new int[1];
        r = JCudaDriver.cuDeviceGetCount(count);
        if (r != CUresult.CUDA_SUCCESS || count[0] == 0) {
            return GpuInfo.unusable("the NVIDIA driver sees no CUDA device ("
                    + (r == CUresult.CUDA_SUCCESS ? "0 devices" : "cuDeviceGetCount: " + CUresult.stringFor(r)) + ")");
        }
        CUdevice dev = new CUdevice();
        r = JCudaDriver.cuDeviceGet(dev, 0);
        if (r != CUresult.CUDA_SUCCESS) {
            return GpuInfo.unusable("cuDeviceGet(0): " + CUresult.stringFor(r));
        }
        byte[] nameBytes = new byte[256];
        r = JCudaDriver.cuDeviceGetName(nameBytes, nameBytes.length, dev);
        if (r != CUresult.CUDA_SUCCESS) {
            return GpuInfo.unusable("cuDeviceGetName: " + CUresult.stringFor(r));
        }
        int n = 0;
        while (n < nameBytes.length && nameBytes[n] != 0) {
            n++;
        }
        String name = new String(nameBytes, 0, n, java.nio.charset.StandardCharsets.UTF_8);
        long[] mem = new long[1];
        int[] version = new int[1];
        int[] major = new int[1];
        int[] minor = new int[1];
        for (int[] call : new int[][] {
            {JCudaDriver.cuDeviceTotalMem(mem, dev)},
            {JCudaDriver.cuDriverGetVersion(version)},
            {JCudaDriver.cuDeviceGetAttribute(major, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev)},
            {JCudaDriver.cuDeviceGetAttribute(minor, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev)}}) {
            if (call[0] != CUresult.CUDA_SUCCESS) {
                return GpuInfo.unusable("reading the device's memory, driver version or compute capability: "
                        + CUresult.stringFor(call[0]));
            }
        }
        String driver = GpuProbe.driverVersion(driverLine) + " / CUDA " + version[0] / 1000 + "." + (version[0] % 1000) / 10;

        Optional<Path> nvcuvid = GpuProbe.findLibrary("libnvcuvid.so.1");
        Optional<Path> nvenc = GpuProbe.findLibrary("libnvidia-encode.so.1");
        String cuvidNote = loadable(nvcuvid);
        String encNote = loadable(nvenc);

        List<String> decoders = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean nvencOk = false;
        AVBufferRef device = new AVBufferRef((org.bytedeco.javacpp.Pointer) null);
        int ret = avutil.av_hwdevice_ctx_create(device, avutil.AV_HWDEVICE_TYPE_CUDA, "0", null, AV_CUDA_USE_PRIMARY_CONTEXT);
        if (ret < 0 || device.isNull()) {
            notes.add("FFmpeg cannot create a CUDA device: av_hwdevice_ctx_create: " + ret + " ("
                    + FFmpegException.describe(ret) + ")");
        } else {
            try {
                for (VideoCodec c : VideoCodec.values()) {
                    String why = tryDecode(c, device);
                    if (why == null) {
                        decoders.add(c == VideoCodec.VP8 ? "vp8" : "h264");
                    } else {
                        notes.add(c + " not on NVDEC: " + why);
                    }
                }
                try {
                    AVCodecContext enc = NvencEncoder.open(device,
                            new EncoderConfig(VideoCodec.H264, PROBE_SIZE, PROBE_SIZE, 30, 1000, 60));
                    avcodec.avcodec_free_context(enc);
                    nvencOk = true;
                } catch (RuntimeException e) {
                    notes.add("no NVENC: " + e.getMessage());
                }
            } finally {
                avutil.av_buffer_unref(device);
            }
        }
        GpuInfo info = new GpuInfo(false, "", name, mem[0], driver, major[0], minor[0], decoders, nvencOk);
        String libs = "libnvcuvid.so.1 " + cuvidNote + ", libnvidia-encode.so.1 " + encNote;
        if (decoders.isEmpty()) {
            return info.withVerdict(false, "no NVDEC decoding through FFmpeg (" + libs + "; " + String.join("; ", notes)
                    + "; in a container set NVIDIA_DRIVER_CAPABILITIES=compute,video,utility)");
        }
        String extra = notes.isEmpty() ? "" : "; " + String.join("; ", notes);
        return info.withVerdict(true, info.summary() + " [" + libs + extra + "]");
    }

    /** "found at PATH", "found at PATH but not loadable: ...", or "not found". */
    private static String loadable(Optional<Path> lib) {
        if (lib.isEmpty()) {
            return "not found";
        }
        try {
            System.load(lib.get().toAbsolutePath().toString());
            return "loadable (" + lib.get() + ")";
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return "found at " + lib.get() + " but not loadable: " + e.getMessage();
        }
    }

    /** Null when a keyframe of {@code codec} decoded to a CUDA frame, else why not. */
    static String tryDecode(VideoCodec codec, AVBufferRef device) {
        List<EncodedFrame> encoded;
        try (VideoEncoder enc = VideoEncoder.create(new EncoderConfig(codec, PROBE_SIZE, PROBE_SIZE, 30, 500, 30));
                VideoFrame pattern = VideoFrame.allocateYuv420(PROBE_SIZE, PROBE_SIZE)) {
            new TestPattern().draw(pattern, 0x3080C0, "probe", 0);
            encoded = enc.encode(pattern, 0, true);
        } catch (RuntimeException e) {
            return "cannot make a test keyframe: " + e.getMessage();
        }
        if (encoded.isEmpty()) {
            return "the CPU encoder produced no test keyframe";
        }
        AVCodecContext ctx;
        try {
            ctx = NvdecDecoder.openHw(codec, device);
        } catch (RuntimeException e) {
            return e.getMessage();
        }
        AVPacket pkt = avcodec.av_packet_alloc();
        AVFrame frame = avutil.av_frame_alloc();
        try {
            byte[] data = encoded.get(0).data();
            FFmpegException.check("av_new_packet", avcodec.av_new_packet(pkt, data.length));
            pkt.data().put(data, 0, data.length);
            pkt.flags(pkt.flags() | avcodec.AV_PKT_FLAG_KEY);
            int ret = avcodec.avcodec_send_packet(ctx, pkt);
            if (ret < 0) {
                return "avcodec_send_packet: " + ret + " (" + FFmpegException.describe(ret) + ")";
            }
            avcodec.avcodec_send_packet(ctx, null); // drain: the picture comes out now
            ret = avcodec.avcodec_receive_frame(ctx, frame);
            if (ret < 0) {
                return "avcodec_receive_frame: " + ret + " (" + FFmpegException.describe(ret) + ")";
            }
            if (frame.format() != avutil.AV_PIX_FMT_CUDA) {
                return "FFmpeg decoded it on the CPU (pixel format " + frame.format() + ", not CUDA)";
            }
            return null;
        } catch (RuntimeException e) {
            return e.getMessage();
        } finally {
            avutil.av_frame_free(frame);
            avcodec.av_packet_free(pkt);
            avcodec.avcodec_free_context(ctx);
        }
    }
}
