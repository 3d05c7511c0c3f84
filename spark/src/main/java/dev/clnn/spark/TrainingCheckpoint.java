package dev.clnn.spark;

import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.TensorEntry;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The driver's state at an epoch's end, in {@code DIR/clnn-spark-checkpoint.safetensors}: each parameter under its
 * state-dict name, its momentum buffer under {@code momentum.NAME}, and in the metadata the finished epoch with the
 * model, seed and batch it belongs to. Written atomically (a temporary file renamed over the last one), so a driver
 * that dies mid-write leaves the previous epoch's checkpoint.
 */
final class TrainingCheckpoint {
    static final String FILE = "clnn-spark-checkpoint.safetensors";

    /** The state after {@code epoch} finished epochs. */
    record Saved(int epoch, ReplicaState state) {
    }

    private TrainingCheckpoint() {
    }

    static void save(Path dir, int epoch, ReplicaState state, Sequential model, Map<String, String> run) {
        List<String> names = new ArrayList<>(model.namedParams().keySet());
        List<Param> params = model.params();
        List<TensorEntry> entries = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int[] shape = params.get(i).shape();
            entries.add(TensorEntry.f32(names.get(i), shape, state.weights()[i]));
            if (state.momentum() != null && state.momentum()[i] != null) {
                entries.add(TensorEntry.f32("momentum." + names.get(i), shape, state.momentum()[i]));
            }
        }
        Map<String, String> metadata = new TreeMap<>(run);
        metadata.put("epoch", Integer.toString(epoch));
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the checkpoint folder " + dir, e);
        }
        Safetensors.write(dir.resolve(FILE), entries, metadata);
    }

    /**
     * The checkpoint in {@code dir}, or null when there is none.
     *
     * @throws IllegalArgumentException when it belongs to another run (model, seed or batch differ) or lacks a tensor
     */
    static Saved load(Path dir, Sequential model, Map<String, String> run) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return null;
        }
        SafetensorsFile f = Safetensors.read(file);
        for (Map.Entry<String, String> e : run.entrySet()) {
            String saved = f.metadata().get(e.getKey());
            if (!e.getValue().equals(saved)) {
                throw new IllegalArgumentException(file + " is from another run: its " + e.getKey() + " is " + saved
                        + ", this run's " + e.getValue());
            }
        }
        List<String> names = new ArrayList<>(model.namedParams().keySet());
        float[][] weights = new float[names.size()][];
        float[][] momentum = new float[names.size()][];
        boolean anyMomentum = false;
        for (int i = 0; i < names.size(); i++) {
            TensorEntry w = f.tensors().get(names.get(i));
            if (w == null) {
                throw new IllegalArgumentException(file + " has no tensor " + names.get(i));
            }
            weights[i] = w.toFloats();
            TensorEntry m = f.tensors().get("momentum." + names.get(i));
            momentum[i] = m == null ? null : m.toFloats();
            anyMomentum |= m != null;
        }
        return new Saved(Integer.parseInt(f.metadata().get("epoch")), new ReplicaState(weights,
                anyMomentum ? momentum : null));
    }
}
