package dev.clnn.cli;

import dev.clnn.backend.Backend;
import dev.clnn.model.ModelSpec;
import dev.clnn.parallel.DeviceGroup;
import dev.clnn.parallel.ParallelStepRunner;
import dev.clnn.train.StepOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code clnn step}: K optimiser steps on one batch, written out for comparison with PyTorch. */
@Command(name = "step", abbreviateSynopsis = true, sortOptions = false,
        description = {"Runs K optimiser steps (SGD, Adam or AdamW) on one batch and writes the loss, the output, the"
            + " gradients of the last step and the updated parameters, for checks against PyTorch"
            + " (benchmarks/scripts/check_step_against_pytorch.py).",
            "B holds x (F32, [N, features] or [N, C, H, W]) and y (I64 or I32 class indices for ce, F32 of the"
            + " output's shape for mse, F32 probabilities [N, classes] for kl, each row summing to 1).",
            "kl is PyTorch's KLDivLoss(reduction=\"batchmean\") on log_softmax of the output: soft targets,"
            + " as in distillation.",
            "Each dropout layer i also writes dropout.{i}.mask, [K, N, ...]: 1 where step k kept an element."},
        footer = {"  clnn step --model \"linear(4,5),relu,linear(5,3)\" --loss ce --lr 0.1 \\",
            "      --batch b.safetensors --out o.safetensors",
            "  clnn step --model cnn --loss ce --weights w.safetensors --lr 0.05 \\",
            "      --momentum 0.9 --nesterov --steps 3 --batch b.safetensors \\",
            "      --out o.safetensors",
            "  clnn step --model mlp --loss ce --lr 0.1 --devices opencl:0:0,cpu \\",
            "      --batch b.safetensors --out o.safetensors"})
final class StepCommand implements Callable<Integer> {
    private final PrintStream out;

    @Option(names = "--model", required = true, paramLabel = "SPEC", description = "the network")
    String model;
    @Option(names = "--loss", required = true, paramLabel = "ce|mse|kl", description = "softmax cross-entropy, mean"
            + " squared error, or KL divergence of the softmax from target probabilities")
    String loss;
    @Option(names = "--weights", paramLabel = "W.safetensors", description = "initial parameters under state-dict"
            + " names (default: seeded initialisation)")
    String weights;
    @Option(names = "--batch", required = true, paramLabel = "B.safetensors", description = "the batch: x and y")
    String batch;
    @Option(names = "--lr", required = true, paramLabel = "LR", description = "learning rate")
    String lr;
    @Option(names = "--momentum", paramLabel = "M", defaultValue = "0", description = "SGD momentum"
            + " (default: ${DEFAULT-VALUE})")
    String momentum;
    @Option(names = "--nesterov", description = "Nesterov momentum")
    boolean nesterov;
    @Option(names = "--weight-decay", paramLabel = "WD", defaultValue = "0", description = "L2 weight decay"
            + " (default: ${DEFAULT-VALUE})")
    String weightDecay;
    @Option(names = "--clip-grad-norm", paramLabel = "MAX", description = "before each update, scale the gradients"
            + " so that their global L2 norm is at most MAX (PyTorch's clip_grad_norm_; default: no clipping)")
    String clipGradNorm;
    @Mixin
    OptimizerOptions optimizerOptions = new OptimizerOptions();
    @Option(names = "--steps", paramLabel = "K", defaultValue = "1", description = "steps on the same batch"
            + " (default: ${DEFAULT-VALUE})")
    String steps;
    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "seed of the initial weights"
            + " (default: ${DEFAULT-VALUE})")
    String seed;
    @Option(names = "--out", required = true, paramLabel = "OUT.safetensors", description = "where to write the"
            + " results")
    String outFile;

    @Mixin
    CommonOptions common;
    @Mixin
    DeviceOption device;
    @Mixin
    DevicesOption devices;
    @Spec
    CommandSpec spec;

    StepCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() {
        optimizerOptions.requireMatching(spec.commandLine().getParseResult().hasMatchedOption("--momentum"),
                nesterov);
        StepOptions options = new StepOptions(ModelSpec.parse(model), loss,
                OptionValues.path(weights), Path.of(batch), OptionValues.nonNegative("--lr", lr),
                (float) OptionValues.nonNegative("--momentum", momentum), nesterov,
                (float) OptionValues.nonNegative("--weight-decay", weightDecay),
                OptionValues.positiveInt("--steps", steps), OptionValues.integer("--seed", seed), Path.of(outFile),
                optimizerOptions.kind(), optimizerOptions.adam(),
                clipGradNorm == null ? 0f : OptionValues.positiveFinite("--clip-grad-norm", clipGradNorm));
        OptionValues.outputFile("--out", outFile);
        if (devices.given()) {
            devices.requireAlone(device);
            try (DeviceGroup group = devices.open(Set.of())) {
                ParallelStepRunner.run(group.backends(), options);
                int n = group.backends().size();
                out.println("wrote " + options.out() + " (" + options.steps() + " step" + (options.steps() == 1 ? ""
                        : "s") + " on " + n + " device" + (n == 1 ? "" : "s") + ")");
            }
            return 0;
        }
        try (Backend backend = device.open()) {
            ParallelStepRunner.run(List.of(backend), options);
            out.println("wrote " + options.out() + " (" + options.steps() + " step" + (options.steps() == 1 ? ""
                    : "s") + " on " + backend.name() + ")");
        }
        return 0;
    }
}
