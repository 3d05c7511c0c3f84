package dev.clnn.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * One thread per device: every call into a replica's backend happens on that replica's thread (or, with
 * {@link #runHere}, on the calling thread while all of them wait), so no backend is used from two threads at once. {@link #runAll} hands each thread its part of a phase and waits for all of them;
 * tasks never wait for each other, so a failed device cannot leave another one waiting.
 */
final class DeviceThreads implements AutoCloseable {
    private final List<String> devices;
    private final List<ExecutorService> threads = new ArrayList<>();

    /** @param devices the device of each rank, for thread names and error messages */
    DeviceThreads(List<String> devices) {
        this.devices = List.copyOf(devices);
        for (int r = 0; r < devices.size(); r++) {
            String name = "clnn-device-" + r;
            threads.add(Executors.newSingleThreadExecutor(task -> {
                Thread t = new Thread(task, name);
                t.setDaemon(true); // a failed run must not keep the JVM alive
                return t;
            }));
        }
    }

    int size() {
        return threads.size();
    }

    /**
     * Runs {@code task.accept(rank)} for every rank on that rank's thread and waits for all of them. When some fail,
     * throws a {@link DeviceFailedException} for the lowest failing rank (the others' failures are suppressed).
     *
     * @param phase what the tasks do, for the error message ("the forward and backward pass of step 3")
     */
    void runAll(String phase, IntConsumer task) {
        runAllWhile(phase, task, () -> {
        });
    }

    /**
     * As {@link #runAll}, running {@code meanwhile} on the calling thread while the device threads work (it must not
     * wait for them to end, and must not use a backend but as {@link #runHere} does). A device's failure is thrown
     * first, with {@code meanwhile}'s suppressed (which a device's failure may have caused); otherwise
     * {@code meanwhile}'s, as it threw it.
     */
    void runAllWhile(String phase, IntConsumer task, Runnable meanwhile) {
        List<Future<?>> running = new ArrayList<>(threads.size());
        for (int r = 0; r < threads.size(); r++) {
            int rank = r;
            running.add(threads.get(r).submit(() -> task.accept(rank)));
        }
        RuntimeException meanwhileFailure = null;
        try {
            meanwhile.run();
        } catch (RuntimeException e) {
            meanwhileFailure = e;
        }
        DeviceFailedException failure = null;
        for (int r = 0; r < running.size(); r++) {
            Throwable cause = outcome(running.get(r));
            if (cause == null) {
                continue;
            }
            DeviceFailedException e = new DeviceFailedException(r, devices.get(r), phase, cause);
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            if (meanwhileFailure != null) {
                failure.addSuppressed(meanwhileFailure);
            }
            throw failure;
        }
        if (meanwhileFailure != null) {
            throw meanwhileFailure;
        }
    }

    /** Runs {@code task} on rank {@code rank}'s thread alone and waits for it; failures as in {@link #runAll}. */
    void runOn(int rank, String phase, Runnable task) {
        runAll(phase, r -> {
            if (r == rank) {
                task.run();
            }
        });
    }

    /**
     * Runs {@code task} on the calling thread, for rank {@code rank}'s backend while every device thread is idle
     * (between two {@link #runAll}s, so the backend is still used by one thread at a time): saves the two hand-overs
     * between threads of {@link #runOn}. Failures as in {@link #runAll}.
     */
    void runHere(int rank, String phase, Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            throw new DeviceFailedException(rank, devices.get(rank), phase, e);
        }
    }

    /** Waits for {@code f}; its failure, or null. */
    private static Throwable outcome(Future<?> f) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    f.get();
                    return null;
                } catch (InterruptedException e) {
                    interrupted = true; // the device is still working on our buffers: wait for it anyway
                } catch (ExecutionException e) {
                    return e.getCause();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        threads.forEach(ExecutorService::shutdown);
    }
}
