package dev.clnn.tune;

import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.backend.opencl.tuning.GemmConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.stream.DoubleStream;

/**
 * Measures kernel configurations on the device it runs on and picks, per family and class of shape, the fastest one
 * that computes correctly: {@code clnn tune}. Apart from the routines and kernels, as CLBlast keeps its tuners; each
 * family ({@link TunableFamily}) says what to try, the tuner decides in which order and for how long.
 *
 * <p>The search, per family: first the defaults (the baseline, and what is kept if nothing beats them), then the
 * family's probes, one representative configuration per part of its space (gemm_blocked: the default shape of each
 * vector width, {@link TunableFamily#probes}), then a coarse pass over the family's space, ordered by how well each
 * part measured so far, leaving out parts that measured below {@value #KEEP_PERCENT}% of the best for every class,
 * then refinements around the best {@value #REFINED} of each class. The budget thus goes where the measurements
 * say the best lies, not where the device's report says. Every
 * configuration is checked against the CPU reference before it is timed; one that fails or cannot be built is
 * reported and left out. Each class's workload is run once to warm up, then repeated
 * ({@value #MIN_ROUNDS} to {@value #MAX_ROUNDS} rounds), and the median round counts. Between configurations the
 * clock is checked: a configuration starts only when the slowest one so far (a pessimistic estimate before one has
 * been seen) still fits the budget, so the run ends within it. The passes stop at {@value #SEARCH_PERCENT}% of the
 * budget at the latest; the rest decides between each class's finalists (its best {@value #FINALISTS} and the
 * default): they run round after round, interleaved ({@value #MIN_ROUNDS} to {@value #FINAL_ROUNDS} rounds each, as
 * the budget allows), and the median of these rounds is what counts. Interleaving matters on a shared machine: a
 * configuration measured alone in a quiet moment would beat one measured in a busy one, while interleaved ones see
 * the same load. Only finalists can win. Finally the classes share configurations where one is within
 * {@value #SHARE_PERCENT}% of a class's best, since every distinct configuration is one more kernel build at
 * start-up.
 */
public final class Tuner {
    /** How many of each class's fastest configurations the second pass refines. */
    static final int REFINED = 2;
    /** How many of each class's fastest configurations the final, interleaved measurement compares. */
    static final int FINALISTS = 3;
    /** The most interleaved rounds each finalist runs. */
    static final int FINAL_ROUNDS = 25;
    static final int MIN_ROUNDS = 3;
    static final int MAX_ROUNDS = 7;
    /** Repetitions stop after the minimum once a class's rounds have taken this long. */
    static final double ROUNDS_SECONDS = 0.3;
    /** The share of the budget the passes may use; the rest re-measures the finalists. */
    static final int SEARCH_PERCENT = 85;
    /** A configuration within this many percent of a class's best may serve the class instead. */
    static final int SHARE_PERCENT = 3;
    /**
     * What a configuration's build and check is taken to cost before one has been seen (POCL: 1-2 s), unless the
     * family says otherwise ({@link TunableFamily#firstPrepareSeconds}).
     */
    static final double FIRST_PREPARE_SECONDS = 3;
    /** What measuring a configuration is taken to cost before one has been measured. */
    static final double FIRST_MEASURE_SECONDS = 1;
    /** A slower configuration measures longer than the ones seen so far: their time is scaled by this. */
    static final double MEASURE_MARGIN = 1.5;

    /**
     * The convolution family's share of the budget: it has two candidates on small workloads, so a few seconds
     * suffice, and the GEMM's search keeps the rest.
     */
    static final int CONV_PERCENT = 15;

    /**
     * A part of the space (a vector width) whose best measured rate is below this share of the best part's for
     * every class is left out of the coarse pass: a better block shape rarely makes up such a gap (on AVX2 code, the
     * float16 blocks' best reached 0.6 of the float8 ones').
     */
    static final int KEEP_PERCENT = 80;

    /** The phase that measures the defaults, as the progress lines name it. */
    private static final String DEFAULT_PHASE = "default";

