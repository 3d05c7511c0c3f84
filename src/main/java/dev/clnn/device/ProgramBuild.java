package dev.clnn.device;

import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jocl.cl_program;

/**
 * The one build of one program, run by whichever thread claims it first: the background builder or a thread that
 * needs the program. Others wait for the result. A failure is rethrown to the threads waiting for it, each getting
 * an exception of the same type in its own stack (the builder's is its cause), as if it had built the program
 * itself; the cache then forgets the build.
 */
final class ProgramBuild {
    private final String file;
    private final Supplier<cl_program> work;
    private final Consumer<ProgramBuild> onFailure;
    private final AtomicReference<Thread> builder = new AtomicReference<>();
    private final CompletableFuture<cl_program> result = new CompletableFuture<>();

    /**
     * @param file      the kernel file, for messages
     * @param work      builds the program
     * @param onFailure told when a failure is handed to a caller, so the cache can forget this build and a later
     *                  request tries again
     */
    ProgramBuild(String file, Supplier<cl_program> work, Consumer<ProgramBuild> onFailure) {
        this.file = file;
        this.work = work;
        this.onFailure = onFailure;
    }

    /** Builds here unless another thread has started; never throws (the outcome is for {@link #await}). */
    void runIfUnclaimed() {
        if (!builder.compareAndSet(null, Thread.currentThread())) {
            return;
        }
        try {
            result.complete(work.get());
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
        }
    }

    /** The program, once built; empty while building or after a failure. */
    Optional<cl_program> built() {
        return result.isDone() && !result.isCompletedExceptionally() ? Optional.of(result.join()) : Optional.empty();
    }

    /**
     * Waits for the build and returns the program.
     *
     * @throws KernelBuildException when it did not compile
     * @throws DeviceException      when the driver failed otherwise
     */
    cl_program await() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    // The build cannot be abandoned halfway; the interrupt is kept for the caller.
                    interrupted = true;
                } catch (ExecutionException e) {
                    // Forgotten once a caller has it, not before: a background failure reaches the first caller
                    // without a second compile, and a later request tries again.
                    onFailure.accept(this);
                    throw rethrown(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RuntimeException rethrown(Throwable failure) {
        if (builder.get() == Thread.currentThread()) {
            if (failure instanceof RuntimeException e) {
                return e;
            }
            throw (Error) failure;
        }
        if (failure instanceof KernelBuildException e) {
            return new KernelBuildException(e);
        }
        if (failure instanceof DeviceException e) {
            return new DeviceException(e.getMessage(), e.status(), e);
        }
        return new IllegalStateException("building kernels/" + file + " on another thread failed: " + failure,
                failure);
    }
}
