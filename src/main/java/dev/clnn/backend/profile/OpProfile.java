package dev.clnn.backend.profile;

import dev.clnn.backend.Backend;
import dev.clnn.device.KernelTime;
import java.util.Comparator;
import java.util.List;

/**
 * One op's share of a {@link Profile}.
 *
 * @param op      the {@link Backend} method's name, e.g. {@code gemm}
 * @param calls   calls of the op
 * @param nanos   its time in nanoseconds: the summed device time of its kernels on OpenCL, the wall time around each
 *                call on the CPU reference
 * @param work    its work summed over the calls, in {@code unit}
 * @param unit    what {@code work} counts
 * @param kernels the kernels it launched, each with its launches and device time, slowest first (empty on the CPU)
 */
public record OpProfile(String op, long calls, long nanos, long work, WorkUnit unit, List<KernelTime> kernels) {
    public OpProfile {
        kernels = kernels.stream().sorted(Comparator.comparingLong(KernelTime::nanos).reversed()).toList();
    }

    /** Achieved work per nanosecond, which is GFLOP/s or GB/s as {@code unit} says; NaN without time or work. */
    public double rate() {
        return nanos > 0 && work > 0 ? (double) work / nanos : Double.NaN;
    }
}
