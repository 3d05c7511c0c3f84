package dev.clnn;

import dev.clnn.backend.Backend;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.DataSource;
import dev.clnn.data.DatasetSplit;
import dev.clnn.fixtures.SyntheticData;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import dev.clnn.onnx.Onnx;
import dev.clnn.train.EarlyStopping;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.TrainedModel;
import dev.clnn.train.Trainer;
import dev.clnn.train.TrainingData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Run by {@link LibraryWithoutCliDependenciesTest} in a JVM whose class path has clnn's classes and JOCL only, as a
 * project depending on dev.clnn:clnn gets them: the README example, then {@link Trainer} on a terminal with a
 * checkpoint, then a plot that needs XChart and an ONNX export that needs ONNX's protobuf classes. Prints a line per
 * outcome; exits non-zero when an optional library is on the class path after all, which would make the run prove
 * nothing.
 */
public final class LibraryOnlyRun {
    /** One class of each optional dependency. */
    static final List<String> CLI_ONLY = List.of("org.knowm.xchart.XYChart", "me.tongfei.progressbar.ProgressBar",
            "org.jline.terminal.Terminal", "picocli.CommandLine",
            "ai.onnx.proto.OnnxMl", "com.google.protobuf.ByteString");

    private LibraryOnlyRun() {
    }

    /** @param args the folder to write checkpoints into */
    public static void main(String[] args) {
        for (String name : CLI_ONLY) {
            try {
                Class.forName(name);
                System.out.println("on the class path: " + name);
                System.exit(3);
            } catch (ClassNotFoundException expected) {
                // the point of this run
            }
        }
        Path dir = Path.of(args[0]);
        ReadmeExample.Outcome o = ReadmeExample.run(dir.resolve("readme.safetensors"));
        System.out.printf("readme example: loss %.4f -> %.4f, accuracy %.2f%n", o.firstLoss(), o.lastLoss(),
                o.evaluation().accuracy());

        DatasetSplit data = separable();
        TrainOptions options = TrainOptions.builder().model("linear(4,16),relu,linear(16,3)").epochs(2).batch(16)
                .sgd(0.1, 0.9f).save(dir.resolve("trainer.safetensors")).build();
        try (Backend backend = new CpuBackend()) {
            // interactive: a terminal, where the progress bar would be drawn if its library were here
            new Trainer(backend, options, System.out, true).run(data);
        }
        // The library's front door too: fit on a table read from a CSV, with early stopping, then predict.
        TrainOptions iris = TrainOptions.builder().model("linear(4,8),relu,linear(8,3)").epochs(5).batch(16)
                .quiet(true).build();
        TrainingData table = TrainingData.load(DataSource.of(Path.of("data/iris/iris.csv")).withLabel("species")
                .standardized(), iris.loss(), iris.seed());
        try (TrainedModel model = new Trainer("cpu", iris, System.out)
                .stopEarly(EarlyStopping.on("test_loss").patience(2).restoreBest(true)).fit(table)) {
            System.out.println("fit: predicted " + model.classNames().get(model.predictClasses(
                    new float[][] {{5.1f, 3.5f, 1.4f, 0.2f}})[0]));
        }
        TrainOptions plotted = options.toBuilder().epochs(1).save(null).plot(dir.resolve("plot.png")).quiet(true)
                .build();
        try (Backend backend = new CpuBackend()) {
            new Trainer(backend, plotted, System.out, false);
            System.out.println("a plot without XChart was accepted");
        } catch (IllegalStateException e) {
            System.out.println("plot refused: " + e.getMessage());
        }
        try (Backend backend = new CpuBackend();
                Sequential net = Models.build(backend, ModelSpec.parse("linear(4,3)"), 1)) {
            Onnx.export(net, backend, new int[] {4}, dir.resolve("model.onnx"));
            System.out.println("an export without ONNX's protobuf classes was accepted");
        } catch (IllegalStateException | IOException e) {
            System.out.println("export refused: " + e.getMessage());
        }
    }

    /** 200 training and 60 test samples of 3 classes, class c lighting feature c. */
    private static DatasetSplit separable() {
        return new DatasetSplit(SyntheticData.separable(200), SyntheticData.separable(60));
    }
}
