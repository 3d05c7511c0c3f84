package dev.clnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.data.CsvTable;
import dev.clnn.data.DataSource;
import dev.clnn.data.Dataset;
import dev.clnn.data.ModelMetadata;
import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.Standardization;
import dev.clnn.data.TabularData;
import dev.clnn.train.EpochListener;
import dev.clnn.train.Evaluation;
import dev.clnn.train.Evaluator;
import dev.clnn.train.LossKind;
import dev.clnn.train.RegressionMetrics;
import dev.clnn.train.TrainedModel;
import dev.clnn.train.TrainingData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples of docs/library.md ({@link LibraryExamples}) run, do what the page says, and are the page's code. */
class LibraryExamplesTest {
    private static final Path DOC = Path.of("docs/library.md");
    private static final Path SOURCE = Path.of("src/test/java/dev/clnn/LibraryExamples.java");
    /**
     * Iris is nearly separable: its setosa class entirely, the other two but for a few flowers, so published
     * classifiers reach 93-97% on held-out rows; 90% is 27 of the 30 test rows.
     */
    private static final double IRIS_ACCURACY = 0.9;

    @TempDir
    Path tmp;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theIrisExampleStopsEarlyRestoresTheBestEpochAndPredictsAsItWasEvaluated() throws IOException {
        List<String> checked = new ArrayList<>();
        LibraryExamples.iris(out, tmp, model -> {
            double[] testLoss = model.history().epochTestLoss();
            assertTrue(testLoss.length < 300, "stopped early: " + testLoss.length + " epochs");
            int best = 0;
            for (int e = 1; e < testLoss.length; e++) {
                best = testLoss[e] < testLoss[best] ? e : best;
            }
            assertEquals(testLoss.length, best + 1 + 20, "patience 20 after the best epoch");
            assertEquals(testLoss[best], model.evaluation().loss(), "the restored epoch's test loss, exactly");
            assertEquals(model.history().epochTestAccuracy()[best], model.evaluation().accuracy());
            assertTrue(model.evaluation().accuracy() >= IRIS_ACCURACY, "accuracy " + model.evaluation().accuracy());

            // predict on the raw rows of the whole table counts what Evaluator counts on the standardized rows
            TabularData raw = CsvTable.read(Path.of("data/iris/iris.csv"), CsvTable.Columns.label("species"));
            TabularData.ClassLabels species = (TabularData.ClassLabels) raw.target();
            int[] labels = new int[raw.rows()];
            float[][] rows = new float[raw.rows()][];
            for (int i = 0; i < raw.rows(); i++) {
                labels[i] = model.classNames().indexOf(species.classNames().get(species.labels()[i]));
                rows[i] = Arrays.copyOfRange(raw.x(), i * 4, i * 4 + 4);
            }
            int[] predicted = model.predictClasses(rows);
            int correct = 0;
            for (int i = 0; i < rows.length; i++) {
                correct += predicted[i] == labels[i] ? 1 : 0;
            }
            Standardization s = model.standardization();
            assertNotNull(s);
            Evaluation e = Evaluator.evaluate(model.backend(), model.model(),
                    new Dataset(s.apply(raw.x()), labels, raw.rows(), new int[] {4}, 3), new int[] {4}, 256);
            assertEquals(e.correct(), correct, "predictClasses and Evaluator on the same 150 rows");
            float[][] p = model.predict(rows);
            for (float[] row : p) {
                assertEquals(1.0, row[0] + row[1] + row[2], 1e-5, "probabilities");
            }
            checked.add("model");
        });
        assertEquals(List.of("model"), checked, "the example handed its model to the check");
        String lines = printed();
        assertTrue(Pattern.compile("early stop after epoch \\d+: test_loss did not improve for 20 epochs; restored"
                + " epoch \\d+\n").matcher(lines).find(), lines);
        assertTrue(lines.contains("setosa (p = ") && lines.contains("versicolor (p = ")
                && lines.contains("virginica (p = "), "the three textbook flowers: " + lines);
        SafetensorsFile saved = Safetensors.read(tmp.resolve("iris.safetensors"));
        assertTrue(saved.tensors().containsKey(Standardization.MEAN));
        assertEquals("[\"setosa\",\"versicolor\",\"virginica\"]", saved.metadata().get(ModelMetadata.CLASSES));
    }

    @Test
    void theDiabetesExampleReachesTheR2OfLeastSquaresAndItsListenerHearsEveryEpoch() {
        List<Integer> epochs = new ArrayList<>();
        EpochListener counter = end -> epochs.add(end.epoch());
        double[] r2 = new double[1];
        LibraryExamples.diabetes(out, counter, model -> r2[0] = model.evaluation().regression().r2());
        List<Integer> expected = new ArrayList<>();
        for (int e = 1; e <= 100; e++) {
            expected.add(e);
        }
        assertEquals(expected, epochs, "once per epoch, in order");
        double bound = leastSquaresTestR2() - 0.03;
        assertTrue(r2[0] >= bound, "test r2 " + r2[0] + " is not within 0.03 of least squares' " + (bound + 0.03));
        assertTrue(printed().contains("epoch 100: test r2 "), printed());
    }

