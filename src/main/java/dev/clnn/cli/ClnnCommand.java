package dev.clnn.cli;

import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The root of the command tree, {@code clnn}, with -h/--help (the overview below) and -V/--version; {@link
 * #commandLine} builds the tree with every sub-command.
 */
@Command(name = "clnn")
final class ClnnCommand {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "the overview of the commands")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true, description = "clnn's, JOCL's and OpenCL's versions")
    boolean version;

    private ClnnCommand() {
    }

    /**
     * The whole command tree, writing to {@code out}.
     *
     * @param interactive whether {@code out} is a terminal (train draws a progress bar there)
     */
    static CommandLine commandLine(PrintStream out, boolean interactive) {
        CommandLine root = new CommandLine(new ClnnCommand())
                .addSubcommand(new DevicesCommand(out))
                .addSubcommand(new TrainCommand(out, interactive))
                .addSubcommand(new EvalCommand(out))
                .addSubcommand(new PredictCommand(out))
                .addSubcommand(new ExportCommand(out))
                .addSubcommand(new StepCommand(out))
                .addSubcommand(new ScheduleCommand(out))
                .addSubcommand(new CommandLine(new BenchCommand())
                        .addSubcommand(new BenchCommand.Gemm(out))
                        .addSubcommand(new BenchCommand.Ops(out))
                        .addSubcommand(new BenchCommand.Train(out)))
                .addSubcommand(new TuneCommand(out))
                .addSubcommand(new SelfCheckCommand(out))
                .addSubcommand(new VersionCommand(out))
                .addSubcommand(new CompletionCommand(out))
                .addSubcommand(new HelpCommand(out));
        // The last of a repeated option wins, as it always has; "@file" arguments stay plain text.
        root.setOverwrittenOptionsAllowed(true);
        root.setExpandAtFiles(false);
        headings(root);
        return root;
    }

    /** Every command's help: the options under a heading, then the examples (each command's footer). */
    private static void headings(CommandLine command) {
        command.getCommandSpec().usageMessage().optionListHeading("%nOptions:%n").footerHeading("%nExamples:%n")
                .commandListHeading("%nCommands:%n");
        command.getSubcommands().values().forEach(ClnnCommand::headings);
    }

    /** What {@code clnn help} prints: every command with its main options. */
    static String overview() {
        return String.join("\n",
                "usage: clnn <command> [options]",
                "  devices      OpenCL platforms and devices, and the CPU reference; * marks the default",
                "  train        train a classifier on MNIST (default: the bundled 8,000/2,000 digits)",
                "               --model mlp|cnn|SPEC --data DIR --epochs 10 --batch 64 --lr 0.05 --momentum 0.9",
                "               --nesterov --weight-decay 0 --schedule cosine --warmup 0 --seed 1",
                "               --optimizer sgd|adam|adamw --betas 0.9,0.999 --eps 1e-8 --amsgrad",
                "               --save FILE.safetensors --metrics FILE.csv --plot FILE.png --quiet --continue-on-nan",
                "  eval         --model SPEC --weights FILE [--data DIR] [--batch 256]: test loss and accuracy",
                "  predict      --model SPEC --weights FILE --data DIR|FILE.csv|.npy|.npz|.safetensors [--out FILE.csv]",
                "               one CSV row per input: class and probabilities, or a regressor's targets",
                "  export       --model SPEC --weights FILE --onnx FILE.onnx [--probabilities] [--input-shape C,H,W]",
                "               the model as ONNX (opset 13) for ONNX Runtime, with a stored standardization",
                "  step         --model SPEC --loss ce|mse|kl [--weights W] --batch B --lr LR [--momentum M] [--nesterov]",
                "               [--weight-decay WD] [--optimizer sgd|adam|adamw] [--betas B1,B2] [--eps E]",
                "               [--amsgrad] [--steps K] [--seed S] --out OUT.safetensors",
                "  schedule     --schedule SPEC --lr LR --steps N [--warmup W] [--plot FILE.png] [--csv]",
                "               the learning rate of each step: a summary, step,lr lines (--csv) or a plot",
                "  bench        gemm [--n 1024] | ops [--count 16777216] | train [--model mlp|cnn|SPEC] [--batch 64]",
                "               [--optimizer sgd,adamw]",
                "               quick figures: median of repetitions after warm-up",
                "  tune         [--budget 60] [--vector-width W] [--quiet]: measure GEMM configurations on the device",
                "               and store the fastest correct ones for it (train, bench and devices use them)",
                "  selfcheck    [--n 256]: GEMM on the device against the CPU reference, with GFLOP/s",
                "  version      the versions of clnn, JOCL and the OpenCL platforms (also clnn --version)",
                "  completion   a bash/zsh completion script: source <(clnn completion)",
                "  help         this overview; clnn help COMMAND or clnn COMMAND --help: its options and examples",
                "common: --device auto|cpu|opencl|opencl:P:D|opencl:PLATFORM|NAME (default $CLNN_DEVICE, else auto), --debug, --help",
                "SPEC: comma-separated linear(in,out), relu, conv(cin,cout,k[,stride[,pad]]),",
                "      maxpool(k[,stride[,pad]]), avgpool(k[,stride[,pad]]), dropout(p), flatten");
    }
}
