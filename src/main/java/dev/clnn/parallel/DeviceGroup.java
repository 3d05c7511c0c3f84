package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.backend.OpFamily;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The backends a {@code --devices} list names, opened in list order (the ranks of the replicas) and closed
 * together. The list is comma-separated {@link Backends} selectors ({@code opencl:0:0,opencl:0:1},
 * {@code opencl:0:0,cpu}), or {@code all}: every OpenCL device, the CPU reference left out
 * ({@link Backends#allDeviceSelectors}).
 */
public final class DeviceGroup implements AutoCloseable {
    private final List<Backend> backends;

    private DeviceGroup(List<Backend> backends) {
        this.backends = List.copyOf(backends);
    }

    /**
     * The selectors of {@code list}, in order.
     *
     * @throws IllegalArgumentException on an empty entry, or {@code all} where there is no OpenCL device
     */
    public static List<String> selectors(String list) {
        String s = list == null ? "" : list.trim();
        if (s.equalsIgnoreCase("all")) {
            List<String> all = Backends.allDeviceSelectors();
            if (all.isEmpty()) {
                List<String> problems = Backends.discoveryProblems();
                throw new IllegalArgumentException("--devices all: no OpenCL device found"
                        + (problems.isEmpty() ? "" : " (" + String.join("; ", problems) + ")"));
            }
            return all;
        }
        List<String> selectors = new ArrayList<>();
        for (String part : s.split(",", -1)) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("--devices needs a comma-separated list of devices (auto, cpu,"
                        + " opencl, opencl:P:D or a name) or all, got \"" + list + "\"");
            }
            selectors.add(part.trim());
        }
        return selectors;
    }

    /**
     * Opens the backends of {@code list} ({@link Backends#openGroup}: OpenCL devices of one platform in one
     * context); when one fails, closes those already open and rethrows.
     */
    public static DeviceGroup open(String list, Set<OpFamily> firstStep) {
        return new DeviceGroup(Backends.openGroup(selectors(list), firstStep));
    }

    /** The backends, rank 0 first. */
    public List<Backend> backends() {
        return backends;
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (Backend b : backends) {
            try {
                b.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
