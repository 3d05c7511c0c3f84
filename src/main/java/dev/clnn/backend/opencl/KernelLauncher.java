package dev.clnn.backend.opencl;

import dev.clnn.backend.opencl.tuning.GemmConfig;
import dev.clnn.backend.opencl.tuning.DeviceLimits;
import dev.clnn.backend.opencl.tuning.GpuGemmConfig;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.device.ClDevice;
import dev.clnn.device.ClKernel;
import dev.clnn.device.DeviceBuffer;
import dev.clnn.device.DeviceInfo;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Launches the registry's kernels ({@link Kernels}) on one device, each built with the options its
 * {@link KernelTuning} gives, in the launch shapes that {@link OpenClBackend} and the routines share. It remembers
 * which entries it has launched, so a coverage check can compare them with the registry. On a profiled device it
 * tags each launch with the op it runs for ({@link #withinOp}), so kernel times can be grouped by op. A GEMM product
 * launches gemm_blocked.cl's kernels through the launcher of its configuration ({@link #forGemm}), which builds them
 * with that configuration's options and shares everything else with this one.
 */
final class KernelLauncher {
    /** Work-group size along dimension 0 of the multi-dimensional ranges (pooling, convolution layouts, packing). */
    private static final int RANGE_LOCAL = 16;
    /** The op name of a launch made outside {@link #withinOp} (none is, today). */
    static final String OUTSIDE_OPS = "(no op)";

    private final ClDevice device;
    private final KernelTuning tuning;
    private final Map<Kernels, String> options = new EnumMap<>(Kernels.class);
    private final EnumSet<Kernels> launched;
    /** The op the calling thread is running; null without profiling, so an unprofiled launch does no bookkeeping. */
    private final ThreadLocal<String> op;
    /** The launchers of {@link #forGemm}, one per configuration; shared by the whole family of launchers. */
    private final Map<GemmConfig, KernelLauncher> gemmLaunchers;

    KernelLauncher(ClDevice device, KernelTuning tuning) {
        this(device, tuning, null, EnumSet.noneOf(Kernels.class), device.profiling() ? new ThreadLocal<>() : null,
                new ConcurrentHashMap<>());
    }

    private KernelLauncher(ClDevice device, KernelTuning tuning, GemmConfig gemm, EnumSet<Kernels> launched,
            ThreadLocal<String> op, Map<GemmConfig, KernelLauncher> gemmLaunchers) {
        this.device = device;
        this.tuning = tuning;
        for (Kernels k : Kernels.values()) {
            options.put(k, gemm == null ? k.buildOptions(tuning) : k.buildOptions(tuning, gemm));
        }
        this.launched = launched;
        this.op = op;
        this.gemmLaunchers = gemmLaunchers;
    }

    /**
     * The launcher that builds gemm_blocked.cl with {@code config}: same device, same record of launched entries and
     * op tags, and a tuning whose every GEMM class has {@code config} (so a routine given it finds the configuration
     * there too). Created once per configuration.
     */
    KernelLauncher forGemm(GemmConfig config) {
        return gemmLaunchers.computeIfAbsent(config, c -> new KernelLauncher(device, tuning.withGemm(c), c, launched,
                op, gemmLaunchers));
    }

    /**
     * A launcher that builds gemm_gpu.cl with {@code config}: same device, same record of launched entries and op
     * tags, and a tuning that holds {@code config} (so {@link GpuGemmRoutine} finds it there). Not cached: its
     * caller ({@link ConfiguredGpuGemm}) is created once per configuration.
     */
    KernelLauncher forGpuGemm(GpuGemmConfig config) {
        return new KernelLauncher(device, tuning.withGpuGemm(config), null, launched, op, gemmLaunchers);
    }

    /**
     * Runs {@code body}, whose launches belong to the op {@code name}. An op run inside another keeps the outer
     * name, so its kernels are counted where the caller's op is.
     */
    void withinOp(String name, Runnable body) {
        if (op == null || op.get() != null) {
            body.run();
            return;
        }
        op.set(name);
        try {
            body.run();
        } finally {
            op.remove();
        }
    }

    KernelTuning tuning() {
        return tuning;
    }

    /** A device buffer of {@code bytes}, for a routine's temporaries. */
    DeviceBuffer allocate(long bytes) {
        return device.allocate(bytes);
    }

    /**
     * Enqueues {@code kernel} over {@code global} in work-groups of {@code local}, without waiting.
     *
     * @throws IllegalArgumentException naming the kernel, the group and the limit where {@code local} exceeds the
     *                                  device's work-group limits or the compiled kernel's ({@link ClKernel})
     */
    void launch(Kernels kernel, long[] global, long[] local, Object... args) {
        launch(kernel, compiled(kernel), global, local, args);
    }

    private ClKernel compiled(Kernels kernel) {
        return device.kernel(kernel.file().fileName(), kernel.kernelName(), options.get(kernel));
    }

    private void launch(Kernels kernel, ClKernel compiled, long[] global, long[] local, Object... args) {
        String problem = DeviceLimits.workGroupProblem(device.info(), local);
        if (problem != null) {
            throw new IllegalArgumentException("kernel " + kernel.kernelName() + ": " + problem);
        }
        synchronized (launched) {
            launched.add(kernel);
        }
        if (op == null) {
            compiled.launch(global, local, args);
        } else {
            device.launch(compiled, Objects.requireNonNullElse(op.get(), OUTSIDE_OPS), global, local, args);
        }
    }

    /**
     * Fills the first {@code count} 32-bit words of {@code buffer} with {@code bits} through the device's fill
     * command, tagged with the calling op on a profiled device. No kernel: see {@link ClDevice#fill}.
     */
    void fill(DeviceBuffer buffer, long count, int bits) {
        device.fill(buffer, count, bits, op == null ? OUTSIDE_OPS : Objects.requireNonNullElse(op.get(), OUTSIDE_OPS));
    }

    /**
     * One work-item per element, in groups of the tuning's elementwise size, or fewer where the compiled kernel
     * allows fewer (its CL_KERNEL_WORK_GROUP_SIZE); kernels guard the rounded-up tail.
     */
    void elementwise(Kernels kernel, long items, Object... args) {
        ClKernel compiled = compiled(kernel);
        long local = Math.min(tuning.elementwiseLocal(), powerOfTwoAtMost(compiled.maxWorkGroupSize()));
        launch(kernel, compiled, new long[] {roundUp(items, local)}, new long[] {local}, args);
    }

    /**
     * A multi-dimensional range in work-groups of {@link #RANGE_LOCAL} along dimension 0 (1 along the others), the
     * global size rounded up; kernels guard their bounds. A fixed group shape matters on POCL, which generates code
     * per kernel and group size at its first launch: a size left to the runtime follows the data's shape and costs
     * a fresh compilation for every new shape.
     */
    void range(Kernels kernel, long[] global, Object... args) {
        ClKernel compiled = compiled(kernel);
        long[] local = rangeGroups(tuning, global.length, compiled.maxWorkGroupSize());
        long[] rounded = global.clone();
        rounded[0] = roundUp(global[0], local[0]);
        launch(kernel, compiled, rounded, local, args);
    }

    /**
     * The work-groups of {@link #range}: {@link #RANGE_LOCAL} along dimension 0, or fewer where the device's
     * elementwise group (which fits dimension 0) or the compiled kernel's {@code kernelGroup} (its
     * CL_KERNEL_WORK_GROUP_SIZE) is smaller; 1 along the others.
     */
    static long[] rangeGroups(KernelTuning tuning, int dimensions, long kernelGroup) {
        long[] local = new long[dimensions];
        Arrays.fill(local, 1);
        local[0] = Math.min(Math.min(RANGE_LOCAL, tuning.elementwiseLocal()), powerOfTwoAtMost(kernelGroup));
        return local;
    }

    /** The largest power of two at most {@code limit}, and at least 1. */
    private static long powerOfTwoAtMost(long limit) {
        return Long.highestOneBit(Math.max(1, limit));
    }

    /**
     * A multi-dimensional range in work-groups of {@code local}, every dimension of {@code global} rounded up to a
     * multiple of it; kernels guard their bounds. For kernels whose items are too light to pay a group's overhead
     * in groups of {@link #RANGE_LOCAL} (POCL runs a group as one loop, and starts each group apart).
     */
    void rangeInGroups(Kernels kernel, long[] global, long[] local, Object... args) {
        rangeInGroups(kernel, compiled(kernel), global, local, args);
    }

    private void rangeInGroups(Kernels kernel, ClKernel compiled, long[] global, long[] local, Object... args) {
        long[] rounded = new long[global.length];
        for (int d = 0; d < global.length; d++) {
            rounded[d] = roundUp(global[d], local[d]);
        }
        launch(kernel, compiled, rounded, local, args);
    }

    /**
     * Work-groups of up to 256 items for a 2-D or 3-D range: 16 along dimension 0 (which POCL vectorises) and 4 (or
     * 4 × 4) along the others; where dimension 0 is shorter than 16 (a linear layer's bias), 1 along it and 16 (or
     * 16 × 16) along the others. Only these two shapes per rank, so POCL generates each kernel at most twice. Devices
     * with smaller groups, or whose per-dimension sizes (CL_DEVICE_MAX_WORK_ITEM_SIZES) or compiled kernel
     * ({@code kernelGroup}, its CL_KERNEL_WORK_GROUP_SIZE) refuse these, keep the groups of {@link #range}.
     */
    static long[] groupsFor(KernelTuning tuning, DeviceInfo info, long[] global, long kernelGroup) {
        long[] local = new long[global.length];
        Arrays.fill(local, 1);
        if (tuning.elementwiseLocal() >= 256 && global.length > 1) {
            boolean wide = global[0] >= RANGE_LOCAL;
            long others = global.length == 2 ? (wide ? 4 : 64) : (wide ? 4 : 16);
            local[0] = wide ? RANGE_LOCAL : 1;
            for (int d = 1; d < global.length; d++) {
                local[d] = others;
            }
            if (DeviceLimits.workGroupProblem(info, local) == null && items(local) <= kernelGroup) {
                return local;
            }
        }
        return rangeGroups(tuning, global.length, kernelGroup);
    }

    /** {@link #rangeInGroups} with the work-groups of {@link #groupsFor}. */
    void rangeGrouped(Kernels kernel, long[] global, Object... args) {
        ClKernel compiled = compiled(kernel);
        rangeInGroups(kernel, compiled, global, groupsFor(tuning, device.info(), global, compiled.maxWorkGroupSize()),
                args);
    }

    private static long items(long[] local) {
        long items = 1;
        for (long l : local) {
            items *= l;
        }
        return items;
    }

    /** The registry entries launched so far, in registry order. */
    Set<Kernels> launched() {
        synchronized (launched) {
            return EnumSet.copyOf(launched);
        }
    }

    static long roundUp(long value, long multiple) {
        return ceilDiv(value, multiple) * multiple;
    }

    static long ceilDiv(long value, long divisor) {
        return (value + divisor - 1) / divisor;
    }
}