    private final OpenClBackend backend;
    private final PrintStream progress;
    private final List<BiFunction<OpenClBackend, Duration, TunableFamily<?>>> families;
    private final List<Integer> weights;
    private final LongSupplier clock;

    /**
     * A tuner of the GEMM kernel {@code backend}'s device runs, gemm_blocked (CPUs, {@code GemmFamily}) or gemm_gpu
     * (GPUs, or any device where {@code clnn.gemm.kernel=gpu} forces it, {@code GpuGemmFamily}), then of the
     * convolution algorithm for small patches ({@code ConvFamily}) with {@value #CONV_PERCENT}% of the budget.
     *
     * @param vectorWidth the float vector width of gemm_blocked's candidates, 1, 2, 4, 8 or 16, or 0 to search
     *                    every width (what a device reports is no guide: POCL told to generate AVX2 code still
     *                    reports 16); must be 0 where the device runs gemm_gpu, whose candidates come with their
     *                    own widths
     * @param progress    where a line per phase and configuration goes, or null for none
     * @throws IllegalArgumentException when the vector width is not one of these
     */
    public Tuner(OpenClBackend backend, int vectorWidth, PrintStream progress) {
        this(backend, progress, List.of(familyOf(backend, vectorWidth), (b, budget) -> new ConvFamily(b)),
                List.of(100 - CONV_PERCENT, CONV_PERCENT));
    }

    private static BiFunction<OpenClBackend, Duration, TunableFamily<?>> familyOf(OpenClBackend backend,
            int vectorWidth) {
        if (!backend.tuning().blockedGemm()) {
            if (vectorWidth != 0) {
                throw new IllegalArgumentException("a vector width applies to gemm_blocked only; " + backend.name()
                        + " runs gemm_gpu, whose candidates set their own");
            }
            return GpuGemmFamily::new;
        }
        if (vectorWidth != 0 && !GemmConfig.WIDTHS.contains(vectorWidth)) {
            throw new IllegalArgumentException("vector width must be 1, 2, 4, 8 or 16, not " + vectorWidth);
        }
        return (b, budget) -> new GemmFamily(b, vectorWidth);
    }

    /**
     * A tuner of the given families, each opened with its share of the budget (tests inject a family with a wrong
     * configuration here).
     */
    Tuner(OpenClBackend backend, PrintStream progress,
            List<BiFunction<OpenClBackend, Duration, TunableFamily<?>>> families) {
        this(backend, progress, families, families.stream().map(f -> 1).toList());
    }

    /** A tuner of the given families, each given a share of the budget proportional to its weight. */
    Tuner(OpenClBackend backend, PrintStream progress,
            List<BiFunction<OpenClBackend, Duration, TunableFamily<?>>> families, List<Integer> weights) {
        if (families.size() != weights.size() || weights.stream().anyMatch(w -> w <= 0)) {
            throw new IllegalArgumentException("one positive weight per family, not " + weights + " for "
                    + families.size());
        }
        this.backend = backend;
        this.progress = progress;
        this.families = List.copyOf(families);
        this.weights = List.copyOf(weights);
        this.clock = System::nanoTime;
    }

    /**
     * A tuner of the given families on no device, reading time from {@code clock} (nanoseconds): tests give a
     * family that advances the clock as its "kernels" run, so the search order and the budget are checked without
     * OpenCL and without waiting. Its results have no device to be stored for.
     */
    Tuner(PrintStream progress, List<BiFunction<OpenClBackend, Duration, TunableFamily<?>>> families,
            LongSupplier clock) {
        this.backend = null;
        this.progress = progress;
        this.families = List.copyOf(families);
        this.weights = families.stream().map(f -> 1).toList();
        this.clock = clock;
    }

