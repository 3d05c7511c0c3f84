package dev.clnn.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the tuner spends its budget over the parts of a family's space (gemm_blocked's vector widths): the probes
 * first, then the coarse pass on the best parts, best first, the far slower ones left out; within the budget, and
 * never choosing a configuration that fails its check. A fake family runs no kernel: it advances a fake clock by the
 * time its "configurations" would take, so the test is exact and instant.
 */
class TunerWidthSearchTest {
    private static final List<String> CLASSES = List.of("small", "large");

    /** A configuration "vwW name" with a rate per class; "bad" ones compute wrong results. */
    private record Fake(String part, String name, double small, double large, boolean bad) {
        @Override
        public String toString() {
            return part + " " + name;
        }
    }

    private static final class FakeFamily implements TunableFamily<Fake> {
        final long[] clock;
        final List<Fake> defaults;
        final List<Fake> probes;
        final List<Fake> coarse;
        final List<Fake> checked = new ArrayList<>();
        final double prepareSeconds;

        FakeFamily(long[] clock, Fake defaultConfig, List<Fake> probes, List<Fake> coarse, double prepareSeconds) {
            this.clock = clock;
            this.defaults = List.of(defaultConfig);
            this.probes = probes;
            this.coarse = coarse;
            this.prepareSeconds = prepareSeconds;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public String describe() {
            return "fake family";
        }

        @Override
        public List<String> classes() {
            return CLASSES;
        }

        @Override
        public Fake defaultFor(String shapeClass) {
            return defaults.get(0);
        }

        @Override
        public List<Fake> probes() {
            return probes;
        }

        @Override
        public String part(Fake config) {
            return config.part();
        }

        @Override
        public List<Fake> coarse() {
            return coarse;
        }

        @Override
        public List<Fake> refinements(Fake good) {
            return List.of();
        }

        @Override
        public double check(Fake config) {
            checked.add(config);
            clock[0] += (long) (prepareSeconds * 1e9);
            return config.bad() ? 1 : 0;
        }

        @Override
        public double tolerance() {
            return 1e-5;
        }

        @Override
        public double flops(String shapeClass) {
            return 1e9;
        }

        @Override
        public void runRound(Fake config, String shapeClass) {
            double rate = shapeClass.equals("small") ? config.small() : config.large();
            clock[0] += (long) (1e9 / rate * 1e-3); // 1 GFLOP at `rate` GFLOP/s, a thousand times faster
        }

        @Override
        public void close() {
        }
    }

    private static Fake fake(String part, String name, double small, double large) {
        return new Fake(part, name, small, large, false);
    }

    private static TuningResult tune(FakeFamily family, long[] clock, int seconds) {
        Tuner tuner = new Tuner(null, List.of((backend, budget) -> family), () -> clock[0]);
        return tuner.tune(Duration.ofSeconds(seconds));
    }

    /** The AVX2-code case: the device reports 16, but the float8 blocks measure far faster. */
    private static FakeFamily avx2Case(long[] clock, double prepare) {
        Fake def = fake("vw16", "default", 57, 116);
        List<Fake> probes = List.of(def, fake("vw8", "default", 91, 190), fake("vw4", "default", 80, 150),
                fake("vw1", "default", 10, 12));
        List<Fake> coarse = new ArrayList<>();
        for (String part : List.of("vw1", "vw4", "vw8", "vw16")) {
            for (int i = 0; i < 4; i++) {
                double scale = part.equals("vw8") ? 1 + i * 0.02 : 1;
                Fake probe = probes.stream().filter(p -> p.part().equals(part)).findFirst().orElseThrow();
                coarse.add(fake(part, "c" + i, probe.small() * scale, probe.large() * scale));
            }
        }
        return new FakeFamily(clock, def, probes, coarse, prepare);
    }

    @Test
    void coarsePassRunsTheBestPartsFirstAndLeavesOutTheFarSlowerOnes() {
        long[] clock = {0};
        FakeFamily family = avx2Case(clock, 1);
        TuningResult result = tune(family, clock, 600);
        List<String> order = family.checked.stream().map(Fake::toString).toList();
        // the default, the other probes, then vw8's coarse candidates, then vw4's; vw16 (0.63) and vw1 left out
        assertEquals(List.of("vw16 default", "vw8 default", "vw4 default", "vw1 default", "vw8 c0", "vw8 c1",
                "vw8 c2", "vw8 c3", "vw4 c0", "vw4 c1", "vw4 c2", "vw4 c3"), order);
        Map<String, String> chosen = new LinkedHashMap<>();
        result.choices().forEach(c -> chosen.put(c.shapeClass(), c.chosen()));
        assertEquals(Map.of("small", "vw8 c3", "large", "vw8 c3"), chosen);
    }

