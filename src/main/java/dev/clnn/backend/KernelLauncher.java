package dev.clnn.backend;

import dev.clnn.device.ClDevice;
import dev.clnn.device.DeviceBuffer;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Launches the registry's kernels ({@link Kernels}) on one device, each built with the options its
 * {@link KernelTuning} gives, in the launch shapes that {@link OpenClBackend} and the routines share. It remembers
 * which entries it has launched, so a coverage check can compare them with the registry.
 */
final class KernelLauncher {
    /** Work-group size along dimension 0 of the multi-dimensional ranges (pooling, convolution layouts, packing). */
    private static final int RANGE_LOCAL = 16;

    private final ClDevice device;
    private final KernelTuning tuning;
    private final Map<Kernels, String> options = new EnumMap<>(Kernels.class);
    private final EnumSet<Kernels> launched = EnumSet.noneOf(Kernels.class);

    KernelLauncher(ClDevice device, KernelTuning tuning) {
        this.device = device;
        this.tuning = tuning;
        for (Kernels k : Kernels.values()) {
            options.put(k, tuning.buildOptions(k));
        }
    }

    ClDevice device() {
        return device;
    }

    KernelTuning tuning() {
        return tuning;
    }

    /** A device buffer of {@code bytes}, for a routine's temporaries. */
    DeviceBuffer allocate(long bytes) {
        return device.allocate(bytes);
    }

    /** Enqueues {@code kernel} over {@code global} in work-groups of {@code local}, without waiting. */
    void launch(Kernels kernel, long[] global, long[] local, Object... args) {
        synchronized (launched) {
            launched.add(kernel);
        }
        device.kernel(kernel.file().fileName(), kernel.kernelName(), options.get(kernel)).launch(global, local, args);
    }

    /** One work-item per element, in groups of the tuning's elementwise size; kernels guard the rounded-up tail. */
    void elementwise(Kernels kernel, long items, Object... args) {
        long local = tuning.elementwiseLocal();
        launch(kernel, new long[] {roundUp(items, local)}, new long[] {local}, args);
    }

    /**
     * A multi-dimensional range in work-groups of {@link #RANGE_LOCAL} along dimension 0 (1 along the others), the
     * global size rounded up; kernels guard their bounds. A fixed group shape matters on POCL, which generates code
     * per kernel and group size at its first launch: a size left to the runtime follows the data's shape and costs
     * a fresh compilation for every new shape.
     */
    void range(Kernels kernel, long[] global, Object... args) {
        long[] local = new long[global.length];
        long[] rounded = global.clone();
        Arrays.fill(local, 1);
        local[0] = RANGE_LOCAL;
        rounded[0] = roundUp(global[0], RANGE_LOCAL);
        launch(kernel, rounded, local, args);
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
