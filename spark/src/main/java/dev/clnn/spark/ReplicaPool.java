package dev.clnn.spark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.function.Function;
import java.util.List;
import java.util.Map;

/**
 * The replicas of one executor JVM, kept between rounds so that a device is opened and its kernels built once per
 * executor and run setup, not once per task. Tasks running at once (local[2], or several cores per executor) each take
 * a replica of their own.
 */
final class ReplicaPool {
    private static final Map<String, Deque<Replica>> IDLE = new HashMap<>();

    private ReplicaPool() {
    }

    /**
     * Runs {@code work} on an idle replica for {@code setup} (or a new one) and returns that replica to the pool;
     * when the work fails the replica is closed instead, so a retry starts on a clean one.
     */
    static <R> R use(TrainingSetup setup, Function<Replica, R> work) {
        Replica replica = take(setup);
        R result;
        try {
            result = work.apply(replica);
        } catch (RuntimeException e) {
            replica.close();
            throw e;
        }
        give(replica);
        return result;
    }

    /** An idle replica for {@code setup}, or a new one. */
    private static Replica take(TrainingSetup setup) {
        synchronized (IDLE) {
            Replica idle = IDLE.getOrDefault(setup.key(), new ArrayDeque<>()).poll();
            if (idle != null) {
                return idle;
            }
        }
        return Replica.open(setup);
    }

    /** Returns a replica after a task that finished normally; one that failed is closed instead. */
    private static void give(Replica replica) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(replica.key(), k -> new ArrayDeque<>()).push(replica);
        }
    }

    /** Closes every idle replica (in local mode, where the executors are the driver's JVM, at the end of a run). */
    static void closeAll() {
        List<Replica> all = new ArrayList<>();
        synchronized (IDLE) {
            IDLE.values().forEach(all::addAll);
            IDLE.clear();
        }
        all.forEach(Replica::close);
    }
}
