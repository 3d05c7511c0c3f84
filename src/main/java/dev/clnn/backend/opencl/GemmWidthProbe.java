package dev.clnn.backend.opencl;

import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.GemmWidth;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.backend.opencl.tuning.TuningStore;
import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceBuffer;
import dev.clnn.device.DeviceInfo;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Which vector width's default gemm_blocked shape a CPU device runs fastest, measured once per device rather than
 * taken from the width the device reports (POCL generating AVX2 code reports 16; llvmpipe reports 1). The first
 * time such a device is opened with no tuned or forced GEMM configuration ({@link GemmWidth#pending}), the backend
 * runs this before anything else: each width of {@link GemmWidth#probeWidths} builds its default shape, checks one
 * {@value #SIZE}³ product against a loop here, and then the widths run that product in interleaved rounds (so they
 * see the same load on a shared machine), {@value #MIN_ROUNDS} to {@value #MAX_ROUNDS} each (fewer on a device too
 * slow for {@value #MIN_ROUNDS} in {@value #MAX_ROUNDS_SECONDS} s); the medians decide
 * ({@link GemmWidth#choose}). The result goes to the tuning store as {@value GemmWidth#STORE_NAME}, so later runs
 * read it instead of measuring again, and {@code clnn devices} shows the rates. The reported width is built first:
 * it is the kernel the run uses where it wins, and the winner's program stays in the device's program cache, so
 * nothing is built twice.
 */
final class GemmWidthProbe {
    /** The product's edge: about 34 MFLOP, a fraction of a millisecond at 100 GFLOP/s, and past every block. */
    static final int SIZE = 256;
    /**
     * The most products per round: on a fast device three make a round long enough that POCL's launch latency
     * (0.1 ms) is small beside it; a slow device (llvmpipe: 40 ms and more per product) runs one.
     */
    static final int MAX_PRODUCTS = 3;
    /** A round of one product per width aims at least this long, in seconds, when products per round allow. */
    static final double ROUND_SECONDS = 0.005;
    static final int MIN_ROUNDS = 3;
    static final int MAX_ROUNDS = 9;
    /** Rounds beyond the minimum stop once the rounds have taken this long. */
    static final double ROUNDS_SECONDS = 0.25;
    /** Rounds stop here even below the minimum (a slow device), after one round at least: the cold-start bound. */
    static final double MAX_ROUNDS_SECONDS = 1.0;
    /** The largest relative error a width's product may have (fp32, K = 256; the parity tests' matmul bound). */
    static final double TOLERANCE = 1e-5;

    private static final System.Logger LOG = System.getLogger("dev.clnn");

    private GemmWidthProbe() {
    }

    /**
     * {@code tuning} with the default width measured on {@code device} and stored in {@code store}, or, where no width
     * could be measured, the reported one with why.
     */
    static KernelTuning run(ClDevice device, KernelTuning tuning, TuningStore store) {
        DeviceInfo info = device.info();
        long start = System.nanoTime();
        GemmWidth width;
        List<String> dropped = new ArrayList<>();
        Map<Integer, Double> rates = measure(device, tuning, GemmWidth.probeWidths(info), dropped);
        if (rates.isEmpty()) {
            width = GemmWidth.notProbed(info, "the probe measured no width (" + String.join("; ", dropped) + ")");
        } else {
            width = GemmWidth.probed(info, rates);
            try {
                store.put(info, Map.of(GemmWidth.STORE_NAME, width.entry()));
            } catch (IOException e) {
                LOG.log(Level.WARNING, "GEMM width probe of " + info.name() + " not stored (" + e.getMessage()
                        + "); it runs again next time");
            }
        }
        LOG.log(Level.INFO, String.format(Locale.ROOT, "GEMM width probe of %s in %.2f s: %s%s", info.name(),
                (System.nanoTime() - start) / 1e9, width.describe(), dropped.isEmpty() ? ""
                        : "; dropped: " + String.join("; ", dropped)));
        return tuning.withGemmDefaults(width);
    }

    /** GFLOP/s of each width's default shape that built and computed correctly; the others go to {@code dropped}. */
    static Map<Integer, Double> measure(ClDevice device, KernelTuning tuning, List<Integer> widths,
            List<String> dropped) {
        DeviceInfo info = device.info();
        int n = SIZE;
        float[] a = random(n * n, 1);
        float[] b = random(n * n, 2);
        double[] expected = reference(a, b, n);
        KernelLauncher launcher = new KernelLauncher(device, tuning);
        Map<Integer, GemmRoutine> routines = new LinkedHashMap<>();
        Map<Integer, double[]> times = new LinkedHashMap<>();
        try (DeviceBuffer aBuf = device.allocate(4L * n * n); DeviceBuffer bBuf = device.allocate(4L * n * n);
                DeviceBuffer cBuf = device.allocate(4L * n * n)) {
            device.write(aBuf, a);
            device.write(bBuf, b);
            float[] c = new float[n * n];
            for (int w : widths) {
                GemmConfig config = KernelTuning.defaultGemm(w, info);
                try {
                    GemmRoutine routine = new GemmRoutine(launcher.forGemm(config));
                    // The first launch builds the program and, on POCL, generates the kernel's code: not timed.
                    Arrays.fill(c, Float.NaN);
                    device.write(cBuf, c);
                    routine.gemm(cBuf, aBuf, bBuf, false, false, n, n, n, 1f, 0f, GemmVariant.BLOCKED);
                    device.read(cBuf, c);
                    double error = relativeError(c, expected);
                    if (!(error <= TOLERANCE)) {
                        dropped.add(String.format(Locale.ROOT, "%s: wrong results, relative error %.1e", config,
                                error));
                        continue;
                    }
                    routines.put(w, routine);
                    times.put(w, new double[MAX_ROUNDS]);
                } catch (RuntimeException e) {
                    dropped.add(config + ": " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
                }
            }
            // One untimed product per width (the first launch after a build can still be slow) tells how many
            // products a round can afford.
            double slowest = 0;
            for (GemmRoutine routine : routines.values()) {
                long t = System.nanoTime();
                routine.gemm(cBuf, aBuf, bBuf, false, false, n, n, n, 1f, 0f, GemmVariant.BLOCKED);
                device.finish();
                slowest = Math.max(slowest, (System.nanoTime() - t) / 1e9);
            }
            int products = (int) Math.max(1, Math.min(MAX_PRODUCTS, Math.floor(ROUND_SECONDS / slowest)));
            int rounds = 0;
            long begin = System.nanoTime();
            while (!routines.isEmpty() && rounds < MAX_ROUNDS && (rounds == 0
                    || (rounds < MIN_ROUNDS && (System.nanoTime() - begin) / 1e9 < MAX_ROUNDS_SECONDS)
                    || (System.nanoTime() - begin) / 1e9 < ROUNDS_SECONDS)) {
                for (Map.Entry<Integer, GemmRoutine> e : routines.entrySet()) {
                    long t = System.nanoTime();
                    for (int i = 0; i < products; i++) {
                        e.getValue().gemm(cBuf, aBuf, bBuf, false, false, n, n, n, 1f, 0f, GemmVariant.BLOCKED);
                    }
                    device.finish();
                    times.get(e.getKey())[rounds] = (System.nanoTime() - t) / 1e9;
                }
                rounds++;
            }
            Map<Integer, Double> rates = new LinkedHashMap<>();
            for (int w : routines.keySet()) {
                double[] t = Arrays.copyOf(times.get(w), rounds);
                Arrays.sort(t);
                rates.put(w, products * 2.0 * n * n * n / t[rounds / 2] / 1e9);
            }
            return rates;
        }
    }

    /** Seeded uniform values in [-1, 1). */
    private static float[] random(int count, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return out;
    }

    /** C = A·B for (n, n) row-major operands, summed in double. */
    private static double[] reference(float[] a, float[] b, int n) {
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < n; p++) {
                double aip = a[i * n + p];
                for (int j = 0; j < n; j++) {
                    c[i * n + j] += aip * b[p * n + j];
                }
            }
        }
        return c;
    }

    /** ‖c − expected‖₂ / ‖expected‖₂; NaN where c is not finite. */
    private static double relativeError(float[] c, double[] expected) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < c.length; i++) {
            if (!Float.isFinite(c[i])) {
                return Double.NaN;
            }
            diff += (c[i] - expected[i]) * (c[i] - expected[i]);
            norm += expected[i] * expected[i];
        }
        return Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30);
    }
}
