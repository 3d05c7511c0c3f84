package dev.clnn.tune;

import dev.clnn.backend.opencl.tuning.TuningStore;
import dev.clnn.device.DeviceInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a {@link Tuner} run found: per family and class of shape, the configuration chosen and the default, each with
 * its measured rate, and how the run went.
 *
 * @param device    the device it ran on
 * @param choices   one per family and class that was measured; empty when the budget ran out before the defaults
 *                  were measured
 * @param measured  configurations measured (the defaults included)
 * @param rejected  configurations that failed their check against the CPU reference or could not run, with why
 * @param untried   configurations of the search left out because the budget would not have covered them
 * @param seconds   how long the run took
 * @param budget    the budget it was given, in seconds
 */
public record TuningResult(DeviceInfo device, List<Choice> choices, int measured, List<String> rejected, int untried,
        double seconds, double budget) {

    /**
     * The outcome for one class of shape.
     *
     * @param family        the family's store name, e.g. {@code gemm}
     * @param shapeClass    the class, e.g. {@code large}
     * @param chosen        the chosen configuration's text form
     * @param chosenGflops  its rate on the class's workload
     * @param defaultConfig the untuned configuration's text form
     * @param defaultGflops its rate on the same workload, in the same run
     */
    public record Choice(String family, String shapeClass, String chosen, double chosenGflops, String defaultConfig,
            double defaultGflops) {
        /** The store entry name, e.g. {@code gemm.large}. */
        public String entryName() {
            return family + "." + shapeClass;
        }
    }

    public TuningResult {
        choices = List.copyOf(choices);
        rejected = List.copyOf(rejected);
    }

    /** The store entries of the choices: entry name to configuration text. */
    public Map<String, String> entries() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Choice c : choices) {
            out.put(c.entryName(), c.chosen());
        }
        return out;
    }

    /**
     * Writes the choices to {@code store} for {@link #device}, keeping its other families' entries.
     *
     * @return the file written
     * @throws IllegalStateException when there is nothing to store (the budget did not cover the defaults)
     * @throws IOException           when the store cannot be written
     */
    public Path save(TuningStore store) throws IOException {
        if (choices.isEmpty()) {
            throw new IllegalStateException("nothing to store: the tuning measured no configuration");
        }
        return store.put(device, entries());
    }

    /** The chosen configurations against the defaults, one line per class, then a summary line. */
    public List<String> table() {
        List<String> lines = new ArrayList<>();
        if (!choices.isEmpty()) {
            // gemm_blocked's text forms fit 20 columns; gemm_gpu's are longer.
            int width = Math.max(20, choices.stream()
                    .mapToInt(c -> Math.max(c.chosen().length(), c.defaultConfig().length())).max().orElse(0));
            // The class column widens for names past 14 characters, such as conv.small-patch.
            int names = Math.max(14, choices.stream().mapToInt(c -> c.entryName().length()).max().orElse(0));
            String header = "%-" + names + "s %-" + width + "s %8s   %-" + width + "s %8s  %s";
            String row = "%-" + names + "s %-" + width + "s %8.1f   %-" + width + "s %8.1f  %.2fx";
            lines.add(String.format(Locale.ROOT, header, "class", "chosen", "GFLOP/s", "default", "GFLOP/s",
                    "speed-up"));
            for (Choice c : choices) {
                lines.add(String.format(Locale.ROOT, row, c.entryName(),
                        c.chosen(), c.chosenGflops(), c.defaultConfig(), c.defaultGflops(),
                        c.chosenGflops() / c.defaultGflops()));
            }
        }
        lines.add(String.format(Locale.ROOT, "measured %d configurations (%d rejected, %d not tried for the budget)"
                + " in %.1f s of a %.0f s budget", measured, rejected.size(), untried, seconds, budget));
        return lines;
    }
}
