package dev.clnn.parallel;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The replica sets the all-reduce's device tests compare, on POCL's two devices: in contexts of their own (two, and
 * three with the first device opened again) and opened as a group in one context (two, and three with the first
 * device twice). Closing closes every backend opened here.
 */
final class PoclReplicas implements AutoCloseable {
    private final List<Backend> opened = new ArrayList<>();
    private final Backend device0;
    private final Backend device1;
    private final Backend device0Again; // a context of its own: a third replica
    private final List<Backend> sharedTwo;
    private final List<Backend> sharedThree;

    private PoclReplicas() {
        List<String> pocl = PoclDevices.selectors();
        try {
            device0 = opened(pocl.get(0));
            device1 = opened(pocl.get(1));
            device0Again = opened(pocl.get(0));
            sharedTwo = group(List.of(pocl.get(0), pocl.get(1)));
            sharedThree = group(List.of(pocl.get(0), pocl.get(1), pocl.get(0)));
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Opens every set (skips where POCL is missing, see {@link PoclDevices#selectors}). */
    static PoclReplicas open() {
        return new PoclReplicas();
    }

    private Backend opened(String selector) {
        Backend b = Backends.open(selector);
        opened.add(b);
        return b;
    }

    private List<Backend> group(List<String> selectors) {
        List<Backend> group = Backends.openGroup(selectors, Set.of());
        opened.addAll(group);
        return group;
    }

    Backend device0() {
        return device0;
    }

    Backend device1() {
        return device1;
    }

    Backend device0Again() {
        return device0Again;
    }

    /** The two devices, each in a context of its own. */
    List<Backend> two() {
        return List.of(device0, device1);
    }

    /** The two devices and the first again, each in a context of its own. */
    List<Backend> three() {
        return List.of(device0, device1, device0Again);
    }

    /** The two devices in one context. */
    List<Backend> sharedTwo() {
        return sharedTwo;
    }

    /** The first device twice and the second, in one context. */
    List<Backend> sharedThree() {
        return sharedThree;
    }

    @Override
    public void close() {
        opened.forEach(Backend::close);
        opened.clear();
    }
}
