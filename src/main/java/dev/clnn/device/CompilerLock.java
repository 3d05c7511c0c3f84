package dev.clnn.device;

import java.util.function.Supplier;

/**
 * One lock for the OpenCL compiler across every context of the process. POCL serialises its LLVM work within a
 * context but not across contexts, and a test opening one device from four threads at once (four contexts) crashed
 * once inside the C++ runtime during a full test run: SIGSEGV in {@code std::_Rb_tree_rebalance_for_erase} on two
 * threads at once, i.e. two threads erasing from LLVM's or POCL's shared maps. So every call that may run LLVM code
 * or free what it made holds this lock:
 * <ul>
 * <li>program building, kernel creation, program binaries created or read ({@link ProgramCache},
 * {@link ProgramDiskCache});</li>
 * <li>context creation and release (POCL creates and destroys an LLVM context with each), and the release of
 * programs and kernels (which frees their LLVM modules and generated code);</li>
 * <li>the first launch of a kernel per shape, until it completed ({@link ClKernel}): POCL's CPU drivers generate
 * the work-group function and its machine code when the command first runs, on the driver's own worker thread,
 * so holding the lock only around the enqueue would not cover it.</li>
 * </ul>
 * The cost stays small: later launches of a shape neither take the lock nor wait, and a context built nothing
 * faster in parallel anyway (builds on two threads in one context were no faster than on one). Data loading still
 * overlaps the background build, which takes no other lock.
 */
final class CompilerLock {
    private static final Object LOCK = new Object();

    private CompilerLock() {
    }

    /** Runs {@code work} (see the class comment for which calls) while no other thread compiles. */
    static <T> T exclusively(Supplier<T> work) {
        synchronized (LOCK) {
            return work.get();
        }
    }
}
