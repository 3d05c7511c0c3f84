package dev.clnn.model;

import dev.clnn.backend.Backend;
import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsDtype;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.TensorEntry;
import dev.clnn.nn.Param;
import dev.clnn.nn.Sequential;
import dev.clnn.nn.StateBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Model weights as safetensors under PyTorch {@code nn.Sequential} state-dict names ({@code 0.weight}, {@code 0.bias},
 * …, and buffers such as batch norm's {@code 1.running_mean} and {@code 1.num_batches_tracked}), so {@code model.load_state_dict(safetensors.torch.load_file(path))} accepts them. Writes are atomic.
 */
public final class Checkpoint {
    private Checkpoint() {
    }

    /** Writes every parameter of {@code model} as F32, and its buffers ({@link #bufferEntries}). */
    public static void save(Path file, Sequential model, Backend backend, Map<String, String> metadata) {
        save(file, model, backend, metadata, Map.of());
    }

    /**
     * Writes every parameter of {@code model} as F32, and beside them the 1-D F32 {@code extras} (e.g. a
     * standardization's {@code standardize.mean}), whose names must not start with a digit so that they can never be
     * taken for parameters ({@link #loadWithExtras} reads them back).
     *
     * @throws IllegalArgumentException when an extra's name starts with a digit or is empty
     */
    public static void save(Path file, Sequential model, Backend backend, Map<String, String> metadata,
            Map<String, float[]> extras) {
        List<TensorEntry> entries = new ArrayList<>();
        for (Map.Entry<String, Param> e : model.namedParams().entrySet()) {
            Param p = e.getValue();
            entries.add(TensorEntry.f32(e.getKey(), p.value().shape(), backend.readFloats(p.value())));
        }
        entries.addAll(bufferEntries(model));
        extras.forEach((name, values) -> {
            if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
                throw new IllegalArgumentException("extra tensor \"" + name + "\" would read as a parameter's name");
            }
            entries.add(TensorEntry.f32(name, new int[] {values.length}, values));
        });
        Safetensors.write(file, entries, metadata);
    }

    /**
     * Loads weights into {@code model}, strictly as PyTorch's {@code load_state_dict}: every parameter and buffer must
     * be present with its exact shape, and no other tensor may be; F32 or F64 values are accepted (I64 or I32 for a
     * count such as {@code num_batches_tracked}). Nothing is written into the model unless the whole file matches.
     */
    public static void load(Path file, Sequential model, Backend backend) {
        load(file, Safetensors.read(file), model, backend, false);
    }

    /**
     * As {@link #load}, but tensors whose names are not state-dict names of an {@code nn.Sequential} (names that do not
     * start with a digit, such as {@code standardize.mean}) are extras stored beside the weights, and are left to
     * the caller. A tensor named like a parameter that the model lacks is still an error.
     *
     * @return the whole file, so its metadata and extra tensors can be read without reading it twice
     */
    public static SafetensorsFile loadWithExtras(Path file, Sequential model, Backend backend) {
        SafetensorsFile f = Safetensors.read(file);
        load(file, f, model, backend, true);
        return f;
    }

    private static void load(Path file, SafetensorsFile f, Sequential model, Backend backend, boolean extras) {
        Map<String, Param> params = model.namedParams();
        Map<String, StateBuffer> buffers = model.namedBuffers();
        TreeSet<String> missing = new TreeSet<>(params.keySet());
        missing.addAll(buffers.keySet());
        missing.removeAll(f.tensors().keySet());
        TreeSet<String> unexpected = new TreeSet<>(f.tensors().keySet());
        unexpected.removeAll(params.keySet());
        unexpected.removeAll(buffers.keySet());
        if (extras) {
            unexpected.removeIf(name -> name.isEmpty() || !Character.isDigit(name.charAt(0)));
        }
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            throw new IllegalArgumentException(file + ": weights do not match the model: missing " + missing
                    + ", unexpected " + unexpected);
        }
        for (Map.Entry<String, Param> e : params.entrySet()) {
            TensorEntry t = f.tensor(e.getKey());
            int[] want = e.getValue().value().shape();
            if (!Arrays.equals(t.shape(), want)) {
                throw new IllegalArgumentException(file + ": tensor " + e.getKey() + " has shape "
                        + Arrays.toString(t.shape()) + " but the model needs " + Arrays.toString(want));
            }
            if (t.dtype() != SafetensorsDtype.F32 && t.dtype() != SafetensorsDtype.F64) {
                throw new IllegalArgumentException(file + ": tensor " + e.getKey() + " is " + t.dtype()
                        + "; weights must be F32 or F64");
            }
        }
        for (Map.Entry<String, StateBuffer> e : buffers.entrySet()) {
            checkBuffer(file.toString(), f.tensor(e.getKey()), e.getValue());
        }
        for (Map.Entry<String, Param> e : params.entrySet()) {
            backend.write(e.getValue().value(), f.tensor(e.getKey()).toFloats());
        }
        loadBuffers(f.tensors(), model);
    }

    /**
     * The model's buffers ({@link Sequential#namedBuffers}) as state-dict tensors: F32 tensors as they are, counts
     * as I64 scalars of shape [], as PyTorch keeps {@code num_batches_tracked}.
     */
    public static List<TensorEntry> bufferEntries(Sequential model) {
        List<TensorEntry> entries = new ArrayList<>();
        for (Map.Entry<String, StateBuffer> e : model.namedBuffers().entrySet()) {
            StateBuffer b = e.getValue();
            entries.add(b.isCount() ? TensorEntry.i64(e.getKey(), new int[0], new long[] {b.count()})
                    : TensorEntry.f32(e.getKey(), b.shape(), b.readFloats()));
        }
        return entries;
    }

    /**
     * Writes the model's buffers from {@code tensors} (by state-dict name), all or nothing: every buffer must be
     * there with its shape; tensors may be F32 or F64, counts I64 or I32.
     *
     * @throws IllegalArgumentException naming the buffer that is missing or does not fit
     */
    public static void loadBuffers(Map<String, TensorEntry> tensors, Sequential model) {
        checkBuffers(tensors, model);
        Map<String, StateBuffer> buffers = model.namedBuffers();
        for (Map.Entry<String, StateBuffer> e : buffers.entrySet()) {
            TensorEntry t = tensors.get(e.getKey());
            StateBuffer b = e.getValue();
            if (b.isCount()) {
                b.setCount(t.dtype() == SafetensorsDtype.I64 ? t.longs()[0] : t.ints()[0]);
            } else {
                b.write(t.toFloats());
            }
        }
    }

    /** The checks of {@link #loadBuffers}, writing nothing. */
    public static void checkBuffers(Map<String, TensorEntry> tensors, Sequential model) {
        for (Map.Entry<String, StateBuffer> e : model.namedBuffers().entrySet()) {
            TensorEntry t = tensors.get(e.getKey());
            if (t == null) {
                throw new IllegalArgumentException("buffer " + e.getKey() + " is missing");
            }
            checkBuffer("buffer", t, e.getValue());
        }
    }

    private static void checkBuffer(String where, TensorEntry t, StateBuffer b) {
        if (!Arrays.equals(t.shape(), b.shape())) {
            throw new IllegalArgumentException(where + ": tensor " + t.name() + " has shape "
                    + Arrays.toString(t.shape()) + " but the model needs " + Arrays.toString(b.shape()));
        }
        boolean fits = b.isCount() ? t.dtype() == SafetensorsDtype.I64 || t.dtype() == SafetensorsDtype.I32
                : t.dtype() == SafetensorsDtype.F32 || t.dtype() == SafetensorsDtype.F64;
        if (!fits) {
            throw new IllegalArgumentException(where + ": tensor " + t.name() + " is " + t.dtype() + "; "
                    + (b.isCount() ? "a count must be I64 or I32" : "a buffer must be F32 or F64"));
        }
    }
}
