package dev.clnn.backend.opencl.tuning;

import dev.clnn.device.DeviceInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shape of gemm_gpu (gemm_gpu.cl) on one device, in CLBlast's terms: a work-group of {@code ndimc} ×
 * {@code mdimc} work-items computes an {@code mwg} × {@code nwg} tile of C, stepping {@code kwg} along K through
 * local-memory slices of A and B; each work-item holds an {@link #mwi} × {@link #nwi} register tile. The compact
 * text form, {@code mwg64 nwg64 kwg16 mdimc16 ndimc16 vwm4 vwn4 kwi2 strm1 strn1 sa1 sb1}, is what
 * {@link #toString} writes and {@link #parse} reads, so a tuner can store a choice and a user can force one
 * ({@link KernelTuning#GPU_GEMM_PROPERTY}).
 *
 * @param mwg   MWG: rows of C per work-group
 * @param nwg   NWG: columns of C per work-group
 * @param kwg   KWG: depth along K of each local-memory slice
 * @param mdimc MDIMC: work-items along M (local size of dimension 1)
 * @param ndimc NDIMC: work-items along N (local size of dimension 0)
 * @param vwm   VWM: vector width of A's loads and fragments, 1, 2, 4 or 8
 * @param vwn   VWN: vector width of B's loads and fragments, 1, 2, 4 or 8
 * @param kwi   KWI: K steps unrolled in the inner loop; divides kwg
 * @param strm  STRM: a work-item's row vectors strided across the group (true) or contiguous
 * @param strn  STRN: the same for its column vectors
 * @param sa    SA: A goes through local memory (true) or is read from global memory by each work-item
 * @param sb    SB: the same for B
 */
public record GpuGemmConfig(int mwg, int nwg, int kwg, int mdimc, int ndimc, int vwm, int vwn, int kwi, boolean strm,
        boolean strn, boolean sa, boolean sb) {
    /** The field names of the text form, in {@link #fields} order: the macros in lower case. */
    private static final String[] FIELDS = {"mwg", "nwg", "kwg", "mdimc", "ndimc", "vwm", "vwn", "kwi", "strm", "strn",
        "sa", "sb"};
    /** The index in {@link #FIELDS} of strm, the first of the 0-or-1 fields. */
    private static final int FIRST_FLAG = 8;
    private static final Pattern TOKEN = Pattern.compile("([a-z]+)(\\d+)");

    /** The largest tile edge a configuration may have: beyond it one group's tile outgrows any local memory. */
    public static final int MAX_TILE = 256;
    /** The largest work-group a configuration may ask for (OpenCL devices allow at most 1024 today). */
    public static final int MAX_GROUP = 1024;
    /**
     * Floats a work-item may keep live in its inner loop ({@link #registers}): GPUs give a work-item up to 255
     * 32-bit registers, and addresses, indices and loop counters need some of them, so half of that for data.
     */
    static final int REGISTER_BUDGET = 128;

    /**
     * A robust shape for any GPU allowing 256 work-items and 8 KiB of local memory: 64×64 tiles, 16×16 work-items
     * with 4×4 accumulators each, float4 loads, K steps of 16. Not tuned on any card.
     */
    public static final GpuGemmConfig DEFAULT = new GpuGemmConfig(64, 64, 16, 16, 16, 4, 4, 2, true, true, true, true);
    /** Smaller shapes for devices that refuse the default, largest first; the last needs one work-item, no local. */
    private static final List<GpuGemmConfig> FALLBACKS = List.of(DEFAULT,
            parse("mwg32 nwg32 kwg16 mdimc8 ndimc8 vwm4 vwn4"),
            parse("mwg16 nwg16 kwg16 mdimc4 ndimc4 vwm4 vwn4"),
            parse("mwg4 nwg4 kwg4 mdimc1 ndimc1 vwm4 vwn4 sa0 sb0"));

    /** The (mwg, nwg, mdimc, ndimc) shapes {@link #candidates} combines with the other fields. */
    private static final int[][] CANDIDATE_SHAPES = {
        {32, 32, 8, 8}, {64, 64, 16, 16}, {64, 64, 8, 8}, {64, 64, 16, 8}, {64, 64, 8, 16}, {64, 128, 16, 16},
        {128, 64, 16, 16}, {64, 128, 8, 16}, {128, 64, 16, 8}, {128, 128, 16, 16}};
    private static final int[] CANDIDATE_KWG = {16, 32};

    /** Checks each field and the divisibility the kernel relies on; the message names the first bad field. */
    public GpuGemmConfig {
        inRange("mwg", mwg, MAX_TILE);
        inRange("nwg", nwg, MAX_TILE);
        inRange("kwg", kwg, MAX_TILE);
        inRange("mdimc", mdimc, MAX_GROUP);
        inRange("ndimc", ndimc, MAX_GROUP);
        inRange("kwi", kwi, MAX_TILE);
        vectorWidth("vwm", vwm);
        vectorWidth("vwn", vwn);
        if (mdimc * ndimc > MAX_GROUP) {
            throw new IllegalArgumentException("GPU GEMM mdimc*ndimc must be at most " + MAX_GROUP + ", not "
                    + mdimc + "*" + ndimc);
        }
        if (mwg % (mdimc * vwm) != 0) {
            throw new IllegalArgumentException("GPU GEMM mwg must be a multiple of mdimc*vwm = " + mdimc * vwm
                    + ", not " + mwg);
        }
        if (nwg % (ndimc * vwn) != 0) {
            throw new IllegalArgumentException("GPU GEMM nwg must be a multiple of ndimc*vwn = " + ndimc * vwn
                    + ", not " + nwg);
        }
        if (kwg % kwi != 0) {
            throw new IllegalArgumentException("GPU GEMM kwg must be a multiple of kwi = " + kwi + ", not " + kwg);
        }
    }

    private static void inRange(String field, int value, int max) {
        if (value < 1 || value > max) {
            throw new IllegalArgumentException("GPU GEMM " + field + " must be 1 to " + max + ", not " + value);
        }
    }

    private static void vectorWidth(String field, int value) {
        if (value != 1 && value != 2 && value != 4 && value != 8) {
            throw new IllegalArgumentException("GPU GEMM " + field + " must be 1, 2, 4 or 8, not " + value);
        }
    }

    /** MWI: rows of a work-item's register tile. */
    public int mwi() {
        return mwg / mdimc;
    }

    /** NWI: columns of a work-item's register tile. */
    public int nwi() {
        return nwg / ndimc;
    }

    /** Work-items per group. */
    public int workGroupSize() {
        return mdimc * ndimc;
    }

    /**
     * PACK_EDGE of gemm_gpu.cl: gemm_gpu_pack's work-groups are PACK_EDGE × PACK_EDGE, the largest power of two up to
     * {@link KernelTuning#PACK_EDGE} that is at most NDIMC and MDIMC, so they fit wherever gemm_gpu's own groups do.
     */
    public int packEdge() {
        return Integer.highestOneBit(Math.min(KernelTuning.PACK_EDGE, Math.min(mdimc, ndimc)));
    }

    /** Local memory one group uses: the KWG-deep slices of A and B that go through it. */
    public long localMemoryBytes() {
        return 4L * kwg * ((sa ? mwg : 0) + (sb ? nwg : 0));
    }

    /** Floats live in the inner loop: the MWI×NWI accumulators and the two fragments. */
    public int registers() {
        return mwi() * nwi() + mwi() + nwi();
    }

    /**
     * Whether {@code info} can launch this shape: its work-group in all and per dimension, its local memory, the
     * register budget ({@link #problem} says which does not fit).
     */
    public boolean fits(DeviceInfo info) {
        return problem(info) == null;
    }

    /**
     * Null where {@code info} can launch this shape, else the first limit it exceeds, named with its value and the
     * device's: the work-group (NDIMC along dimension 0, MDIMC along 1), the local memory of the A and B slices
     * ({@link #localMemoryBytes}), the register budget.
     */
    public String problem(DeviceInfo info) {
        String group = DeviceLimits.workGroupProblem(info, ndimc, mdimc);
        if (group != null) {
            return group;
        }
        String local = DeviceLimits.localMemoryProblem(info, localMemoryBytes());
        if (local != null) {
            return local;
        }
        if (registers() > REGISTER_BUDGET) {
            return registers() + " live floats per work-item exceed the register budget " + REGISTER_BUDGET;
        }
        return null;
    }

    /** The value of one of gemm_gpu.cl's macros, as the build options give it. */
    int define(KernelDefine define) {
        return switch (define) {
            case MWG -> mwg;
            case NWG -> nwg;
            case KWG -> kwg;
            case MDIMC -> mdimc;
            case NDIMC -> ndimc;
            case VWM -> vwm;
            case VWN -> vwn;
            case KWI -> kwi;
            case STRM -> strm ? 1 : 0;
            case STRN -> strn ? 1 : 0;
            case SA -> sa ? 1 : 0;
            case SB -> sb ? 1 : 0;
            default -> throw new IllegalArgumentException(define + " is not a macro of gemm_gpu.cl");
        };
    }

    /** The compact form {@link #parse} reads, every field given. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "mwg%d nwg%d kwg%d mdimc%d ndimc%d vwm%d vwn%d kwi%d strm%d strn%d sa%d sb%d",
                mwg, nwg, kwg, mdimc, ndimc, vwm, vwn, kwi, strm ? 1 : 0, strn ? 1 : 0, sa ? 1 : 0, sb ? 1 : 0);
    }

    /**
     * Reads the form {@link #toString} writes: fields named as the macros in lower case, each at most once, in any
     * order, separated by spaces or commas; a field left out keeps {@link #DEFAULT}'s value, so
     * {@code mwg128 nwg128} is 128×128 tiles of 8×8 per work-item. strm, strn, sa and sb take 0 or 1.
     *
     * @throws IllegalArgumentException naming the token or field that is unknown, repeated or out of range, or the
     *                                  constraint the fields break
     */
    public static GpuGemmConfig parse(String text) {
        int[] values = DEFAULT.fields();
        boolean[] seen = new boolean[FIELDS.length];
        for (String token : text.trim().split("[\\s,]+")) {
            Matcher m = TOKEN.matcher(token);
            int field = m.matches() ? List.of(FIELDS).indexOf(m.group(1)) : -1;
            if (field < 0) {
                throw new IllegalArgumentException("GPU GEMM config '" + text + "': unknown token '" + token
                        + "' (expected e.g. 'mwg64 nwg64 kwg16 mdimc16 ndimc16 vwm4 vwn4')");
            }
            if (seen[field]) {
                throw new IllegalArgumentException("GPU GEMM config '" + text + "': " + FIELDS[field]
                        + " given twice");
            }
            seen[field] = true;
            try {
                values[field] = Integer.parseInt(m.group(2));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("GPU GEMM config '" + text + "': bad number in '" + token + "'",
                        e);
            }
            if (field >= FIRST_FLAG && values[field] > 1) {
                throw new IllegalArgumentException("GPU GEMM config '" + text + "': " + FIELDS[field]
                        + " must be 0 or 1, not " + values[field]);
            }
        }
        try {
            return new GpuGemmConfig(values[0], values[1], values[2], values[3], values[4], values[5], values[6],
                    values[7], values[8] == 1, values[9] == 1, values[10] == 1, values[11] == 1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("GPU GEMM config '" + text + "': " + e.getMessage(), e);
        }
    }

    private int[] fields() {
        return new int[] {mwg, nwg, kwg, mdimc, ndimc, vwm, vwn, kwi, strm ? 1 : 0, strn ? 1 : 0, sa ? 1 : 0,
            sb ? 1 : 0};
    }

    /**
     * The shape for {@code info} when nobody has tuned it: {@link #DEFAULT} where it {@link #fits}, else the first
     * smaller fallback that does (32×32 tiles over 8×8 work-items, then 16×16 over 4×4, then one work-item without
     * local memory).
     */
    public static GpuGemmConfig forDevice(DeviceInfo info) {
        for (GpuGemmConfig c : FALLBACKS) {
            if (c.fits(info)) {
                return c;
            }
        }
        return FALLBACKS.get(FALLBACKS.size() - 1);
    }

    /**
     * The shapes a tuner tries on {@code info}, whatever its type (the tuner knows whether the device runs gemm_gpu,
     * {@link KernelTuning#blockedGemm}): 32×32 to 128×128 tiles over 8×8 to 16×16 work-items, so that each holds
     * 4×4 to 8×8 accumulators, K steps of 16 or 32, float4 loads (128-bit, the widest single load of current GPUs),
     * strided fragments (conflict-free local reads), both operands through local memory; those that {@link #fits}
     * the device. Each one is a program build, so the space is kept to the fields that matter most (the tiles):
     * 20 shapes. All of them are parity-tested (GemmParityTest).
     */
    public static List<GpuGemmConfig> candidates(DeviceInfo info) {
        List<GpuGemmConfig> out = new ArrayList<>();
        for (int[] s : CANDIDATE_SHAPES) {
            for (int kwg : CANDIDATE_KWG) {
                GpuGemmConfig c = new GpuGemmConfig(s[0], s[1], kwg, s[2], s[3], 4, 4, 2, true, true, true, true);
                if (c.fits(info)) {
                    out.add(c);
                }
            }
        }
        return out;
    }
}
