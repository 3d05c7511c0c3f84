package dev.clnn.device;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One daemon thread that runs program builds in the order they were asked for, so a driver's compiler can start
 * while the caller still loads data or builds a model. One thread is enough: POCL holds a per-context compiler lock
 * during every build and kernel code generation, so two builds in one context never overlap anyway. The thread
 * starts with the first task and is a daemon, so a device that is never closed does not keep the JVM alive.
 */
final class BackgroundBuilds {
    private final String deviceName;
    private ThreadPoolExecutor executor;
    private boolean closed;

    /** @param deviceName names the thread */
    BackgroundBuilds(String deviceName) {
        this.deviceName = deviceName;
    }

    /** Queues {@code build}; ignored once {@link #close} has begun (the caller then builds what it needs itself). */
    synchronized void submit(Runnable build) {
        if (closed) {
            return;
        }
        if (executor == null) {
            executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), task -> {
                Thread thread = new Thread(task, "clnn program builds (" + deviceName + ")");
                thread.setDaemon(true);
                return thread;
            });
        }
        executor.execute(build);
    }

    /** Waits until every build queued so far has ended (for tests that need the background's outcome). */
    void awaitQueued() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        submit(done::countDown);
        // close() drops queued tasks, this one too: then there is nothing left to wait for.
        while (!done.await(100, TimeUnit.MILLISECONDS)) {
            synchronized (this) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /**
     * Drops the builds not yet started and waits for the one in progress, so nothing touches the context after
     * this returns. A build cannot be interrupted inside the driver; it ends on its own.
     */
    void close() {
        ThreadPoolExecutor running;
        synchronized (this) {
            closed = true;
            running = executor;
        }
        if (running == null) {
            return;
        }
        // Not shutdownNow: an interrupt would close the build's cache-file reads (NIO channels) and get a valid
        // entry discarded as unreadable.
        running.getQueue().clear();
        running.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (running.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                // Releasing the context under a running build would crash the driver: wait on, then restore the flag.
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
