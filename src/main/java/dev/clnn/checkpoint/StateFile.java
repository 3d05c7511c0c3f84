package dev.clnn.checkpoint;

import dev.clnn.data.DataFileException;
import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsDtype;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.TensorEntry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One training state as a safetensors file. The model's parameters keep their PyTorch state-dict names, so
 * {@code model.load_state_dict(load_file(path), strict=False)} takes the weights as they are; momentum buffers and
 * curves sit beside them under prefixes no state dict uses, and everything else is metadata. A SHA-256 digest of
 * the content ({@link StateDigest}) is stored in the metadata and checked on every read. Writes are atomic and
 * flushed to the disk before the file takes its name (see {@link Safetensors#write}).
 */
public final class StateFile {
    /** The format's version: a reader refuses any other, so a future layout is never half understood. */
    static final String VERSION = "1";
    static final String MOMENTUM_PREFIX = "optimizer.momentum_buffer.";
    static final String CURVE_PREFIX = "curve.";
    private static final String SETTING_PREFIX = "clnn.setting.";
    private static final String KEY_VERSION = "clnn.state";
    private static final String KEY_DIGEST = "clnn.sha256";
    private static final String KEY_EPOCH = "clnn.epoch";
    private static final String KEY_BATCHES_DONE = "clnn.batches_done";
    private static final String KEY_STEPS = "clnn.steps";
    private static final String KEY_LOSS_SUM = "clnn.epoch_loss_sum";
    private static final String KEY_SEEN = "clnn.epoch_seen";
    private static final String KEY_METRICS = "clnn.metrics_csv";

    private StateFile() {
    }

    /** Writes {@code state} to {@code file} atomically; its folder must exist. */
    public static void write(Path file, TrainingState state) {
        List<TensorEntry> tensors = new ArrayList<>(state.params());
        state.momentum().forEach((name, buffer) -> tensors.add(rename(buffer, MOMENTUM_PREFIX + name)));
        state.curves().forEach((name, values) -> tensors.add(TensorEntry.f64(CURVE_PREFIX + name,
                new int[] {values.length}, values)));
        Map<String, String> metadata = new TreeMap<>();
        metadata.put("format", "pt");
        metadata.put(KEY_VERSION, VERSION);
        state.settings().forEach((k, v) -> metadata.put(SETTING_PREFIX + k, v));
        TrainingPosition p = state.position();
        metadata.put(KEY_EPOCH, Integer.toString(p.epoch()));
        metadata.put(KEY_BATCHES_DONE, Integer.toString(p.batchesDone()));
        metadata.put(KEY_STEPS, Long.toString(p.steps()));
        // Hexadecimal keeps every bit of the double, so the resumed epoch's mean loss is the uninterrupted one.
        metadata.put(KEY_LOSS_SUM, Double.toHexString(p.epochLossSum()));
        metadata.put(KEY_SEEN, Integer.toString(p.epochSeen()));
        metadata.put(KEY_METRICS, state.metricsCsv());
        metadata.put(KEY_DIGEST, StateDigest.of(metadata, KEY_DIGEST, tensors));
        Safetensors.write(file, tensors, metadata);
    }

    /**
     * Reads and checks a state file.
     *
     * @throws DamagedStateException when the file is missing, cut short, altered or not a clnn state of this version
     */
    public static TrainingState read(Path file) {
        SafetensorsFile f;
        try {
            f = Safetensors.read(file);
        } catch (DataFileException e) {
            throw new DamagedStateException(file, "unreadable: " + problem(e, file), e);
        }
        Map<String, String> metadata = f.metadata();
        String version = metadata.get(KEY_VERSION);
        if (version == null) {
            throw new DamagedStateException(file, "not a clnn training state (no " + KEY_VERSION + " metadata)");
        }
        if (!version.equals(VERSION)) {
            throw new DamagedStateException(file, "training state version " + version + ", this clnn reads "
                    + VERSION);
        }
        String stored = metadata.get(KEY_DIGEST);
        String actual = StateDigest.of(metadata, KEY_DIGEST, List.copyOf(f.tensors().values()));
        if (!actual.equals(stored)) {
            throw new DamagedStateException(file, "content does not match its SHA-256 digest (altered or damaged)");
        }
        List<TensorEntry> params = new ArrayList<>();
        Map<String, TensorEntry> momentum = new HashMap<>();
        Map<String, double[]> curves = new HashMap<>();
        for (TensorEntry t : f.tensors().values()) {
            if (t.name().startsWith(MOMENTUM_PREFIX)) {
                String name = t.name().substring(MOMENTUM_PREFIX.length());
                momentum.put(name, rename(requireDtype(t, SafetensorsDtype.F32, file), name));
            } else if (t.name().startsWith(CURVE_PREFIX)) {
                curves.put(t.name().substring(CURVE_PREFIX.length()),
                        requireDtype(t, SafetensorsDtype.F64, file).doubles());
            } else {
                // A state dict's buffers may be counts (num_batches_tracked, I64); everything else is F32.
                params.add(requireDtype(t, t.dtype() == SafetensorsDtype.I64 ? SafetensorsDtype.I64
                        : SafetensorsDtype.F32, file));
            }
        }
        Map<String, String> settings = new HashMap<>();
        metadata.forEach((k, v) -> {
            if (k.startsWith(SETTING_PREFIX)) {
                settings.put(k.substring(SETTING_PREFIX.length()), v);
            }
        });
        String epoch = required(metadata, KEY_EPOCH, file);
        String batchesDone = required(metadata, KEY_BATCHES_DONE, file);
        String steps = required(metadata, KEY_STEPS, file);
        String lossSum = required(metadata, KEY_LOSS_SUM, file);
        String seen = required(metadata, KEY_SEEN, file);
        String metrics = required(metadata, KEY_METRICS, file);
        TrainingPosition position;
        try {
            position = new TrainingPosition(Integer.parseInt(epoch), Integer.parseInt(batchesDone),
                    Long.parseLong(steps), Double.parseDouble(lossSum), Integer.parseInt(seen));
        } catch (IllegalArgumentException e) {
            // The digest matched, so something other than this class wrote the file.
            throw new DamagedStateException(file, "malformed position: " + e.getMessage(), e);
        }
        return new TrainingState(settings, position, params, momentum, curves, metrics);
    }

    private static String required(Map<String, String> metadata, String key, Path file) {
        String value = metadata.get(key);
        if (value == null) {
            throw new DamagedStateException(file, "no " + key + " metadata");
        }
        return value;
    }

    private static TensorEntry requireDtype(TensorEntry t, SafetensorsDtype dtype, Path file) {
        if (t.dtype() != dtype) {
            throw new DamagedStateException(file, "tensor " + t.name() + " is " + t.dtype() + ", expected " + dtype);
        }
        return t;
    }

    private static TensorEntry rename(TensorEntry t, String name) {
        return new TensorEntry(name, t.dtype(), t.shape(), t.data());
    }

    /** The reader's message without the path it starts with, which the caller's message names already. */
    private static String problem(DataFileException e, Path file) {
        String prefix = file + ": ";
        String message = e.getMessage();
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