    /**
     * The test R² of the least-squares linear fit on the example's split (normal equations in double): the best a
     * linear model can do there, 0.25 on this split of the 442 rows.
     */
    private static double leastSquaresTestR2() {
        DataSource diabetes = new DataSource(Path.of("data/diabetes/diabetes.csv"), null, null,
                List.of("progression"), List.of(), null, 0.2, true);
        TrainingData data = TrainingData.load(diabetes, LossKind.MSE, 1);
        Dataset train = data.split().train();
        Dataset test = data.split().test();
        int f = train.features();
        double[][] a = new double[f + 1][f + 2]; // [X 1]ᵀ[X 1] | [X 1]ᵀy
        for (int i = 0; i < train.n(); i++) {
            double[] row = new double[f + 1];
            for (int j = 0; j < f; j++) {
                row[j] = train.x()[i * f + j];
            }
            row[f] = 1;
            for (int p = 0; p <= f; p++) {
                for (int q = 0; q <= f; q++) {
                    a[p][q] += row[p] * row[q];
                }
                a[p][f + 1] += row[p] * train.targets()[i];
            }
        }
        for (int c = 0; c <= f; c++) { // the matrix is positive definite: no pivoting needed
            for (int r = c + 1; r <= f; r++) {
                double m = a[r][c] / a[c][c];
                for (int k = c; k <= f + 1; k++) {
                    a[r][k] -= m * a[c][k];
                }
            }
        }
        double[] w = new double[f + 1];
        for (int r = f; r >= 0; r--) {
            double sum = a[r][f + 1];
            for (int k = r + 1; k <= f; k++) {
                sum -= a[r][k] * w[k];
            }
            w[r] = sum / a[r][r];
        }
        float[] predicted = new float[test.n()];
        for (int i = 0; i < test.n(); i++) {
            double sum = w[f];
            for (int j = 0; j < f; j++) {
                sum += w[j] * test.x()[i * f + j];
            }
            predicted[i] = (float) sum;
        }
        return RegressionMetrics.of(predicted, test.targets(), 1).r2();
    }

    @Test
    void theDistilledStudentClassifiesTheTrueLabels() {
        double[] teacher = new double[1];
        double[] student = new double[2];
        LibraryExamples.distillation(out, t -> teacher[0] = t.evaluation().accuracy(), s -> {
            student[0] = s.evaluation().accuracy(); // against the teacher's arg-max
            assertEquals(LossKind.KL, s.loss());
        });
        assertTrue(teacher[0] >= IRIS_ACCURACY, "teacher " + teacher[0]);
        assertTrue(student[0] >= IRIS_ACCURACY, "student agrees with the teacher on " + student[0]);
        Matcher m = Pattern.compile("teacher ([0-9.]+)%, student ([0-9.]+)% on the true labels").matcher(printed());
        assertTrue(m.find(), printed());
        assertTrue(Double.parseDouble(m.group(2)) >= 100 * IRIS_ACCURACY, "student on the true labels: " + m.group(2));
    }

    @Test
    void thePageShowsTheExamplesLineForLine() throws IOException {
        String doc = Files.readString(DOC);
        String source = Files.readString(SOURCE);
        for (String name : List.of("iris", "diabetes", "distillation")) {
            Matcher shown = Pattern.compile("<!-- example " + name + " -->\n```java\n(.*?)\n```", Pattern.DOTALL)
                    .matcher(doc);
            assertTrue(shown.find(), DOC + " has no example " + name);
            Matcher kept = Pattern.compile("// --- example " + name + " starts ---\n(.*?)\n\\s*// --- example "
                    + name + " ends ---", Pattern.DOTALL).matcher(source);
            assertTrue(kept.find(), SOURCE + " has no example " + name);
            assertEquals(asShown(kept.group(1)), shown.group(1), "example " + name + " in " + DOC);
        }
        // The README's library section shows the iris example as it is here.
        Matcher iris = Pattern.compile("## As a library\n\n```java\n(.*?)\n```", Pattern.DOTALL)
                .matcher(Files.readString(Path.of("README.md")));
        assertTrue(iris.find(), "README.md has no library example");
        Matcher kept = Pattern.compile("// --- example iris starts ---\n(.*?)\n\\s*// --- example iris ends ---",
                Pattern.DOTALL).matcher(source);
        assertTrue(kept.find());
        assertEquals(asShown(kept.group(1)), iris.group(1), "the library example of README.md");
    }

    /** The example as the page shows it: unindented, without the test's lines, printing to System.out. */
    private static String asShown(String code) {
        List<String> lines = new ArrayList<>(code.lines().filter(l -> !l.stripTrailing().endsWith("// (test)"))
                .toList());
        int indent = lines.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length())
                .min().orElse(0);
        List<String> shown = new ArrayList<>();
        for (String l : lines) {
            String s = l.isBlank() ? "" : l.substring(indent);
            s = s.replace("out.printf(", "System.out.printf(").replaceAll("(\\w+), out\\)", "$1, System.out)")
                    .replace("dir.resolve(", "Path.of(");
            shown.add(s);
        }
        return String.join("\n", shown);
    }
}
