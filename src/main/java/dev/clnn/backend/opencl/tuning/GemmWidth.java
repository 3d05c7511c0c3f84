package dev.clnn.backend.opencl.tuning;

import dev.clnn.device.DeviceInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The vector width whose default shape gemm_blocked runs on a CPU device nobody has tuned, and where it came from:
 * the width a short probe measured fastest on the device (the backend's {@code GemmWidthProbe}, stored once per device
 * as the tuning store's {@value #STORE_NAME} entry), or the width the device reports, with the reason it was not
 * probed. The reported width alone is no guide: POCL told to generate AVX2 code still reports 16, llvmpipe reports 1.
 *
 * @param width     the width, 1, 2, 4, 8 or 16, whose default shape ({@link KernelTuning#defaultGemm}) applies
 * @param rates     GFLOP/s of each width's default shape as the probe measured them, fastest first; empty when not
 *                  probed
 * @param notProbed why the width was not probed; null when it was, or when it is still to be (the device's first
 *                  opening measures it: {@link #pending})
 */
public record GemmWidth(int width, Map<Integer, Double> rates, String notProbed) {
    /** The tuning store's entry, e.g. {@code gemm.width = 8; probed vw8 184.2 vw16 121.0 GFLOP/s}. */
    public static final String STORE_NAME = "gemm.width";
    /** {@code off} turns the probe off ({@link #PROBE_ENV} does the same when the property is unset). */
    public static final String PROBE_PROPERTY = "clnn.gemm.probe";
    /** The environment variable read when {@link #PROBE_PROPERTY} is unset. */
    public static final String PROBE_ENV = "CLNN_GEMM_PROBE";
    /**
     * Another width replaces the reported one only when it measured at least this many percent faster: the probe is
     * short and the machine may be shared, so a closer result does not overrule what the device says.
     */
    static final int MARGIN_PERCENT = 5;

    private static final Pattern RATE = Pattern.compile("vw(\\d+) ([0-9]+(?:\\.[0-9]+)?)");

    public GemmWidth {
        if (!GemmConfig.WIDTHS.contains(width)) {
            throw new IllegalArgumentException("GEMM width must be 1, 2, 4, 8 or 16, not " + width);
        }
        rates = sortedByRate(rates);
    }

    /** The reported width ({@link GemmConfig#nativeWidth}), still to be probed. */
    public static GemmWidth reported(DeviceInfo info) {
        return new GemmWidth(GemmConfig.nativeWidth(info), Map.of(), null);
    }

    /** The reported width, not probed because of {@code why}. */
    public static GemmWidth notProbed(DeviceInfo info, String why) {
        return new GemmWidth(GemmConfig.nativeWidth(info), Map.of(), why);
    }

    /** The width {@link #choose} picks from {@code rates}, measured on {@code info}. */
    public static GemmWidth probed(DeviceInfo info, Map<Integer, Double> rates) {
        if (rates.isEmpty()) {
            throw new IllegalArgumentException("a probe measured no width");
        }
        return new GemmWidth(choose(GemmConfig.nativeWidth(info), rates), rates, null);
    }

    /**
     * The widths a probe measures on {@code info}: the reported one ({@link GemmConfig#nativeWidth}, or 1 where the
     * device reports 1), then 8 and 16, the AVX2 and AVX-512 classes whose code x86 drivers generate, and 4 where
     * the device reports 4 or less (an SSE or NEON class, or a device that vectorises across work-items). Width 4 is
     * left out beside 8 and 16, where it measured slower at every size on AVX2 and AVX-512 code; widths 2 and 1
     * beside 4. Each width is one more build of gemm_blocked.cl when the device is first opened.
     */
    public static List<Integer> probeWidths(DeviceInfo info) {
        List<Integer> out = new ArrayList<>();
        out.add(info.preferredVectorWidthFloat() <= 1 ? 1 : GemmConfig.nativeWidth(info));
        for (int w : new int[] {8, 16}) {
            if (!out.contains(w)) {
                out.add(w);
            }
        }
        if (GemmConfig.nativeWidth(info) <= 4 && !out.contains(4)) {
            out.add(4);
        }
        return out;
    }

    /**
     * The fastest width of {@code rates}, unless the reported width was measured and is within
     * {@value #MARGIN_PERCENT}% of it; the reported width when nothing was measured.
     */
    public static int choose(int reported, Map<Integer, Double> rates) {
        int best = reported;
        double bestRate = -1;
        for (Map.Entry<Integer, Double> e : rates.entrySet()) {
            if (e.getValue() > bestRate) {
                best = e.getKey();
                bestRate = e.getValue();
            }
        }
        Double own = rates.get(reported);
        if (own != null && own * (1 + MARGIN_PERCENT / 100.0) >= bestRate) {
            return reported;
        }
        return best;
    }

    /**
     * Where the default width of {@code tuning} (read from {@code store} for {@code info}) stands: a probed width as
     * stored, else still to be probed ({@link #pending}), or the reported width with why it cannot be probed: the
     * device runs gemm_gpu, every class has a tuned or forced configuration, the probe is turned off
     * ({@value #PROBE_ENV}), or the store cannot be written (a probe that cannot be stored would run at every start).
     */
    static GemmWidth resolve(DeviceInfo info, KernelTuning tuning, TuningStore store) {
        GemmWidth current = tuning.gemm().defaultWidth();
        if (!current.pending()) {
            return current;
        }
        String why;
        if (!tuning.blockedGemm()) {
            why = "the device runs gemm_gpu, whose vector widths are part of its configuration";
        } else if (!tuning.gemm().usesDefault()) {
            why = "every class of shape has a tuned or forced configuration";
        } else if ("off".equalsIgnoreCase(KernelTuning.setting(PROBE_PROPERTY, PROBE_ENV))) {
            why = PROBE_PROPERTY + "/" + PROBE_ENV + " is off";
        } else {
            why = store.unwritable();
        }
        return why == null ? current : notProbed(info, why);
    }

    /** Whether the width is still to be probed: neither measured nor ruled out. */
    public boolean pending() {
        return rates.isEmpty() && notProbed == null;
    }

    /** The store entry's value, e.g. {@code 8; probed vw8 184.2 vw16 121.0 GFLOP/s}. */
    public String entry() {
        if (rates.isEmpty()) {
            throw new IllegalStateException("only a probed width is stored");
        }
        StringBuilder out = new StringBuilder().append(width).append("; probed");
        rates.forEach((w, r) -> out.append(String.format(Locale.ROOT, " vw%d %.2f", w, r)));
        return out.append(" GFLOP/s").toString();
    }

    /**
     * Reads {@link #entry}'s form.
     *
     * @throws IllegalArgumentException when it does not parse
     */
    public static GemmWidth parse(String entry) {
        String[] parts = entry.split(";", 2);
        int width;
        try {
            width = Integer.parseInt(parts[0].trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("GEMM width entry '" + entry + "': no width before ';'", e);
        }
        Map<Integer, Double> rates = new LinkedHashMap<>();
        if (parts.length > 1) {
            Matcher m = RATE.matcher(parts[1]);
            while (m.find()) {
                rates.put(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)));
            }
        }
        if (rates.isEmpty()) {
            throw new IllegalArgumentException("GEMM width entry '" + entry + "': no measured rates");
        }
        return new GemmWidth(width, rates, null);
    }

    /**
     * In words, for {@code clnn devices}: {@code default for width 8, probed: vw8 184 vs vw16 121 GFLOP/s}, or
     * {@code default for the reported width 16, not probed: <why>}, or {@code ... not probed yet (...)}.
     */
    public String describe() {
        if (!rates.isEmpty()) {
            StringBuilder out = new StringBuilder("default for width " + width + ", probed:");
            String sep = " ";
            for (Map.Entry<Integer, Double> e : rates.entrySet()) {
                out.append(sep).append(String.format(Locale.ROOT, e.getValue() >= 10 ? "vw%d %.0f" : "vw%d %.2f",
                        e.getKey(), e.getValue()));
                sep = " vs ";
            }
            return out.append(" GFLOP/s").toString();
        }
        return "default for the reported width " + width + ", not probed " + (notProbed == null
                ? "yet (measured when the device is first opened)" : "because " + notProbed);
    }

    private static Map<Integer, Double> sortedByRate(Map<Integer, Double> rates) {
        Map<Integer, Double> out = new LinkedHashMap<>();
        rates.entrySet().stream().sorted((x, y) -> Double.compare(y.getValue(), x.getValue()))
                .forEach(e -> out.put(e.getKey(), e.getValue()));
        return Collections.unmodifiableMap(out);
    }
}