    /**
     * Tunes every family within {@code budget} and returns the choices; nothing is stored ({@link TuningResult#save}
     * does that). Each family gets the share of the time left that its weight has among the families not yet tuned,
     * so time one leaves over goes to the next.
     */
    public TuningResult tune(Duration budget) {
        long start = clock.getAsLong();
        long end = start + budget.toNanos();
        Search all = new Search();
        for (int i = 0; i < families.size(); i++) {
            long now = clock.getAsLong();
            int weightLeft = weights.subList(i, weights.size()).stream().mapToInt(Integer::intValue).sum();
            long deadline = now + (long) ((end - now) * (double) weights.get(i) / weightLeft);
            // The estimates of a configuration's cost are the family's own: other kernels, other workloads.
            all.maxPrepare = -1;
            all.maxMeasure = -1;
            try (TunableFamily<?> family = families.get(i).apply(backend, Duration.ofNanos(deadline - now))) {
                say("tuning " + family.describe() + String.format(Locale.ROOT, "; %.0f s", (deadline - now) / 1e9));
                tuneFamily(family, now + (deadline - now) * SEARCH_PERCENT / 100, deadline, all);
            }
        }
        return new TuningResult(backend == null ? null : backend.device().info(), all.choices, all.measured, all.rejected, all.untried,
                (clock.getAsLong() - start) / 1e9, budget.toNanos() / 1e9);
    }

    /** The running totals of one {@link #tune}. */
    private static final class Search {
        final List<TuningResult.Choice> choices = new ArrayList<>();
        final List<String> rejected = new ArrayList<>();
        int measured;
        int untried;
        double maxPrepare = -1;
        double maxMeasure = -1;
    }

    private <C> void tuneFamily(TunableFamily<C> family, long deadline, long finalDeadline, Search search) {
        List<String> classes = family.classes();
        Map<C, Map<String, Double>> rates = new LinkedHashMap<>();
        Set<C> tried = new LinkedHashSet<>();
        Set<C> defaults = new LinkedHashSet<>();
        for (String c : classes) {
            defaults.add(family.defaultFor(c));
        }
        boolean within = pass(family, DEFAULT_PHASE, List.copyOf(defaults), deadline, search, rates, tried);
        if (!defaults.stream().allMatch(rates::containsKey)) {
            // Without the baseline there is nothing to compare with: a rejected default is a bug to report.
            say(family.name() + ": " + (tried.containsAll(defaults) ? "a default configuration was rejected"
                    : "the budget did not cover the defaults (a larger --budget would)") + "; nothing chosen");
            return;
        }
        List<C> coarse = family.coarse();
        if (within && !family.probes().isEmpty()) {
            within = pass(family, "probe", family.probes(), deadline, search, rates, tried);
            coarse = byPart(family, coarse, rates);
        }
        if (within) {
            within = pass(family, "coarse", coarse, deadline, search, rates, tried);
        }
        if (within) {
            List<C> refine = new ArrayList<>();
            for (String c : classes) {
                for (C g : fastest(rates, c, REFINED)) {
                    refine.addAll(family.refinements(g));
                }
            }
            pass(family, "refine", refine, deadline, search, rates, tried);
        }
        // A final round runs about as many class rounds as measuring one configuration did.
        Map<C, Map<String, Double>> finals = decide(family, rates, finalDeadline, search.maxMeasure);
        Map<String, C> chosen = choose(classes, finals);
        for (String c : classes) {
            C def = family.defaultFor(c);
            C pick = chosen.get(c);
            search.choices.add(new TuningResult.Choice(family.name(), c, family.text(pick), finals.get(pick).get(c),
                    family.text(def), finals.get(def).get(c)));
        }
    }

