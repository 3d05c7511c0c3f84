package dev.clnn.backend.opencl.tuning;

import dev.clnn.device.DeviceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The shape of gemm_blocked on one device: each work-item holds {@code rows} × {@code vectors} accumulators of type
 * float{@code vectorWidth} (a block of RM rows × RN = VW·WN columns of C), and work-groups stack {@code groupRows}
 * such blocks along one strip of columns. Its compact text form, {@code vw8 rm6 wn2 g8}, is what {@link #toString}
 * writes and {@link #parse} reads, so a tuner can store a choice and a user can force one ({@link KernelTuning}).
 *
 * @param vectorWidth VW of gemm_blocked.cl: lanes of the column vectors, 1 (plain float), 2, 4, 8 or 16
 * @param rows        RM of gemm_blocked.cl: rows of C per work-item, 1 to {@value #MAX_ROWS}
 * @param vectors     WN of gemm_blocked.cl: column vectors per work-item, 1 to {@value #MAX_VECTORS}
 * @param groupRows   work-items per group, all on one column strip, a power of two up to {@value #MAX_GROUP_ROWS}
 */
public record GemmConfig(int vectorWidth, int rows, int vectors, int groupRows) {
    /** The most rows a configuration may have: bounds keep a work-item's block a plausible register block. */
    public static final int MAX_ROWS = 32;
    /** The most column vectors a configuration may have. */
    public static final int MAX_VECTORS = 8;
    /** The largest work-group a configuration may ask for. */
    public static final int MAX_GROUP_ROWS = 256;
    /** The row counts {@link #candidates} tries: the shapes register-blocked BLAS kernels use, not every integer. */
    private static final int[] CANDIDATE_ROWS = {2, 3, 4, 6, 8, 12, 16};
    private static final int[] CANDIDATE_GROUP_ROWS = {4, 8, 16, 32};
    /**
     * Fewer independent accumulators than this cannot keep two multiply-add units with a 4-cycle latency busy (current
     * x86 cores), so such shapes are left out of the candidates.
     */
    private static final int MIN_ACCUMULATORS = 8;

    /** The vector widths gemm_blocked.cl takes, narrowest first. */
    public static final List<Integer> WIDTHS = List.of(1, 2, 4, 8, 16);

    /** Checks each field; the message names the first bad one. */
    public GemmConfig {
        if (!WIDTHS.contains(vectorWidth)) {
            throw new IllegalArgumentException("GEMM vectorWidth (vw) must be 1, 2, 4, 8 or 16, not " + vectorWidth);
        }
        if (rows < 1 || rows > MAX_ROWS) {
            throw new IllegalArgumentException("GEMM rows (rm) must be 1 to " + MAX_ROWS + ", not " + rows);
        }
        if (vectors < 1 || vectors > MAX_VECTORS) {
            throw new IllegalArgumentException("GEMM vectors (wn) must be 1 to " + MAX_VECTORS + ", not " + vectors);
        }
        if (groupRows < 1 || groupRows > MAX_GROUP_ROWS || Integer.bitCount(groupRows) != 1) {
            throw new IllegalArgumentException("GEMM groupRows (g) must be a power of two up to " + MAX_GROUP_ROWS
                    + ", not " + groupRows);
        }
    }

    /** RN of gemm_blocked.cl: columns of C per work-item, VW·WN. */
    public int columns() {
        return vectorWidth * vectors;
    }

    /** Vector registers the inner loop keeps live: RM·WN accumulators, WN loaded vectors of B, one broadcast of A. */
    public int registers() {
        return rows * vectors + vectors + 1;
    }

    /**
     * Whether {@code info} can launch gemm_blocked in this shape: its work-groups are 1 × {@code groupRows} (the rows
     * along dimension 1). gemm_blocked uses no local memory. For the tuner: its candidates are those that fit.
     */
    public boolean fits(DeviceInfo info) {
        return problem(info) == null;
    }

    /** Null where {@link #fits}, else the limit the work-group exceeds, named with its value and the device's. */
    public String problem(DeviceInfo info) {
        return DeviceLimits.workGroupProblem(info, 1, groupRows);
    }

    /** The compact form {@link #parse} reads, e.g. {@code vw8 rm6 wn2 g8}. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "vw%d rm%d wn%d g%d", vectorWidth, rows, vectors, groupRows);
    }

    /**
     * Reads the form {@link #toString} writes: the four fields {@code vw}, {@code rm}, {@code wn}, {@code g}, each
     * once, in any order, separated by spaces or commas.
     *
     * @throws IllegalArgumentException naming the token or field that is missing, repeated, unknown or out of range
     */
    public static GemmConfig parse(String text) {
        String[] names = {"vw", "rm", "wn", "g"};
        int[] values = new int[names.length];
        boolean[] seen = new boolean[names.length];
        for (String token : text.trim().split("[\\s,]+")) {
            int field = -1;
            for (int f = 0; f < names.length; f++) {
                if (token.startsWith(names[f]) && token.length() > names[f].length()
                        && Character.isDigit(token.charAt(names[f].length()))) {
                    field = f;
                }
            }
            if (field < 0) {
                throw new IllegalArgumentException("GEMM config '" + text + "': unknown token '" + token
                        + "' (expected e.g. 'vw8 rm6 wn2 g8')");
            }
            if (seen[field]) {
                throw new IllegalArgumentException("GEMM config '" + text + "': " + names[field] + " given twice");
            }
            seen[field] = true;
            try {
                values[field] = Integer.parseInt(token.substring(names[field].length()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("GEMM config '" + text + "': bad number in '" + token + "'", e);
            }
        }
        for (int f = 0; f < names.length; f++) {
            if (!seen[f]) {
                throw new IllegalArgumentException("GEMM config '" + text + "': " + names[f] + " missing"
                        + " (expected e.g. 'vw8 rm6 wn2 g8')");
            }
        }
        return new GemmConfig(values[0], values[1], values[2], values[3]);
    }

    /**
     * Vector registers of a CPU class, inferred from the width of the vectors: 16 means AVX-512 (32 zmm registers),
     * 8 and 4 are taken as AVX2 or SSE (16 ymm or xmm registers). Blocks of 1 (plain floats) and 2 (64-bit lanes) get
     * the same 16: a float or float2 still takes a whole register of a CPU that runs them one work-item at a time
     * (x86-64 keeps scalar floats in xmm registers, 16 without AVX-512), and a device that vectorises across
     * work-items (llvmpipe, POCL's work-group vectoriser) turns each lane of the block into one register of 8 or 16
     * work-items, so the count is again what bounds the block.
     */
    static int vectorRegisters(int width) {
        return width >= 16 ? 32 : 16;
    }

    /**
     * The device's native vector width in floats, clamped to 4..16: the width whose default shape applies when
     * nothing was measured (a device reporting 1, a GPU or llvmpipe, is taken as SSE-class rather than scalar).
     */
    public static int nativeWidth(DeviceInfo info) {
        return Math.max(4, Math.min(16, Integer.highestOneBit(Math.max(1, info.preferredVectorWidthFloat()))));
    }

    /**
     * The configurations a tuner may try on {@code info}: those of {@link #candidates(int)} for every width of
     * {@link #WIDTHS}, narrowest first (what a device reports is no guide to the code its driver generates, so the
     * tuner measures the widths rather than trusting it). Empty for GPUs, which use gemm_gpu rather than this kernel.
     */
    public static List<GemmConfig> candidates(DeviceInfo info) {
        List<GemmConfig> out = new ArrayList<>();
        if (!info.gpu()) {
            for (int width : WIDTHS) {
                out.addAll(candidates(width, info));
            }
        }
        return out;
    }

    /** The candidates of {@code width} ({@link #candidates(int)}) that fit {@code info}'s work-group limits. */
    public static List<GemmConfig> candidates(int width, DeviceInfo info) {
        return candidates(width).stream().filter(c -> c.fits(info)).toList();
    }

    /**
     * The candidates of one vector width (1, 2, 4, 8 or 16), with the register file {@link #vectorRegisters} infers
     * for it: a tuner searches several widths, since a device may report another width than the code its driver
     * generates (POCL told to generate Haswell code still reports 16; llvmpipe reports 1 and vectorises across
     * work-items). The same rule for every width, so 28 candidates (7 block shapes) for widths up to 8.
     */
    public static List<GemmConfig> candidates(int width) {
        if (!WIDTHS.contains(width)) {
            throw new IllegalArgumentException("GEMM vector width must be 1, 2, 4, 8 or 16, not " + width);
        }
        List<GemmConfig> out = new ArrayList<>();
        int registers = vectorRegisters(width);
        for (int rows : CANDIDATE_ROWS) {
            for (int vectors = 1; vectors <= 4; vectors++) {
                for (int group : CANDIDATE_GROUP_ROWS) {
                    GemmConfig c = new GemmConfig(width, rows, vectors, group);
                    if (c.registers() <= registers && rows * vectors >= MIN_ACCUMULATORS) {
                        out.add(c);
                    }
                }
            }
        }
        return out;
    }
}
