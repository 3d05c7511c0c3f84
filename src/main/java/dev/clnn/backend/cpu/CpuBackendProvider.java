package dev.clnn.backend.cpu;

import dev.clnn.backend.Backend;
import dev.clnn.backend.BackendProvider;
import dev.clnn.backend.OpFamily;
import java.util.Set;

/**
 * The CPU reference as {@code Backends} finds it ({@code cpu}). It has nothing to prepare and times nothing itself:
 * a profiling decorator times its ops with the wall clock.
 */
public final class CpuBackendProvider implements BackendProvider {
    @Override
    public String kind() {
        return "cpu";
    }

    @Override
    public boolean hasDevice() {
        return true;
    }

    @Override
    public Backend open(String selector, boolean timed, Set<OpFamily> firstStep) {
        return new CpuBackend();
    }
}
