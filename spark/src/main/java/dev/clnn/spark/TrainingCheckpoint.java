package dev.clnn.spark;

import dev.clnn.checkpoint.StateDirectory;
import dev.clnn.checkpoint.TrainingPosition;
import dev.clnn.checkpoint.TrainingState;
import dev.clnn.data.TensorEntry;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The driver's state at an epoch's end, as the training states of {@code clnn train --checkpoint-dir}
 * ({@link StateDirectory}: one self-checking file per state, named by its step, the newest three kept): each
 * parameter under its state-dict name, its momentum buffer beside it, the epochs finished as the position, and the
 * run's model, seed and batch as its settings. A damaged newest state is reported and the one before it used.
 */
final class TrainingCheckpoint {
    /** The state after {@code epoch} finished epochs, and the file it came from. */
    record Saved(int epoch, ReplicaState state, Path file) {
    }

    private TrainingCheckpoint() {
    }

    /** Writes the state after {@code epoch} epochs of {@code batchesPerEpoch} steps each. */
    static Path save(Path dir, int epoch, long batchesPerEpoch, ReplicaState state, Sequential model,
            Map<String, String> run) {
        List<String> names = new ArrayList<>(model.namedParams().keySet());
        List<Param> params = model.params();
        List<TensorEntry> weights = new ArrayList<>();
        Map<String, TensorEntry> momentum = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            int[] shape = params.get(i).shape();
            weights.add(TensorEntry.f32(names.get(i), shape, state.weights()[i]));
            if (state.momentum() != null && state.momentum()[i] != null) {
                momentum.put(names.get(i), TensorEntry.f32(names.get(i), shape, state.momentum()[i]));
            }
        }
        TrainingPosition next = new TrainingPosition(epoch + 1, 0, epoch * batchesPerEpoch, 0, 0);
        return new StateDirectory(dir, 3).write(new TrainingState(run, next, weights, momentum, Map.of(), ""));
    }

    /**
     * The newest intact state in {@code dir}, or null when the folder holds none.
     *
     * @param notes told a line per damaged state skipped
     * @throws IllegalArgumentException when it belongs to another run (model, seed or batch differ), none is intact,
     *                                  or a tensor is missing
     */
    static Saved load(Path dir, Sequential model, Map<String, String> run, Consumer<String> notes) {
        StateDirectory states = new StateDirectory(dir, 3);
        if (states.states().isEmpty()) {
            return null;
        }
        StateDirectory.Loaded loaded = states.newestIntact(notes);
        TrainingState saved = loaded.state();
        for (Map.Entry<String, String> e : run.entrySet()) {
            String was = saved.settings().get(e.getKey());
            if (!e.getValue().equals(was)) {
                throw new IllegalArgumentException(loaded.file() + " is from another run: its " + e.getKey() + " is "
                        + was + ", this run's " + e.getValue());
            }
        }
        Map<String, TensorEntry> byName = new HashMap<>();
        saved.params().forEach(t -> byName.put(t.name(), t));
        List<String> names = new ArrayList<>(model.namedParams().keySet());
        float[][] weights = new float[names.size()][];
        float[][] momentum = new float[names.size()][];
        for (int i = 0; i < names.size(); i++) {
            TensorEntry w = byName.get(names.get(i));
            if (w == null) {
                throw new IllegalArgumentException(loaded.file() + " has no tensor " + names.get(i));
            }
            weights[i] = w.floats();
            TensorEntry m = saved.momentum().get(names.get(i));
            momentum[i] = m == null ? null : m.floats();
        }
        return new Saved(saved.position().epoch() - 1,
                new ReplicaState(weights, saved.momentum().isEmpty() ? null : momentum), loaded.file());
    }
}
