package dev.clnn.cli;

import dev.clnn.checkpoint.StateDirectory;
import dev.clnn.train.CheckpointOptions;
import dev.clnn.train.RunSettings;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code train --resume DIR}: every option of the run that is not given again is taken from the newest intact
 * training state in DIR, so {@code clnn train --resume DIR} alone continues the run as it was started. Options given
 * again are left as given; the trainer then refuses those that would change the run, naming them.
 */
final class ResumedOptions {
    private ResumedOptions() {
    }

    static void fill(TrainOptionsMixin command, String resumeDir) {
        // Read quietly here: the trainer reads the folder again and reports any damaged state then.
        Map<String, String> stored = RunSettings.optionValues(new StateDirectory(Path.of(resumeDir),
                CheckpointOptions.DEFAULT_KEEP).newestIntact(line -> { }).state().settings());
        stored.forEach((option, value) -> {
            if (command.given(option)) {
                return;
            }
            switch (option) {
                case "--model" -> command.model = value;
                case "--loss" -> command.loss = value;
                case "--data" -> command.dataOptions.data = value;
                case "--format" -> command.dataOptions.format = value;
                case "--label" -> command.dataOptions.label = value;
                case "--target" -> command.dataOptions.target = value;
                case "--features" -> command.dataOptions.features = value;
                case "--test" -> command.dataOptions.test = value;
                case "--test-fraction" -> command.dataOptions.testFraction = value;
                case "--standardize" -> command.standardize = Boolean.parseBoolean(value);
                case "--epochs" -> command.epochs = value;
                case "--batch" -> command.batch = value;
                case "--lr" -> command.lr = value;
                case "--momentum" -> command.momentum = value;
                case "--nesterov" -> command.nesterov = Boolean.parseBoolean(value);
                case "--weight-decay" -> command.weightDecay = value;
                case "--clip-grad-norm" -> command.clipGradNorm = value;
                case "--optimizer" -> command.optimizerOptions.optimizer = value;
                case "--betas" -> command.optimizerOptions.betas = value;
                case "--eps" -> command.optimizerOptions.eps = value;
                case "--amsgrad" -> command.optimizerOptions.amsgrad = Boolean.parseBoolean(value);
                case "--schedule" -> command.schedule = value;
                case "--warmup" -> command.warmup = value;
                case "--seed" -> command.seed = value;
                case "--save" -> command.save = value;
                case "--metrics" -> command.metrics = value;
                case "--plot" -> command.plot = value;
                case "--checkpoint-every" -> command.checkpointEvery = value;
                case "--keep" -> command.keep = value;
                default -> {
                    // A setting of a later clnn that this one has no option for: the trainer compares it anyway.
                }
            }
        });
    }
}
