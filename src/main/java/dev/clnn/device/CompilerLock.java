package dev.clnn.device;

import java.util.function.Supplier;

/**
 * One lock for the OpenCL compiler across every context of the process. POCL serialises building within a
 * context but not across contexts, and a test opening one device from four threads at once (four contexts, each
 * building) crashed once inside the C++ runtime during a full test run. Serialising costs nothing measurable:
 * even within one context, builds on two threads were no faster than on one.
 */
final class CompilerLock {
    private static final Object LOCK = new Object();

    private CompilerLock() {
    }

    /** Runs {@code work} (program building, kernel creation, binary extraction) while no other thread compiles. */
    static <T> T exclusively(Supplier<T> work) {
        synchronized (LOCK) {
            return work.get();
        }
    }
}
