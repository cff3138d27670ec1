package io.ams.engine.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LayoutsTest {

    static Stream<Arguments> layoutsAndCanvases() {
        List<Arguments> out = new ArrayList<>();
        int[][] canvases = {{1280, 720}, {1920, 1080}, {640, 360}, {641, 361}, {320, 180}};
        for (LayoutKind kind : List.of(LayoutKind.GRID, LayoutKind.FILMSTRIP, LayoutKind.SPEAKER)) {
            for (int[] c : canvases) {
                out.add(Arguments.of(kind, c[0], c[1]));
            }
        }
        return out.stream();
    }

    static List<String> ids(int n) {
        return IntStream.range(0, n).mapToObj(i -> "p" + i).toList();
    }

    @ParameterizedTest(name = "{0} {1}x{2}")
    @MethodSource("layoutsAndCanvases")
    void everyParticipantOnceInsideEvenNoOverlapMainHighlighted(LayoutKind kind, int w, int h) {
        for (int n = 1; n <= 50; n++) {
            List<String> ids = ids(n);
            for (String main : new String[] {null, ids.get(n / 2), ids.get(n - 1)}) {
                List<Tile> tiles = Layouts.compute(LayoutSpec.of(kind), ids, main, w, h);
                String ctx = kind + " n=" + n + " main=" + main + " " + w + "x" + h;
                checkInvariants(tiles, w, h, ctx);
                assertThat(tiles).as(ctx).extracting(Tile::participantId).containsExactlyInAnyOrderElementsOf(ids);
                String expectedMain = main == null ? ids.get(0) : main;
                assertThat(tiles.stream().filter(Tile::highlighted).map(Tile::participantId).toList())
                        .as(ctx).containsExactly(expectedMain);
            }
        }
    }

    static void checkInvariants(List<Tile> tiles, int w, int h, String ctx) {
        Rect canvas = new Rect(0, 0, w, h);
        int lastZ = Integer.MIN_VALUE;
        for (int i = 0; i < tiles.size(); i++) {
            Tile t = tiles.get(i);
            Rect r = t.rect();
            assertThat(canvas.contains(r)).as(ctx + " inside: " + t).isTrue();
            assertThat(r.width()).as(ctx + " width " + t).isPositive();
            assertThat(r.height()).as(ctx + " height " + t).isPositive();
            assertThat(List.of(r.x(), r.y(), r.width(), r.height())).as(ctx + " even: " + t)
                    .allSatisfy(v -> assertThat(v % 2).isZero());
            assertThat(t.z()).as(ctx + " z order").isGreaterThanOrEqualTo(lastZ);
            lastZ = t.z();
            for (int j = i + 1; j < tiles.size(); j++) {
                Tile o = tiles.get(j);
                if (o.z() == t.z()) {
                    assertThat(r.intersects(o.rect())).as(ctx + " overlap " + t + " " + o).isFalse();
                }
            }
        }
    }

    @Test
    void gridOfFourIsTwoByTwoQuadrants() {
        List<Tile> tiles = Layouts.compute(LayoutSpec.grid(), ids(4), null, 1280, 720);
        Rect[] quadrants = {new Rect(0, 0, 640, 360), new Rect(640, 0, 640, 360),
            new Rect(0, 360, 640, 360), new Rect(640, 360, 640, 360)};
        for (int i = 0; i < 4; i++) {
            Rect r = tiles.get(i).rect();
            assertThat(quadrants[i].contains(r)).as("tile " + i + " " + r).isTrue();
            assertThat(r.area()).as("tile " + i).isGreaterThan(quadrants[i].area() * 95 / 100);
        }
    }

    @Test
    void gridLastRowCentred() {
        List<Tile> tiles = Layouts.compute(LayoutSpec.grid(), ids(5), null, 1280, 720);
        // 3 columns, 2 rows: the 2 of the last row sit in the middle
        Rect a = tiles.get(3).rect();
        Rect b = tiles.get(4).rect();
        assertThat(a.y()).isEqualTo(b.y()).isGreaterThan(tiles.get(0).rect().y());
        int left = a.x();
        int right = 1280 - (b.x() + b.width());
        assertThat(Math.abs(left - right)).isLessThanOrEqualTo(2);
        assertThat(a.width()).isEqualTo(tiles.get(0).rect().width());
    }

    @Test
    void gridTwoIsSideBySide() {
        List<Tile> tiles = Layouts.compute(LayoutSpec.grid(), ids(2), null, 1280, 720);
        assertThat(tiles.get(0).rect().y()).isEqualTo(tiles.get(1).rect().y());
        assertThat(tiles.get(0).rect().x()).isLessThan(tiles.get(1).rect().x());
    }

    @Test
    void speakerMainCoversCanvasAndThumbnailsSitAtTheBottom() {
        for (int n = 2; n <= 50; n++) {
            List<Tile> tiles = Layouts.compute(LayoutSpec.of(LayoutKind.SPEAKER), ids(n), "p1", 1280, 720);
            Tile main = tiles.get(0);
            assertThat(main.participantId()).isEqualTo("p1");
            assertThat(main.rect()).isEqualTo(new Rect(0, 0, 1280, 720));
            assertThat(main.z()).isZero();
            assertThat(main.highlighted()).isTrue();
            for (Tile t : tiles.subList(1, tiles.size())) {
                assertThat(t.z()).isEqualTo(1);
                assertThat(t.rect().y()).as("n=" + n + " " + t).isGreaterThanOrEqualTo(720 - 288);
                double aspect = (double) t.rect().width() / t.rect().height();
                assertThat(aspect).as("n=" + n + " " + t).isBetween(16.0 / 9 * 0.93, 16.0 / 9 * 1.07);
                assertThat(t.rect().height()).isLessThanOrEqualTo(144);
            }
        }
        // few participants: one row along the bottom edge
        List<Tile> three = Layouts.compute(LayoutSpec.of(LayoutKind.SPEAKER), ids(3), null, 1280, 720);
        assertThat(three.get(1).rect().y()).isEqualTo(three.get(2).rect().y());
        assertThat(three.get(1).rect().y() + three.get(1).rect().height()).isGreaterThan(700);
    }

    @Test
    void speakerThumbnailRowsGrowUpward() {
        List<Tile> tiles = Layouts.compute(LayoutSpec.of(LayoutKind.SPEAKER), ids(30), null, 1280, 720);
        int firstY = tiles.get(1).rect().y();
        int lastY = tiles.get(tiles.size() - 1).rect().y();
        assertThat(lastY).isLessThan(firstY);
    }

    @Test
    void filmstripMainOnTopOthersBelow() {
        List<Tile> tiles = Layouts.compute(LayoutSpec.of(LayoutKind.FILMSTRIP), ids(6), "p3", 1280, 720);
        Tile main = tiles.get(0);
        assertThat(main.participantId()).isEqualTo("p3");
        assertThat(main.rect().y()).isZero();
        assertThat(main.rect().width()).isEqualTo(1280);
        assertThat(main.rect().height()).isBetween(520, 560);
        assertThat(tiles.subList(1, tiles.size())).extracting(Tile::participantId)
                .containsExactly("p0", "p1", "p2", "p4", "p5");
        for (Tile t : tiles.subList(1, tiles.size())) {
            assertThat(t.rect().y()).isGreaterThanOrEqualTo(main.rect().height());
            assertThat(t.rect().y()).isEqualTo(tiles.get(1).rect().y()); // one row
        }
        List<Tile> many = Layouts.compute(LayoutSpec.of(LayoutKind.FILMSTRIP), ids(40), null, 1280, 720);
        Set<Integer> rows = new HashSet<>();
        many.subList(1, many.size()).forEach(t -> rows.add(t.rect().y()));
        assertThat(rows.size()).isGreaterThan(1);
    }

    @Test
    void filmstripWithOneParticipantFillsCanvas() {
        List<Tile> tiles = Layouts.compute(LayoutSpec.of(LayoutKind.FILMSTRIP), ids(1), null, 1920, 1080);
        assertThat(tiles).containsExactly(new Tile("p0", new Rect(0, 0, 1920, 1080), 0, true));
    }

    @Test
    void noParticipantsNoTiles() {
        for (LayoutKind k : List.of(LayoutKind.GRID, LayoutKind.FILMSTRIP, LayoutKind.SPEAKER)) {
            assertThat(Layouts.compute(LayoutSpec.of(k), List.of(), null, 1280, 720)).isEmpty();
        }
    }

    @Test
    void noHighlightWhenSwitchedOff() {
        LayoutSpec spec = new LayoutSpec(LayoutKind.GRID, null, null, false, 0);
        assertThat(Layouts.compute(spec, ids(5), "p2", 1280, 720)).noneMatch(Tile::highlighted);
    }

    @Test
    void customAssignsNamedRegionsThenJoinOrder() {
        List<Region> regions = List.of(
                new Region(0, 0, 0.5, 0.5, null),
                new Region(0.5, 0, 0.5, 0.5, "p3"),
                new Region(0, 0.5, 0.5, 0.5, ""),
                new Region(0.7, 0.7, 0.3, 0.3, "absent"));
        LayoutSpec spec = new LayoutSpec(LayoutKind.CUSTOM, regions, Fit.CROP, true, 0);
        List<Tile> tiles = Layouts.compute(spec, ids(5), "p3", 1280, 720);
        assertThat(tiles).containsExactly(
                new Tile("p0", new Rect(0, 0, 640, 360), 0, false),
                new Tile("p3", new Rect(640, 0, 640, 360), 1, true),
                new Tile("p1", new Rect(0, 360, 640, 360), 2, false));
    }

    @Test
    void customInvariantsForManyParticipants() {
        List<Region> regions = new ArrayList<>();
        for (int i = 0; i < 10; i++) { // overlapping diagonal cascade, odd fractions
            regions.add(new Region(i * 0.071, i * 0.053, 0.333, 0.333, i == 4 ? "p7" : null));
        }
        LayoutSpec spec = new LayoutSpec(LayoutKind.CUSTOM, regions, Fit.LETTERBOX, true, 0x101010);
        int[][] canvases = {{1280, 720}, {1920, 1080}, {640, 360}, {641, 361}};
        for (int[] c : canvases) {
            for (int n = 1; n <= 50; n++) {
                List<String> ids = ids(n);
                List<Tile> tiles = Layouts.compute(spec, ids, ids.get(n - 1), c[0], c[1]);
                String ctx = "CUSTOM n=" + n + " " + c[0] + "x" + c[1];
                checkInvariants(tiles, c[0], c[1], ctx);
                List<String> shown = tiles.stream().map(Tile::participantId).toList();
                assertThat(new HashSet<>(shown)).as(ctx).hasSize(shown.size());
                int expected = n > 7 ? Math.min(n, 10) : n; // p7 in its region, 9 others in join order
                assertThat(shown).as(ctx).hasSize(expected);
                if (n > 7) {
                    assertThat(tiles.get(4).participantId()).isEqualTo("p7");
                }
                boolean mainShown = shown.contains(ids.get(n - 1));
                assertThat(tiles.stream().anyMatch(Tile::highlighted)).as(ctx).isEqualTo(mainShown);
            }
        }
    }

    @Test
    void validateNamesFieldAndRange() {
        assertThatThrownBy(() -> custom(new Region(1.5, 0, 0.1, 0.1, null)).validate())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("regions[0].x").hasMessageContaining("0.0..1.0").hasMessageContaining("1.5");
        assertThatThrownBy(() -> custom(new Region(0, -0.1, 0.1, 0.1, null)).validate())
                .hasMessageContaining("regions[0].y");
        assertThatThrownBy(() -> custom(new Region(0, 0, 0.5, 0.5, null), new Region(0, 0, 0, 0.1, null)).validate())
                .hasMessageContaining("regions[1].width").hasMessageContaining("> 0");
        assertThatThrownBy(() -> custom(new Region(0, 0, 0.5, -1, null)).validate())
                .hasMessageContaining("regions[0].height");
        assertThatThrownBy(() -> custom(new Region(0.6, 0, 0.5, 0.5, null)).validate())
                .hasMessageContaining("regions[0].width").hasMessageContaining("inside the canvas");
        assertThatThrownBy(() -> custom(new Region(0, 0, Double.NaN, 0.5, null)).validate())
                .hasMessageContaining("regions[0].width");
        assertThatThrownBy(() -> new LayoutSpec(LayoutKind.CUSTOM, List.of(), Fit.CROP, true, 0).validate())
                .hasMessageContaining("regions").hasMessageContaining("CUSTOM");
        List<Region> many = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            many.add(new Region(0, 0, 0.1, 0.1, null));
        }
        assertThatThrownBy(() -> new LayoutSpec(LayoutKind.CUSTOM, many, Fit.CROP, true, 0).validate())
                .hasMessageContaining("at most 100").hasMessageContaining("101");
        assertThatThrownBy(() -> new LayoutSpec(LayoutKind.GRID, null, null, true, 0x1000000).validate())
                .hasMessageContaining("backgroundRgb").hasMessageContaining("0xFFFFFF");
        assertThatThrownBy(() -> new LayoutSpec(null, null, null, true, 0).validate())
                .hasMessageContaining("kind");
        assertThatThrownBy(() -> custom(new Region(0, 0, 0.5, 0.5, "a"), new Region(0.5, 0, 0.5, 0.5, "a")).validate())
                .hasMessageContaining("regions[1].participantId");
        assertThatThrownBy(() -> Layouts.compute(custom(new Region(2, 0, 0.5, 0.5, null)), ids(2), null, 1280, 720))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Layouts.compute(LayoutSpec.grid(), ids(2), null, 8, 720))
                .hasMessageContaining("canvas");
        // valid ones pass
        custom(new Region(0, 0, 1, 1, null)).validate();
        LayoutSpec.grid().validate();
        assertThat(LayoutSpec.of(LayoutKind.SPEAKER).fit()).isEqualTo(Fit.LETTERBOX);
    }

    private static LayoutSpec custom(Region... regions) {
        return new LayoutSpec(LayoutKind.CUSTOM, List.of(regions), Fit.LETTERBOX, true, 0);
    }

    @Test
    void rectGeometry() {
        Rect a = new Rect(0, 0, 10, 10);
        assertThat(a.intersects(new Rect(9, 9, 2, 2))).isTrue();
        assertThat(a.intersects(new Rect(10, 0, 2, 2))).isFalse();
        assertThat(a.contains(new Rect(2, 2, 8, 8))).isTrue();
        assertThat(a.contains(new Rect(2, 2, 9, 8))).isFalse();
        assertThat(a.area()).isEqualTo(100);
    }
}