    /**
     * Checks and measures each configuration not tried yet, while the budget allows.
     *
     * @return false when the budget stopped the pass
     */
    private <C> boolean pass(TunableFamily<C> family, String phase, List<C> configs, long deadline, Search search,
            Map<C, Map<String, Double>> rates, Set<C> tried) {
        List<C> todo = configs.stream().filter(c -> !tried.contains(c)).distinct().toList();
        for (int i = 0; i < todo.size(); i++) {
            double estimate = (search.maxPrepare < 0 ? family.firstPrepareSeconds() : search.maxPrepare)
                    + MEASURE_MARGIN * (search.maxMeasure < 0 ? family.firstMeasureSeconds() : search.maxMeasure);
            double left = (deadline - clock.getAsLong()) / 1e9;
            if (estimate > left) {
                search.untried += todo.size() - i;
                say(String.format(Locale.ROOT, "  budget: %d %s configurations not tried (the next needs about %.1f"
                        + " s, %.1f s left)", todo.size() - i, phase, estimate, Math.max(0, left)));
                return false;
            }
            C config = todo.get(i);
            tried.add(config);
            String label = String.format(Locale.ROOT, "  %-7s %2d/%-2d %-20s", phase, i + 1, todo.size(),
                    family.text(config));
            // The defaults were usually built in the background when the backend opened: their preparation says
            // little about a fresh build's, so it does not replace the first estimate.
            Map<String, Double> measured;
            try {
                measured = measure(family, config, label, search, !phase.equals(DEFAULT_PHASE), deadline);
            } catch (OutOfBudget e) {
                tried.remove(config);
                search.untried += todo.size() - i;
                say(label + " " + e.getMessage() + "; " + (todo.size() - i) + " " + phase
                        + " configurations not measured");
                return false;
            }
            if (measured != null) {
                rates.put(config, measured);
            }
        }
        return true;
    }

    /**
     * A configuration's measurement stopped after a warm-up round because its remaining rounds would overrun the
     * budget: a slow device (llvmpipe runs the GEMM workload at well under 1 GFLOP/s) can need minutes for what a
     * fast one measures in a second, and the first estimate cannot know which.
     */
    private static final class OutOfBudget extends Exception {
        private static final long serialVersionUID = 1L;

