package io.ams.app.ctl;

import io.ams.proto.v1.Canvas;
import io.ams.proto.v1.Codec;
import io.ams.proto.v1.CreateRoomRequest;
import io.ams.proto.v1.LayoutKind;
import io.ams.proto.v1.OutputSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Output flags shared by {@code room create} and {@code output add}. A flag not given is left
 * unset in the request, so the engine's defaults apply (1280x720, 30 fps, vp8, 1500 kbps, grid).
 */
final class OutputOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--size", paramLabel = "WxH", description = "Canvas size (engine default 1280x720).")
    Canvas size;

    @Option(names = "--fps", paramLabel = "N", description = "Frames per second, 1..60 (engine default 30).")
    Integer fps;

    @Option(names = "--codec", paramLabel = "vp8|h264", description = "Output codec (engine default vp8).")
    Codec codec;

    @Option(names = "--bitrate", paramLabel = "KBPS", description = "Target bitrate in kbit/s (engine default 1500).")
    Integer bitrateKbps;

    @Option(names = "--layout", paramLabel = "grid|filmstrip|speaker|custom",
            description = "Layout (engine default grid).")
    LayoutKind layout;

    @Mixin
    LayoutOptions layoutOptions;

    void applyTo(OutputSpec.Builder spec) {
        if (size != null) {
            spec.setCanvas(size);
        }
        if (fps != null) {
            spec.setFps(positive("--fps", fps));
        }
        if (codec != null) {
            spec.setCodec(codec);
        }
        if (bitrateKbps != null) {
            spec.setBitrateKbps(positive("--bitrate", bitrateKbps));
        }
        if (layout != null || layoutOptions.given()) {
            spec.setLayout(layoutOptions.build(layout));
        }
    }

    void applyTo(CreateRoomRequest.Builder request) {
        OutputSpec.Builder spec = OutputSpec.newBuilder();
        applyTo(spec);
        if (spec.hasCanvas()) {
            request.setCanvas(spec.getCanvas());
        }
        request.setFps(spec.getFps()).setCodec(spec.getCodec()).setBitrateKbps(spec.getBitrateKbps());
        if (spec.hasLayout()) {
            request.setLayout(spec.getLayout());
        }
    }

    private int positive(String option, int value) {
        if (value <= 0) {
            throw new ParameterException(mixee.commandLine(), "Invalid value for option '" + option + "': " + value
                    + " is not positive");
        }
        return value;
    }
}
