package dev.clnn.device;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One lock for the OpenCL compiler, and for context creation and release, across every context of the process.
 * A test opening one device from four threads at once (four contexts) crashed once during a full test run with a
 * SIGSEGV in {@code std::_Rb_tree_rebalance_for_erase} on two threads. Reproduced (two POCL devices, eight
 * threads), the native stack was JOCL's, not POCL's: {@code clReleaseContext} calling {@code destroyCallbackInfo}
 * calling {@code std::map<cl_context, CallbackInfo*>::find}. JOCL 2.0.5 keeps one process-wide map of context callbacks,
 * written by every {@code clCreateContext} and {@code clReleaseContext} without a lock, so two threads creating or
 * releasing contexts at once corrupt it (the other failure seen, a glibc abort "malloc_consolidate(): unaligned
 * fastbin chunk detected", fits a corrupted heap too). POCL also serialises its LLVM work only within a context.
 * So these calls hold this lock:
 * <ul>
 * <li>program building, kernel creation, program binaries created or read ({@link ProgramCache},
 * {@link ProgramDiskCache});</li>
 * <li>context creation and release (JOCL's callback map, above; POCL also creates and destroys an LLVM context
 * with each), and the release of programs and kernels (which frees their LLVM modules and generated code);</li>
 * <li>the first launch of a kernel per shape, until it completed ({@link ClKernel}), while more than one context
 * is open: POCL's CPU drivers generate the work-group function and its machine code when the command first runs,
 * on the driver's own worker thread (LLVM's code generation was seen on a native thread when a JVM was stopped
 * mid-run), so holding the lock only around the enqueue would not cover it.</li>
 * </ul>
 * The cost stays small: later launches of a shape neither take the lock nor wait; with a single context (training,
 * tuning, benchmarks) first launches do not wait either; and a context built nothing faster in parallel anyway
 * (builds on two threads in one context were no faster than on one). Data loading still overlaps the background
 * build, which takes no other lock.
 */
final class CompilerLock {
    /*
     * Fair: the background build takes the lock once per program, and an unfair lock could hand it back to that
     * thread program after program while a first launch waits, undoing the overlap of the build with the caller.
     */
    private static final ReentrantLock LOCK = new ReentrantLock(true);
    private static final AtomicInteger CONTEXTS = new AtomicInteger();

    private CompilerLock() {
    }

    /** Runs {@code work} (see the class comment for which calls) while no other thread compiles. */
    static <T> T exclusively(Supplier<T> work) {
        LOCK.lock();
        try {
            return work.get();
        } finally {
            LOCK.unlock();
        }
    }

    /** Creates a context under the lock and counts it. */
    static <T> T createContext(Supplier<T> create) {
        T context = exclusively(create);
        CONTEXTS.incrementAndGet();
        return context;
    }

    /** Releases a context under the lock; it no longer counts, even when the release fails. */
    static <T> T releaseContext(Supplier<T> release) {
        try {
            return exclusively(release);
        } finally {
            CONTEXTS.decrementAndGet();
        }
    }

    /**
     * Whether more than one context is open in the process. With one, POCL's own per-context lock already
     * serialises its code generation, so a first launch need not wait under this lock.
     */
    static boolean contextsShared() {
        return CONTEXTS.get() > 1;
    }
}
