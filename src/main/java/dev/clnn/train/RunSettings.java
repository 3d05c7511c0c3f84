package dev.clnn.train;

import dev.clnn.data.Dataset;
import dev.clnn.data.DatasetSplit;
import dev.clnn.optim.LrScheduleParser;
import dev.clnn.optim.OptimizerKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The options that shape a training run, as text under the names of the {@code train} options, stored in every
 * training state so that a resumed run can be checked to be the same run. The data is identified by a digest of its
 * samples and labels, so another data set, or the same folder with changed files, is caught as well as another
 * {@code --data}. Outputs ({@code --save}, {@code --plot}, …) and {@code --quiet} do not change the run and are not
 * here.
 */
public final class RunSettings {
    static final String EPOCHS = "epochs";
    static final String SCHEDULE = "schedule";
    static final String DEVICE = "device";
    static final String DATA = "data";
    static final String LOSS = "loss";
    static final String CLIP_GRAD_NORM = "clip-grad-norm";
    static final String OPTIMIZER = "optimizer";
    /**
     * Values kept only so that a resumed command can take them when they are not given again (the data folder, the
     * outputs, the checkpoint cadence); never compared, since they do not change the run's numbers.
     */
    static final String AS_GIVEN = "as-given.";
    /** Values hashed at a time: the samples are not copied whole (60,000 MNIST images are 188 MB of floats). */
    private static final int CHUNK = 1 << 16;

    private RunSettings() {
    }