        OutOfBudget(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * {@code coarse} ordered by the rank of its part ({@link #rankParts} over what was measured so far), keeping the
     * family's order within a part, and without the parts left out; parts nothing was measured of go last.
     */
    private <C> List<C> byPart(TunableFamily<C> family, List<C> coarse, Map<C, Map<String, Double>> rates) {
        Map<String, Map<String, Double>> best = new LinkedHashMap<>();
        for (Map.Entry<C, Map<String, Double>> e : rates.entrySet()) {
            Map<String, Double> part = best.computeIfAbsent(family.part(e.getKey()), k -> new HashMap<>());
            e.getValue().forEach((c, rate) -> part.merge(c, rate, Math::max));
        }
        Map<String, Double> rank = rankParts(family.classes(), best);
        StringBuilder line = new StringBuilder("  parts by measured rate (mean share of the best):");
        rank.forEach((part, share) -> line.append(String.format(Locale.ROOT, " %s %.2f", part, share)));
        List<String> left = best.keySet().stream().filter(p -> !rank.containsKey(p)).toList();
        if (!left.isEmpty()) {
            line.append("; left out (below ").append(KEEP_PERCENT).append(" % of the best for every class):");
            for (String part : left) {
                line.append(String.format(Locale.ROOT, " %s %.2f", part, shares(family.classes(), best,
                        best.get(part)).max().orElse(0)));
            }
        }
        say(line.toString());
        List<String> order = new ArrayList<>(rank.keySet());
        return coarse.stream().filter(c -> rank.containsKey(family.part(c)) || !best.containsKey(family.part(c)))
                .sorted((x, y) -> Integer.compare(position(order, family.part(x)), position(order, family.part(y))))
                .toList();
    }

    private static int position(List<String> order, String part) {
        int i = order.indexOf(part);
        return i < 0 ? order.size() : i;
    }

    /**
     * The parts worth a coarse pass, best first, each with its mean share of the best: per class, a part's best rate
     * over the best of all parts. A part is kept when its share is at least {@value #KEEP_PERCENT}% for some class (a
     * width that wins one class stays), and the kept ones are ordered by their mean share over the classes, ties in
     * {@code best}'s order.
     *
     * @param best per part, its best measured rate per class
     */
    static Map<String, Double> rankParts(List<String> classes, Map<String, Map<String, Double>> best) {
        Map<String, Double> out = new LinkedHashMap<>();
        best.entrySet().stream().filter(e -> shares(classes, best, e.getValue()).max().orElse(0)
                >= KEEP_PERCENT / 100.0)
                .map(e -> Map.entry(e.getKey(), shares(classes, best, e.getValue()).average().orElse(0)))
                .sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    /** Per class, {@code rates}' share of the best rate any part of {@code best} reached there. */
    private static DoubleStream shares(List<String> classes, Map<String, Map<String, Double>> best,
            Map<String, Double> rates) {
        return classes.stream().mapToDouble(c -> {
            double top = best.values().stream().mapToDouble(r -> r.getOrDefault(c, 0.0)).max().orElse(0);
            return top > 0 ? rates.getOrDefault(c, 0.0) / top : 0;
        });
    }

    /** The {@code count} configurations with the highest rates for {@code shapeClass}. */
    private static <C> List<C> fastest(Map<C, Map<String, Double>> rates, String shapeClass, int count) {
        return rates.entrySet().stream()
                .sorted((x, y) -> Double.compare(y.getValue().get(shapeClass), x.getValue().get(shapeClass)))
                .limit(count).map(Map.Entry::getKey).toList();
    }

    /**
     * The final measurement: each class's finalists (its {@link #FINALISTS} fastest so far and the default) run one
     * round each in turn, again and again while the budget lasts, up to {@link #FINAL_ROUNDS} rounds.
     *
     * @return per configuration, the median rate of its final rounds for each class it is a finalist of, or its
     *         earlier rate where the budget allowed fewer than {@link #MIN_ROUNDS} final rounds
     */
    private <C> Map<C, Map<String, Double>> decide(TunableFamily<C> family, Map<C, Map<String, Double>> rates,
            long deadline, double firstRoundEstimate) {
        Map<String, List<C>> finalists = new LinkedHashMap<>();
        for (String c : family.classes()) {
            Set<C> f = new LinkedHashSet<>(fastest(rates, c, FINALISTS));
            f.add(family.defaultFor(c));
            finalists.put(c, List.copyOf(f));
        }
        Map<String, Map<C, List<Double>>> times = new LinkedHashMap<>();
        int rounds = 0;
        double slowestRound = firstRoundEstimate;
        while (rounds < FINAL_ROUNDS && MEASURE_MARGIN * slowestRound <= (deadline - clock.getAsLong()) / 1e9) {
            long start = clock.getAsLong();
            for (Map.Entry<String, List<C>> e : finalists.entrySet()) {
                for (C config : e.getValue()) {
                    long t = clock.getAsLong();
                    family.runRound(config, e.getKey());
                    times.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>())
                            .computeIfAbsent(config, k -> new ArrayList<>()).add((clock.getAsLong() - t) / 1e9);
                }
            }
            slowestRound = Math.max(slowestRound, (clock.getAsLong() - start) / 1e9);
            rounds++;
        }
        Map<C, Map<String, Double>> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<C>> e : finalists.entrySet()) {
            String c = e.getKey();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  final   %-26s", c + " (" + rounds
                    + " rounds):"));
            for (C config : e.getValue()) {
                double rate = rates.get(config).get(c);
                if (rounds >= MIN_ROUNDS) {
                    double[] t = times.get(c).get(config).stream().mapToDouble(Double::doubleValue).sorted().toArray();
                    rate = family.flops(c) / t[t.length / 2] / 1e9;
                }
                out.computeIfAbsent(config, k -> new HashMap<>()).put(c, rate);
                line.append(String.format(Locale.ROOT, " %s %.1f", family.text(config), rate));
            }
            say(line + " GFLOP/s");
        }
        return out;
    }

    /** Checks {@code config}, then times every class: GFLOP/s per class, or null when it was rejected. */
    private <C> Map<String, Double> measure(TunableFamily<C> family, C config, String label, Search search,
            boolean freshBuild, long deadline) throws OutOfBudget {
        long start = clock.getAsLong();
        String problem;
        try {
            double error = family.check(config);
            problem = error <= family.tolerance() ? null
                    : String.format(Locale.ROOT, "wrong results: relative error %.1e > %.0e", error,
                            family.tolerance());
        } catch (RuntimeException e) {
            problem = "failed: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }
        long checked = clock.getAsLong();
        if (freshBuild) {
            search.maxPrepare = Math.max(search.maxPrepare, (checked - start) / 1e9);
        }
        if (problem != null) {
            search.rejected.add(family.text(config) + ": " + problem);
            say(label + " rejected, " + problem);
            return null;
        }
        Map<String, Double> rates = new HashMap<>();
        // The lightest class first: its warm-up round tells, at the least cost, what the rest would take.
        List<String> classes = family.classes().stream().sorted(Comparator.comparingDouble(family::flops)).toList();
        for (int i = 0; i < classes.size(); i++) {
            String c = classes.get(i);
            long t = clock.getAsLong();
            family.runRound(config, c); // warm-up: first-launch code generation, caches, buffer pool
            double secondsPerFlop = (clock.getAsLong() - t) / 1e9 / family.flops(c);
            double rest = MIN_ROUNDS * family.flops(c) * secondsPerFlop;
            for (String later : classes.subList(i + 1, classes.size())) {
                rest += (1 + MIN_ROUNDS) * family.flops(later) * secondsPerFlop;
            }
            double left = (deadline - clock.getAsLong()) / 1e9;
            if (rest > left) {
                throw new OutOfBudget(String.format(Locale.ROOT, "stopped: its rounds need about %.1f s more, %.1f"
                        + " s left", rest, Math.max(0, left)));
            }
            double seconds = medianRound(family, config, c);
            rates.put(c, family.flops(c) / seconds / 1e9);
        }
        StringBuilder line = new StringBuilder(label);
        for (String c : family.classes()) {
            line.append(String.format(Locale.ROOT, " %s %.1f", c, rates.get(c)));
        }
        long done = clock.getAsLong();
        search.maxMeasure = Math.max(search.maxMeasure, (done - checked) / 1e9);
        search.measured++;
        say(line + String.format(Locale.ROOT, " GFLOP/s (%.1f s)", (done - start) / 1e9));
        return rates;
    }

    /** The median time of {@code shapeClass}'s rounds, after its warm-up round has run. */
    private <C> double medianRound(TunableFamily<C> family, C config, String shapeClass) {
        double[] times = new double[MAX_ROUNDS];
        int rounds = 0;
        long begin = clock.getAsLong();
        while (rounds < MAX_ROUNDS && (rounds < MIN_ROUNDS || (clock.getAsLong() - begin) / 1e9 < ROUNDS_SECONDS)) {
            long t = clock.getAsLong();
            family.runRound(config, shapeClass);
            times[rounds++] = (clock.getAsLong() - t) / 1e9;
        }
        double[] used = Arrays.copyOf(times, rounds);
        Arrays.sort(used);
        return used[rounds / 2];
    }

    /**
     * Per class, the fastest measured configuration, then fewer distinct ones: repeatedly the configuration that is
     * within {@link #SHARE_PERCENT}% of the best for the most classes still open serves all of them (ties go to the
     * larger summed rate). A configuration without a rate for a class is not a candidate for it.
     */
    static <C> Map<String, C> choose(List<String> classes, Map<C, Map<String, Double>> rates) {
        Map<String, Double> best = new HashMap<>();
        for (String c : classes) {
            best.put(c, rates.values().stream().mapToDouble(r -> r.getOrDefault(c, 0.0)).max().orElseThrow());
        }
        Map<String, C> chosen = new LinkedHashMap<>();
        List<String> open = new ArrayList<>(classes);
        while (!open.isEmpty()) {
            C pick = null;
            List<String> served = List.of();
            double pickSum = 0;
            for (Map.Entry<C, Map<String, Double>> e : rates.entrySet()) {
                List<String> covers = open.stream().filter(c -> e.getValue().containsKey(c)
                        && e.getValue().get(c) >= best.get(c) * (1 - SHARE_PERCENT / 100.0)).toList();
                double sum = covers.stream().mapToDouble(c -> e.getValue().get(c) / best.get(c)).sum();
                if (covers.size() > served.size() || (covers.size() == served.size() && sum > pickSum)) {
                    pick = e.getKey();
                    served = covers;
                    pickSum = sum;
                }
            }
            for (String c : served) {
                chosen.put(c, pick);
            }
            open.removeAll(served);
        }
        return chosen;
    }

    private void say(String line) {
        if (progress != null) {
            progress.println(line);
        }
    }
}
