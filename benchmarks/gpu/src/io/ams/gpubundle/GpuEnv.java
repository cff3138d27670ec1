package io.ams.gpubundle;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.PointerPointer;

/**
 * The GPU section of the bundle's environment report (run.sh): what the engine's own start-up
 * probe says, and what the bundled FFmpeg can see of the GPU. Reflection reaches the engine's
 * GPU classes so this compiles and runs on every build, with or without them; every step
 * prints its failure and the report goes on. Owns nothing beyond one call.
 */
public final class GpuEnv {

    private GpuEnv() {
    }

    public static void main(String[] args) {
        step("engine BackendSelection.select(AUTO)", GpuEnv::backendSelection);
        step("engine io.ams.engine.gpu.GpuProbe", GpuEnv::gpuProbe);
        step("FFmpeg", GpuEnv::ffmpeg);
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void step(String name, Step step) {
        System.out.println("-- " + name);
        try {
            step.run();
        } catch (Throwable t) {
            Throwable cause = t instanceof java.lang.reflect.InvocationTargetException && t.getCause() != null
                    ? t.getCause() : t;
            System.out.println("   failed: " + cause);
        }
        System.out.flush();
    }

    private static void backendSelection() throws Exception {
        Class<?> selection = Class.forName("io.ams.engine.room.BackendSelection");
        @SuppressWarnings({"unchecked", "rawtypes"})
        Object auto = Enum.valueOf((Class) Class.forName("io.ams.engine.EngineConfig$BackendChoice"), "AUTO");
        Object chosen = selection.getMethod("select", auto.getClass()).invoke(null, auto);
        System.out.println("   " + chosen);
    }

    /** Runs GpuProbe's main if it has one, else prints what its public static no-argument methods return. */
    private static void gpuProbe() throws Exception {
        Class<?> probe;
        try {
            probe = Class.forName("io.ams.engine.gpu.GpuProbe");
        } catch (ClassNotFoundException e) {
            System.out.println("   not in this build (no GPU backend classes yet)");
            return;
        }
        try {
            Method main = probe.getMethod("main", String[].class);
            main.invoke(null, (Object) new String[0]);
            return;
        } catch (NoSuchMethodException e) {
            // no main: fall through to the static accessors
        }
        for (Method m : probe.getMethods()) {
            if (Modifier.isStatic(m.getModifiers()) && m.getParameterCount() == 0
                    && m.getReturnType() != void.class && m.getDeclaringClass() == probe) {
                System.out.println("   " + m.getName() + "() = " + m.invoke(null));
            }
        }
    }

    private static void ffmpeg() {
        System.out.println("   version " + avutil.av_version_info().getString());
        StringBuilder types = new StringBuilder();
        for (int t = avutil.av_hwdevice_iterate_types(avutil.AV_HWDEVICE_TYPE_NONE);
                t != avutil.AV_HWDEVICE_TYPE_NONE; t = avutil.av_hwdevice_iterate_types(t)) {
            types.append(' ').append(avutil.av_hwdevice_get_type_name(t).getString());
        }
        System.out.println("   hardware device types built in:" + (types.length() == 0 ? " none" : types));
        for (String name : new String[] {"h264_nvenc", "hevc_nvenc"}) {
            System.out.println("   encoder " + name + ": "
                    + (avcodec.avcodec_find_encoder_by_name(name) != null ? "built in" : "not built in"));
        }
        for (String name : new String[] {"h264_cuvid", "vp8_cuvid"}) {
            System.out.println("   decoder " + name + ": "
                    + (avcodec.avcodec_find_decoder_by_name(name) != null ? "built in" : "not built in"));
        }
        try (PointerPointer<?> device = new PointerPointer<>(1)) {
            int ret = avutil.av_hwdevice_ctx_create(device, avutil.AV_HWDEVICE_TYPE_CUDA, (org.bytedeco.javacpp.BytePointer) null, null, 0);
            if (ret < 0) {
                System.out.println("   CUDA device through FFmpeg: cannot open (" + describe(ret) + ")");
            } else {
                System.out.println("   CUDA device through FFmpeg: opened");
                avutil.av_buffer_unref(device);
            }
        }
    }

    private static String describe(int code) {
        try {
            return (String) Class.forName("io.ams.engine.media.FFmpegException")
                    .getMethod("describe", int.class).invoke(null, code);
        } catch (ReflectiveOperationException e) {
            return "error " + code;
        }
    }
}