    /**
     * The settings of {@code options} on the data of digest {@code data} ({@link #dataDigest}; null where the data
     * cannot be digested, and then not compared), trained on the devices {@code device} describes.
     */
    static Map<String, String> of(TrainOptions options, CheckpointOptions checkpoints, String data, String device) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("model", options.model().text());
        s.put(LOSS, options.loss().text());
        if (data != null) {
            s.put(DATA, data);
        }
        s.put("batch", Integer.toString(options.batch()));
        s.put("lr", Double.toString(options.lr()));
        s.put("momentum", Float.toString(options.momentum()));
        s.put("nesterov", Boolean.toString(options.nesterov()));
        s.put("weight-decay", Float.toString(options.weightDecay()));
        if (options.clipGradNorm() > 0) {
            s.put(CLIP_GRAD_NORM, Float.toString(options.clipGradNorm())); // absent, as in older states, when off
        }
        if (options.optimizerKind() != OptimizerKind.SGD) { // so an SGD run's settings are what they always were
            s.put(OPTIMIZER, options.optimizerKind().text());
            s.put("betas", options.adam().betasText());
            s.put("eps", Double.toString(options.adam().eps()));
            s.put("amsgrad", Boolean.toString(options.adam().amsgrad()));
        }
        s.put(SCHEDULE, options.schedule());
        s.put("warmup", Long.toString(options.warmup()));
        s.put("seed", Long.toString(options.seed()));
        s.put(EPOCHS, Integer.toString(options.epochs()));
        s.put(DEVICE, device);
        options.data().asGiven().forEach((option, value) -> s.put(AS_GIVEN + option, value));
        s.put(AS_GIVEN + "save", absolute(options.save()));
        s.put(AS_GIVEN + "metrics", absolute(options.metrics()));
        s.put(AS_GIVEN + "plot", absolute(options.plot()));
        s.put(AS_GIVEN + "checkpoint-every", Long.toString(checkpoints.everySteps()));
        s.put(AS_GIVEN + "keep", Integer.toString(checkpoints.keep()));
        return s;
    }

    /**
     * The {@code train} options a stored run was given, by option name ({@code --batch} → {@code 64}), for a resumed
     * command to take where it is not given them again. Options that were not given (no --save, say) are left out.
     */
    public static Map<String, String> optionValues(Map<String, String> settings) {
        Map<String, String> options = new LinkedHashMap<>();
        settings.forEach((key, value) -> {
            String name = key.startsWith(AS_GIVEN) ? key.substring(AS_GIVEN.length()) : key;
            boolean option = !key.equals(DEVICE) && !key.equals(DATA); // a name and a digest, not options
            if (option && !value.isEmpty()) {
                options.put("--" + name, value);
            }
        });
        return options;
    }

    /**
     * Checks that a run with {@code current} settings may continue a state with {@code stored} ones, written at
     * {@code epochsDone} finished epochs.
     *
     * @return a line to show when the device differs (the run continues, but not bit for bit), else null
     * @throws IllegalArgumentException naming the first option that differs, in the CLI's words
     */
    static String requireSameRun(Map<String, String> stored, Map<String, String> current, int epochsDone) {
        if (stored.containsKey(CLIP_GRAD_NORM) && !current.containsKey(CLIP_GRAD_NORM)) {
            throw new IllegalArgumentException("the training state clips gradients (--clip-grad-norm "
                    + stored.get(CLIP_GRAD_NORM) + ") and this run does not; a resumed run must be the same run");
        }
        if (stored.containsKey(OPTIMIZER) && !current.containsKey(OPTIMIZER)) {
            throw new IllegalArgumentException("--optimizer " + OptimizerKind.SGD.text() + " differs from the"
                    + " training state's " + stored.get(OPTIMIZER) + "; a resumed run must be the same run");
        }
        for (Map.Entry<String, String> e : current.entrySet()) {
            String key = e.getKey();
            String was = stored.get(key);
            if (key.equals(DEVICE) || key.equals(EPOCHS) || key.startsWith(AS_GIVEN)
                    || Objects.equals(was, e.getValue())) {
                continue;
            }
            if (key.equals(LOSS) && was == null && e.getValue().equals(LossKind.CE.text())) {
                continue; // a state from before the loss was a setting: every run then minimised ce
            }
            if (key.equals(DATA)) {
                throw new IllegalArgumentException("the training state was made with other data (its samples"
                        + " and labels differ); resume with the same --data");
            }
            String none = key.equals(OPTIMIZER) ? OptimizerKind.SGD.text() : "(none)"; // older states: SGD
            throw new IllegalArgumentException("--" + key + " " + e.getValue() + " differs from the training"
                    + " state's " + (was == null ? none : was) + "; a resumed run must be the same run");
        }
        int epochs = Integer.parseInt(current.get(EPOCHS));
        String storedEpochs = stored.get(EPOCHS);
        if (!current.get(EPOCHS).equals(storedEpochs)) {
            if (LrScheduleParser.dependsOnTotalSteps(current.get(SCHEDULE))) {
                throw new IllegalArgumentException("--epochs " + epochs + " differs from the training state's "
                        + storedEpochs + ", and the cosine schedule without TMAX anneals over the whole run, so"
                        + " the rates would change; resume with --epochs " + storedEpochs);
            }
            if (epochs < epochsDone) {
                throw new IllegalArgumentException("--epochs " + epochs + " is fewer than the " + epochsDone
                        + " epochs the training state has finished already");
            }
        }
        String device = stored.get(DEVICE);
        return device == null || device.equals(current.get(DEVICE)) ? null
                : "note: the training state was written on " + device + "; continuing on " + current.get(DEVICE)
                        + " matches it within rounding, not bit for bit";
    }

    /** The absolute path, or "" for none. */
    private static String absolute(Path path) {
        return path == null ? "" : path.toAbsolutePath().toString();
    }

    /** SHA-256 over both splits' shapes, samples (their float bits), labels and float targets. */
    public static String dataDigest(DatasetSplit data) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
        for (Dataset d : new Dataset[] {data.train(), data.test()}) {
            ByteBuffer head = ByteBuffer.allocate(12 + 4 * d.sampleShape().length).order(ByteOrder.LITTLE_ENDIAN);
            head.putInt(d.n()).putInt(d.classes()).putInt(d.sampleShape().length);
            for (int dim : d.sampleShape()) {
                head.putInt(dim);
            }
            sha.update(head.flip());
            ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            float[] x = d.x();
            for (int i = 0; i < x.length; i += CHUNK) {
                int count = Math.min(CHUNK, x.length - i);
                chunk.clear().asFloatBuffer().put(x, i, count);
                sha.update(chunk.limit(4 * count));
            }
            int[] y = d.y();
            for (int i = 0; y != null && i < d.n(); i += CHUNK) {
                int count = Math.min(CHUNK, d.n() - i);
                chunk.clear().asIntBuffer().put(y, i, count);
                sha.update(chunk.limit(4 * count));
            }
            float[] targets = d.targets(); // none for labels only, so such a set's digest is what it always was
            for (int i = 0; targets != null && i < targets.length; i += CHUNK) {
                int count = Math.min(CHUNK, targets.length - i);
                chunk.clear().asFloatBuffer().put(targets, i, count);
                sha.update(chunk.limit(4 * count));
            }
        }
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
}
