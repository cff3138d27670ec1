package io.ams.app.ctl;

import java.util.ArrayList;
import java.util.List;

import io.ams.app.ApiText;
import io.ams.proto.v1.Fit;
import io.ams.proto.v1.Layout;
import io.ams.proto.v1.LayoutKind;
import io.ams.proto.v1.Region;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Layout flags shared by {@code room create}, {@code output add} and {@code layout}. */
final class LayoutOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--region", paramLabel = "x,y,w,h[,participant]",
            description = "A tile of a custom layout in fractions of the canvas (repeatable), "
                    + "e.g. 0,0,0.5,1,alice; implies --layout custom.")
    List<Region> regions = new ArrayList<>();

    @Option(names = "--fit", paramLabel = "letterbox|crop",
            description = "Fit pictures into tiles with bars (letterbox) or cut the overflow (crop).")
    Fit fit;

    @Option(names = "--no-highlight", description = "Do not draw a border around the main speaker's tile.")
    boolean noHighlight;

    @Option(names = "--background", paramLabel = "RRGGBB", converter = ApiText.Rgb.class,
            description = "Background colour, e.g. 101010.")
    Integer background;

    /** True when any flag here was given. */
    boolean given() {
        return !regions.isEmpty() || fit != null || noHighlight || background != null;
    }

    /**
     * The layout for {@code kind} (null: custom when regions are given, else the engine default);
     * usage errors for regions with a non-custom layout and a custom layout without regions.
     */
    Layout build(LayoutKind kind) {
        LayoutKind k = kind == null && !regions.isEmpty() ? LayoutKind.CUSTOM : kind;
        if (!regions.isEmpty() && k != LayoutKind.CUSTOM) {
            throw new ParameterException(mixee.commandLine(),
                    "--region is for the custom layout, not " + ApiText.layout(k));
        }
        if (k == LayoutKind.CUSTOM && regions.isEmpty()) {
            throw new ParameterException(mixee.commandLine(),
                    "the custom layout needs at least one --region x,y,w,h[,participant]");
        }
        Layout.Builder layout = Layout.newBuilder().addAllRegions(regions);
        if (k != null) {
            layout.setKind(k);
        }
        if (fit != null) {
            layout.setFit(fit);
        }
        if (noHighlight) {
            layout.setHighlightSpeaker(false);
        }
        if (background != null) {
            layout.setBackgroundRgb(background);
        }
        return layout.build();
    }
}
