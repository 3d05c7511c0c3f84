package dev.clnn.spark;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Backends;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The models that evaluate test rows on one executor JVM, each on its own device ({@link Backends#open()}, as a
 * {@link Replica} opens it), kept between epochs so that a device is opened and its kernels built once per executor
 * and model, not once per evaluation. Tasks running at once each take one of their own.
 */
final class EvaluationModels {
    private static final Map<String, Deque<Held>> IDLE = new HashMap<>();

    private EvaluationModels() {
    }

    /** A model of {@code spec} on this executor's device; its weights are whatever the last user left. */
    record Held(String key, Backend backend, Sequential model) implements AutoCloseable {
        @Override
        public void close() {
            try (Backend b = backend; Sequential m = model) {
                // closes both, the backend last
            }
        }
    }

    static Held take(String spec) {
        synchronized (IDLE) {
            Held idle = IDLE.getOrDefault(spec, new ArrayDeque<>()).poll();
            if (idle != null) {
                return idle;
            }
        }
        Backend backend = Backends.open();
        try {
            return new Held(spec, backend, Models.build(backend, ModelSpec.parse(spec), 0));
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** Returns a model after an evaluation that finished; one that failed is closed instead. */
    static void give(Held held) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(held.key(), k -> new ArrayDeque<>()).push(held);
        }
    }

    /** Closes every idle model (in local mode, where the executors are the driver's JVM, at the end of a run). */
    static void closeAll() {
        List<Held> all = new ArrayList<>();
        synchronized (IDLE) {
            IDLE.values().forEach(all::addAll);
            IDLE.clear();
        }
        all.forEach(Held::close);
    }
}
