package io.ams.engine.compose;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LabelRendererTest {
    private final LabelRenderer renderer = new LabelRenderer();

    @Test
    void rendersTextIntoAlphaMaskOnceAndCaches() {
        LabelRenderer.Mask m = renderer.render("Alice", 400, 24);
        assertThat(renderer.fontFamily()).isEqualTo("DejaVu Sans");
        assertThat(m.height()).isEqualTo(24);
        assertThat(m.width()).isBetween(30, 400);
        assertThat(m.alpha()).hasSize(m.width() * m.height());
        int opaque = 0;
        int clear = 0;
        for (byte b : m.alpha()) {
            int a = b & 0xFF;
            if (a > 200) {
                opaque++;
            } else if (a == 0) {
                clear++;
            }
        }
        assertThat(opaque).isGreaterThan(50);
        assertThat(clear).isGreaterThan(m.alpha().length / 3);
        assertThat(renderer.render("Alice", 400, 24)).isSameAs(m);
        LabelRenderer.Mask bigger = renderer.render("Alice", 400, 48);
        assertThat(bigger.width()).isGreaterThan(m.width() * 3 / 2);
    }

    @Test
    void longTextIsCutToMaxWidth() {
        LabelRenderer.Mask full = renderer.render("Maximilian Alexander von Humboldt-Hohenzollern", 2000, 20);
        LabelRenderer.Mask cut = renderer.render("Maximilian Alexander von Humboldt-Hohenzollern", 100, 20);
        assertThat(full.width()).isGreaterThan(100);
        assertThat(cut.width()).isLessThanOrEqualTo(100).isGreaterThan(40);
    }

    @Test
    void emptyForNothingToShow() {
        assertThat(renderer.render("", 100, 20).isEmpty()).isTrue();
        assertThat(renderer.render(null, 100, 20).isEmpty()).isTrue();
        assertThat(renderer.render("Bob", 100, 2).isEmpty()).isTrue();
    }
}