    @Test
    void aSmallBudgetSpendsItselfOnTheBestPartAndEndsWithinIt() {
        long[] clock = {0};
        FakeFamily family = avx2Case(clock, 5);
        TuningResult result = tune(family, clock, 40);
        assertTrue(clock[0] <= 40e9, "ran " + clock[0] / 1e9 + " s of a 40 s budget");
        assertTrue(result.seconds() <= 40, result.seconds() + " s");
        assertFalse(family.checked.stream().anyMatch(c -> c.part().equals("vw16") && !c.name().equals("default")),
                "a part far behind is never swept: " + family.checked);
        List<Fake> swept = family.checked.subList(4, family.checked.size());
        assertFalse(swept.isEmpty());
        assertTrue(swept.stream().allMatch(c -> c.part().equals("vw8")), "the best width first: " + swept);
    }

    @Test
    void aPartWhoseProbeFailsItsCheckIsDroppedAndNeverChosen() {
        long[] clock = {0};
        Fake def = fake("vw16", "default", 57, 116);
        Fake wrong = new Fake("vw2", "default", 500, 500, true);
        List<Fake> coarse = List.of(new Fake("vw2", "c0", 600, 600, false), fake("vw16", "c0", 60, 120));
        FakeFamily family = new FakeFamily(clock, def, List.of(def, wrong), coarse, 1);
        TuningResult result = tune(family, clock, 600);
        assertEquals(1, result.rejected().size(), result.rejected().toString());
        assertTrue(result.rejected().get(0).startsWith("vw2 default: wrong results"), result.rejected().get(0));
        // nothing of vw2 was measured, so its part has no rate: its coarse candidates come after the measured parts
        assertEquals(List.of("vw16 default", "vw2 default", "vw16 c0", "vw2 c0"),
                family.checked.stream().map(Fake::toString).toList());
        result.choices().forEach(c -> assertFalse(c.chosen().equals("vw2 default"), c.toString()));
    }

    /**
     * A device as slow as llvmpipe: one round of the default takes 10 s (0.1 GFLOP/s, a thousand times slower than
     * the fake's usual scale), so its rounds cannot fit a 20 s budget. The tuner stops after the lightest class's
     * warm-up, measures nothing, chooses nothing, and ends within the budget.
     */
    @Test
    void aDeviceTooSlowForTheBudgetStopsAfterOneWarmUpRoundAndChoosesNothing() {
        long[] clock = {0};
        Fake slow = fake("vw4", "default", 1e-4, 1e-4);
        FakeFamily family = new FakeFamily(clock, slow, List.of(), List.of(fake("vw4", "c0", 1e-4, 1e-4)), 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Tuner tuner = new Tuner(new PrintStream(out, true, StandardCharsets.UTF_8),
                List.of((backend, budget) -> family), () -> clock[0]);
        TuningResult result = tuner.tune(Duration.ofSeconds(20));
        assertEquals(11e9, clock[0], 1e6, "the check (1 s) and one warm-up round (10 s), then nothing more");
        assertEquals(List.of(), result.choices());
        assertEquals(0, result.measured());
        String progress = out.toString(StandardCharsets.UTF_8);
        assertTrue(progress.contains("stopped: its rounds need about 70.0 s more") // 3 rounds of small, 4 of large
                && progress.contains("the budget did not cover the defaults"), progress);
    }

    @Test
    void partsAreKeptWhenTheyComeCloseForSomeClassAndRankedByTheirMeanShare() {
        Map<String, Map<String, Double>> best = new LinkedHashMap<>();
        best.put("vw16", Map.of("small", 57.0, "large", 116.0));
        best.put("vw8", Map.of("small", 91.0, "large", 196.0));
        best.put("vw4", Map.of("small", 95.0, "large", 100.0));
        best.put("vw1", Map.of("small", 10.0, "large", 12.0));
        Map<String, Double> ranked = Tuner.rankParts(CLASSES, best);
        // vw4 wins small, vw8 large; vw8's mean share (0.979) is above vw4's (0.755); vw16 reaches 0.63 at best
        assertEquals(List.of("vw8", "vw4"), List.copyOf(ranked.keySet()));
        assertEquals((91.0 / 95 + 1) / 2, ranked.get("vw8"), 1e-12);
    }
}
