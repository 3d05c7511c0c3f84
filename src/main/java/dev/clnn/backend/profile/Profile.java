package dev.clnn.backend.profile;

import dev.clnn.device.KernelTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where the time of some ops went, per op and, on OpenCL, per kernel, as {@link ProfiledBackend#takeProfile}
 * measured it; {@link ProfileTable} prints it. The ops come slowest first.
 *
 * @param ops one entry per op that ran
 */
public record Profile(List<OpProfile> ops) {
    private static final Comparator<OpProfile> SLOWEST_FIRST = Comparator.comparingLong(OpProfile::nanos).reversed();

    public Profile {
        ops = ops.stream().sorted(SLOWEST_FIRST).toList();
    }

    /** A profile of nothing, to add others to. */
    public static Profile empty() {
        return new Profile(List.of());
    }

    /** The time of every op together, in nanoseconds. */
    public long nanos() {
        return ops.stream().mapToLong(OpProfile::nanos).sum();
    }

    /** The entry of the op {@code name}, if it ran. */
    public Optional<OpProfile> op(String name) {
        return ops.stream().filter(o -> o.op().equals(name)).findFirst();
    }

    /** This profile and {@code other} together: calls, times and work of the same op (and kernel) added. */
    public Profile plus(Profile other) {
        Map<String, OpProfile> merged = new LinkedHashMap<>();
        for (OpProfile o : ops) {
            merged.put(o.op(), o);
        }
        for (OpProfile o : other.ops) {
            merged.merge(o.op(), o, Profile::add);
        }
        return new Profile(new ArrayList<>(merged.values()));
    }

    private static OpProfile add(OpProfile a, OpProfile b) {
        Map<String, KernelTime> kernels = new LinkedHashMap<>();
        for (KernelTime k : a.kernels()) {
            kernels.put(k.kernel(), k);
        }
        for (KernelTime k : b.kernels()) {
            kernels.merge(k.kernel(), k, (x, y) -> new KernelTime(x.op(), x.kernel(), x.calls() + y.calls(),
                    x.nanos() + y.nanos()));
        }
        return new OpProfile(a.op(), a.calls() + b.calls(), a.nanos() + b.nanos(), a.work() + b.work(), a.unit(),
                List.copyOf(kernels.values()));
    }
}
