package dev.clnn;

import dev.clnn.data.DataSource;
import dev.clnn.data.Dataset;
import dev.clnn.train.EarlyStopping;
import dev.clnn.train.EpochListener;
import dev.clnn.train.LossKind;
import dev.clnn.train.TrainOptions;
import dev.clnn.train.TrainedModel;
import dev.clnn.train.Trainer;
import dev.clnn.train.TrainingData;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The examples of docs/library.md, kept compiling and working on the CPU. Each lies between an {@code example NAME
 * starts} and an {@code example NAME ends} line; {@link LibraryExamplesTest} checks that the document shows the same
 * lines, where the document prints to {@code System.out} and not to {@code out}, writes files under the working
 * folder and not under {@code dir}, and leaves out the lines marked {@code // (test)}, which hand the test what it
 * checks.
 */
final class LibraryExamples {
    private LibraryExamples() {
    }

    /** Classification of the bundled iris table, stopped early, with predictions for three raw rows. */
    static void iris(PrintStream out, Path dir, Consumer<TrainedModel> check) {
        // --- example iris starts ---
        TrainOptions options = TrainOptions.builder()
                .model("linear(4,16),relu,linear(16,3)").epochs(300).batch(16).sgd(0.02, 0.9f).schedule("constant")
                .build();
        // The label column; a fifth of the rows held out (the default); features standardized.
        DataSource iris = DataSource.of(Path.of("data/iris/iris.csv")).withLabel("species").standardized();
        TrainingData data = TrainingData.load(iris, options.loss(), options.seed());
        try (TrainedModel model = new Trainer("cpu", options, out)
                .stopEarly(EarlyStopping.on("test_loss").patience(20).restoreBest(true))
                .fit(data)) {
            check.accept(model); // (test)
            float[][] flowers = {{5.1f, 3.5f, 1.4f, 0.2f}, {5.9f, 3.0f, 4.2f, 1.5f}, {6.7f, 3.0f, 5.2f, 2.3f}};
            float[][] p = model.predict(flowers); // raw measurements: the run's standardization is applied
            int[] k = model.predictClasses(flowers);
            for (int i = 0; i < flowers.length; i++) {
                out.printf("%s (p = %.3f)%n", model.classNames().get(k[i]), p[i][k[i]]);
            }
            model.save(dir.resolve("iris.safetensors")); // as clnn train --save writes it
        }
        // --- example iris ends ---
    }

    /** Regression of the bundled diabetes table with MSE, its R² printed every 25 epochs by a listener. */
    static void diabetes(PrintStream out, EpochListener counter, Consumer<TrainedModel> check) {
        // --- example diabetes starts ---
        TrainOptions options = TrainOptions.builder()
                .model("linear(10,1)").loss(LossKind.MSE).epochs(100).batch(32).sgd(0.01, 0f).quiet(true).build();
        // The target column as it is; features standardized.
        DataSource diabetes = DataSource.of(Path.of("data/diabetes/diabetes.csv")).withTargets("progression")
                .standardized();
        TrainingData data = TrainingData.load(diabetes, options.loss(), options.seed());
        try (TrainedModel model = new Trainer("cpu", options, out)
                .onEpochEnd(e -> {
                    if (e.epoch() % 25 == 0) {
                        out.printf("epoch %d: test r2 %.3f%n", e.epoch(), e.figure("test_r2"));
                    }
                })
                .onEpochEnd(counter) // (test)
                .fit(data)) {
            check.accept(model); // (test)
            float[][] patient = {{59, 2, 32.1f, 101, 157, 93.2f, 38, 4, 4.8598f, 87}};
            out.printf("test r2 %.3f; predicted progression %.0f%n", model.evaluation().regression().r2(),
                    model.predict(patient)[0][0]);
        }
        // --- example diabetes ends ---
    }

    /** A teacher on iris with ce, distilled into a smaller student with kl on the teacher's probabilities. */
    static void distillation(PrintStream out, Consumer<TrainedModel> checkTeacher,
            Consumer<TrainedModel> checkStudent) {
        // --- example distillation starts ---
        TrainOptions teacherOptions = TrainOptions.builder()
                .model("linear(4,32),relu,linear(32,3)").epochs(100).batch(16).sgd(0.02, 0.9f).schedule("constant")
                .quiet(true).build();
        DataSource iris = DataSource.of(Path.of("data/iris/iris.csv")).withLabel("species").standardized();
        TrainingData data = TrainingData.load(iris, LossKind.CE, teacherOptions.seed());
        Dataset train = data.split().train();
        Dataset test = data.split().test();
        try (TrainedModel teacher = new Trainer("cpu", teacherOptions, out).fit(train, test)) {
            // The teacher's softmax over the (standardized) rows: soft targets for the student.
            Dataset softTrain = Dataset.softTargets(train.x(), teacher.predict(train), train.n(),
                    train.sampleShape(), 3);
            Dataset softTest = Dataset.softTargets(test.x(), teacher.predict(test), test.n(), test.sampleShape(), 3);
            TrainOptions studentOptions = teacherOptions.toBuilder().model("linear(4,3)").loss(LossKind.KL).build();
            try (TrainedModel student = new Trainer("cpu", studentOptions, out).fit(softTrain, softTest)) {
                checkTeacher.accept(teacher); // (test)
                checkStudent.accept(student); // (test)
                out.printf("teacher %.1f%%, student %.1f%% on the true labels%n",
                        100 * teacher.evaluation().accuracy(), 100 * student.evaluate(test).accuracy());
            }
        }
        // --- example distillation ends ---
    }
}
