package dev.clnn.train;

import dev.clnn.data.DataSource;
import dev.clnn.model.ModelSpec;
import dev.clnn.optim.GradientClipping;
import dev.clnn.optim.AdamSettings;
import dev.clnn.optim.LrScheduleParser;
import dev.clnn.optim.Optimizer;
import dev.clnn.optim.OptimizerKind;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything a training run is told. Build it with {@link #builder()}, whose defaults are PyTorch's recipe for the
 * bundled digits: an MLP, softmax cross-entropy, SGD 0.05 with momentum 0.9, cosine annealing over the whole run,
 * batch 64, 10 epochs, seed 1.
 *
 * @param data    where {@code clnn train} reads the data ({@link TrainingData#load}); a library run that is handed
 *                its data keeps the default, which only names it in the training states
 * @param save    where to write the final weights (safetensors), or null
 * @param metrics where to write per-step metrics (CSV), or null
 * @param plot    where to draw loss, the test figure and learning rate (PNG), or null
 * @param optimizerKind SGD (the default), Adam or AdamW; momentum and Nesterov apply to SGD only
 * @param adam    Adam's betas, ε and amsgrad; unused by SGD
 * @param clipGradNorm the global L2 norm the gradients are clipped to before each update, or 0 for no clipping
 */
public record TrainOptions(ModelSpec model, LossKind loss, DataSource data, int epochs, int batch, double lr,
        float momentum, boolean nesterov, float weightDecay, String schedule, long warmup, long seed, Path save,
        Path metrics, Path plot, boolean quiet, boolean stopOnNonFinite, OptimizerKind optimizerKind,
        AdamSettings adam, float clipGradNorm) {

    public TrainOptions {
        Objects.requireNonNull(optimizerKind, "optimizerKind");
        Objects.requireNonNull(adam, "adam");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(schedule, "schedule");
        if (epochs <= 0) {
            throw new IllegalArgumentException("--epochs must be positive, got " + epochs);
        }
        if (batch <= 0) {
            throw new IllegalArgumentException("--batch must be positive, got " + batch);
        }
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("--lr must be a finite number ≥ 0, got " + lr);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be ≥ 0, got " + warmup);
        }
        if (!(clipGradNorm >= 0) || Float.isInfinite(clipGradNorm)) {
            throw new IllegalArgumentException("--clip-grad-norm must be a positive finite number, got "
                    + clipGradNorm);
        }
    }

    /**
     * The run's optimiser: SGD with these options' momentum, Nesterov flag and weight decay (no dampening), or
     * Adam/AdamW with {@link #adam} and the weight decay; after clipping the gradients to {@link #clipGradNorm}
     * where it is not 0.
     */
    public Optimizer.Factory optimizer() {
        return GradientClipping.factory(optimizerKind.factory(momentum, nesterov, weightDecay, adam), clipGradNorm);
    }

    /** The defaults: {@code builder().build()}. */
    public static TrainOptions defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.model = model;
        b.loss = loss;
        b.data = data;
        b.epochs = epochs;
        b.batch = batch;
        b.lr = lr;
        b.momentum = momentum;
        b.nesterov = nesterov;
        b.weightDecay = weightDecay;
        b.schedule = schedule;
        b.warmup = warmup;
        b.seed = seed;
        b.save = save;
        b.metrics = metrics;
        b.plot = plot;
        b.quiet = quiet;
        b.stopOnNonFinite = stopOnNonFinite;
        b.clipGradNorm = clipGradNorm;
        b.optimizerKind = optimizerKind;
        b.adam = adam;
        return b;
    }

    /** {@link TrainOptions} a setting at a time; {@link #build()} checks them all. */
    public static final class Builder {
        private ModelSpec model = ModelSpec.parse("mlp");
        private LossKind loss = LossKind.CE;
        private DataSource data = DataSource.bundled();
        private int epochs = 10;
        private int batch = 64;
        private double lr = 0.05;
        private float momentum = 0.9f;
        private boolean nesterov;
        private float weightDecay;
        private String schedule = "cosine";
        private long warmup;
        private long seed = 1;
        private Path save;
        private Path metrics;
        private Path plot;
        private boolean quiet;
        private boolean stopOnNonFinite = true;
        private float clipGradNorm;
        private OptimizerKind optimizerKind = OptimizerKind.SGD;
        private AdamSettings adam = AdamSettings.DEFAULTS;

        private Builder() {
        }

        /** The network, e.g. {@code "mlp"}, {@code "cnn"} or a layer list such as {@code "linear(4,16),relu,linear(16,3)"}. */
        public Builder model(String spec) {
            return model(ModelSpec.parse(spec));
        }

        public Builder model(ModelSpec spec) {
            this.model = spec;
            return this;
        }

        /** The loss: {@link LossKind#CE} (default), {@link LossKind#MSE} or {@link LossKind#KL}. */
        public Builder loss(LossKind loss) {
            this.loss = loss;
            return this;
        }

        /** Where {@code clnn train} reads the data; a run given its data in memory need not say. */
        public Builder data(DataSource data) {
            this.data = data;
            return this;
        }

        public Builder epochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /** Samples per step. */
        public Builder batch(int batch) {
            this.batch = batch;
            return this;
        }

        /** SGD with this initial learning rate and momentum (0 for none). */
        public Builder sgd(double lr, float momentum) {
            this.lr = lr;
            this.momentum = momentum;
            return this;
        }

        public Builder lr(double lr) {
            this.lr = lr;
            return this;
        }

        public Builder momentum(float momentum) {
            this.momentum = momentum;
            return this;
        }

        public Builder nesterov(boolean nesterov) {
            this.nesterov = nesterov;
            return this;
        }

        /** L2 weight decay, added to each gradient as PyTorch's SGD does. */
        public Builder weightDecay(float weightDecay) {
            this.weightDecay = weightDecay;
            return this;
        }

        /**
         * The learning-rate schedule, as {@code --schedule} takes it: {@code constant}, {@code step:S,G},
         * {@code multistep:M1;M2,G}, {@code exp:B}, {@code poly:B,A}, {@code cosine[:TMAX[,MIN]]}.
         */
        public Builder schedule(String schedule) {
            LrScheduleParser.parse(schedule, 1, 1, 0); // refuse a bad spec here, not at fit time
            this.schedule = schedule;
            return this;
        }

        /** Steps of linear warm-up before the schedule. */
        public Builder warmup(long steps) {
            this.warmup = steps;
            return this;
        }

        /** Seeds the initial weights, the shuffling and a table's train/test split. */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Writes the final weights here (safetensors, PyTorch state-dict names). */
        public Builder save(Path file) {
            this.save = file;
            return this;
        }

        /** Writes the per-step metrics here (CSV). */
        public Builder metrics(Path file) {
            this.metrics = file;
            return this;
        }

        /** Draws the loss, the test figure and the learning rate here (PNG; needs XChart). */
        public Builder plot(Path file) {
            this.plot = file;
            return this;
        }

        /** Prints only the final lines. */
        public Builder quiet(boolean quiet) {
            this.quiet = quiet;
            return this;
        }

        /** Whether a NaN or infinite loss stops the run (the default) rather than training on. */
        public Builder stopOnNonFinite(boolean stop) {
            this.stopOnNonFinite = stop;
            return this;
        }

        /** SGD (the default), Adam or AdamW. */
        public Builder optimizer(OptimizerKind kind) {
            this.optimizerKind = kind;
            return this;
        }

        /** Adam's betas, ε and amsgrad (PyTorch's defaults unless set). */
        public Builder adam(AdamSettings adam) {
            this.adam = adam;
            return this;
        }

        /**
         * Clips the gradients to this global L2 norm before each update (PyTorch's {@code clip_grad_norm_});
         * 0, the default, does not clip.
         */
        public Builder clipGradNorm(float maxNorm) {
            this.clipGradNorm = maxNorm;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming the first setting that is not allowed
         */
        public TrainOptions build() {
            return new TrainOptions(model, loss, data, epochs, batch, lr, momentum, nesterov, weightDecay, schedule,
                    warmup, seed, save, metrics, plot, quiet, stopOnNonFinite, optimizerKind, adam, clipGradNorm);
        }
    }
}
