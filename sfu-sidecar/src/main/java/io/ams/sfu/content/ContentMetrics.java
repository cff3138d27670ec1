package io.ams.sfu.content;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/** The documents' meters (docs/METRICS.md): uploads taken or refused, conversions done or failed. */
public final class ContentMetrics {
    private ContentMetrics() {
    }

    public static void bind(MeterRegistry registry, ContentService s) {
        FunctionCounter.builder("ams.sfu.documents.uploads", s, x -> x.accepted.get()).tag("outcome", "accepted")
                .description("document uploads taken for conversion").register(registry);
        FunctionCounter.builder("ams.sfu.documents.uploads", s, x -> x.refused.get()).tag("outcome", "refused")
                .description("document uploads refused: type, mismatch, zip bomb, too many").register(registry);
        FunctionCounter.builder("ams.sfu.documents.conversions", s, x -> x.converted.get()).tag("result", "converted")
                .description("documents converted to pages").register(registry);
        FunctionCounter.builder("ams.sfu.documents.conversions", s, x -> x.failed.get()).tag("result", "failed")
                .description("conversions that failed: broken, protected, too large, timed out").register(registry);
    }
}
