package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.data.CsvTable;
import dev.clnn.data.ModelMetadata;
import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.Standardization;
import dev.clnn.data.TabularData;
import dev.clnn.data.TabularSplit;
import dev.clnn.train.RegressionMetrics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code clnn train}, {@code eval} and {@code predict} on tables (the bundled iris and diabetes CSVs, and small files
 * made here) on the CPU backend: the three agree on the same test rows, the weights file carries what eval and
 * predict need, and bad input stops with one line naming the file and the place, writing nothing.
 */
class TabularTrainingCliTest {
    private static final Path IRIS = Path.of("data/iris/iris.csv");
    private static final Path DIABETES = Path.of("data/diabetes/diabetes.csv");
    private static final String IRIS_MODEL = "linear(4,16),relu,linear(16,3)";

    @TempDir
    Path tmp;

    @Test
    void irisTrainEvalAndPredictAgreeOnTheHeldOutRows() throws IOException {
        Path w = tmp.resolve("iris.safetensors");
        CliRun train = CliRun.of("train", "--device", "cpu", "--data", IRIS.toString(), "--label", "species",
                "--model", IRIS_MODEL, "--standardize", "--epochs", "30", "--batch", "16", "--seed", "3", "--save",
                w.toString(), "--quiet");
        assertEquals(0, train.code(), train.err());
        String last = train.out().strip();
        assertTrue(last.matches("test accuracy \\d+\\.\\d\\d%"), last);
        // Iris is nearly separable after standardization: a 16-unit MLP gets ≥ 28 of the 30 held-out flowers.
        assertTrue(percent(last) >= 93.3, last);

        SafetensorsFile saved = Safetensors.read(w);
        assertEquals("[\"setosa\",\"versicolor\",\"virginica\"]", saved.metadata().get(ModelMetadata.CLASSES));
        assertEquals("ce", saved.metadata().get(ModelMetadata.LOSS));
        assertEquals("3", saved.metadata().get(ModelMetadata.SPLIT_SEED));
        assertTrue(saved.tensors().containsKey(Standardization.MEAN));

        CliRun eval = CliRun.of("eval", "--device", "cpu", "--model", IRIS_MODEL, "--weights", w.toString(), "--data",
                IRIS.toString(), "--label", "species");
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().startsWith("30 test samples on cpu"), eval.out());
        assertEquals(last, lastLine(eval.out()));

        // predict on a file of the held-out rows: its classes are right exactly as often as eval counts on them.
        Path testRows = tmp.resolve("test-rows.csv");
        writeTestRows(testRows);
        CliRun predict = CliRun.of("predict", "--device", "cpu", "--model", IRIS_MODEL, "--weights", w.toString(),
                "--data", testRows.toString(), "--label", "species");
        assertEquals(0, predict.code(), predict.err());
        List<String> rows = predict.out().lines().toList();
        assertEquals("class,p0,p1,p2", rows.get(0));
        List<String> truth = Files.readAllLines(testRows).stream().skip(1).map(r -> r.substring(r.lastIndexOf(',')
                + 1)).toList();
        assertEquals(truth.size(), rows.size() - 1);
        long right = 0;
        for (int i = 0; i < truth.size(); i++) {
            right += rows.get(i + 1).startsWith(truth.get(i) + ",") ? 1 : 0;
        }
        CliRun evalRows = CliRun.of("eval", "--device", "cpu", "--model", IRIS_MODEL, "--weights", w.toString(),
                "--data", IRIS.toString(), "--test", testRows.toString(), "--label", "species");
        assertEquals(0, evalRows.code(), evalRows.err());
        assertEquals(String.format(Locale.ROOT, "test accuracy %.2f%%", 100.0 * right / truth.size()),
                lastLine(evalRows.out()));
    }

    /** The lines of the rows the seed-3 split holds out, as a CSV of their own. */
    private static void writeTestRows(Path file) throws IOException {
        List<String> lines = Files.readAllLines(IRIS);
        TabularData table = CsvTable.read(IRIS, CsvTable.Columns.label("species"));
        TabularSplit split = TabularSplit.split(table, 0.2, 3);
        StringBuilder out = new StringBuilder(lines.get(0)).append('\n');
        // The split keeps file order on each side; match test rows to file lines by their features.
        int next = 1;
        int f = table.features();
        for (int r = 0; r < split.test().rows(); r++) {
            while (true) {
                var cells = lines.get(next).split(",");
                boolean same = true;
                for (int j = 0; j < f; j++) {
                    same &= Float.parseFloat(cells[j]) == split.test().x()[r * f + j];
                }
                next++;
                if (same) {
                    out.append(lines.get(next - 1)).append('\n');
                    break;
                }
            }
        }
        Files.writeString(file, out, StandardCharsets.UTF_8);
    }

    @Test
    void diabetesRegressionEndsWithRmseThenR2AndEvalAgrees() throws IOException {
        Path w = tmp.resolve("diabetes.safetensors");
        Path metrics = tmp.resolve("m.csv");
        CliRun train = CliRun.of("train", "--device", "cpu", "--data", DIABETES.toString(), "--target",
                "progression", "--loss", "mse", "--model", "linear(10,1)", "--standardize", "--epochs", "60",
                "--batch", "32", "--lr", "0.02", "--momentum", "0", "--save", w.toString(), "--metrics",
                metrics.toString());
        assertEquals(0, train.code(), train.err());
        List<String> lines = train.out().strip().lines().toList();
        String rmse = lines.get(lines.size() - 2);
        String r2 = lines.get(lines.size() - 1);
        assertTrue(rmse.matches("test rmse \\d+\\.\\d{4}"), rmse);
        assertTrue(r2.matches("test r2 -?\\d\\.\\d{4}"), r2);
        // SGD on a linear model with a convex loss ends near the least-squares fit of the same training rows: its
        // test R² within 0.01 of the exact solution's (the split of seed 1 is a hard one: R² 0.26, where seeds 2
        // and 3 give 0.47 and 0.49, so the bound is against the solution, not a fixed figure).
        assertEquals(leastSquaresTestR2(), Double.parseDouble(r2.substring(8)), 0.01, r2);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("epoch 60/60  train loss ") && l.contains("test mse")
                && l.contains("r2")), train.out());
        assertEquals("step,epoch,loss,lr,samples_per_s,test_loss,test_rmse,test_mae,test_r2",
                Files.readAllLines(metrics).get(0));

        CliRun eval = CliRun.of("eval", "--device", "cpu", "--model", "linear(10,1)", "--weights", w.toString(),
                "--data", DIABETES.toString(), "--target", "progression");
        assertEquals(0, eval.code(), eval.err());
        List<String> evalLines = eval.out().strip().lines().toList();
        assertEquals(List.of(rmse, r2), evalLines.subList(evalLines.size() - 2, evalLines.size()));

        CliRun predict = CliRun.of("predict", "--device", "cpu", "--model", "linear(10,1)", "--weights",
                w.toString(), "--data", DIABETES.toString(), "--label", "progression");
        assertEquals(0, predict.code(), predict.err());
        assertEquals("progression", predict.out().lines().findFirst().orElseThrow());
        assertEquals(443, predict.out().lines().count());
    }

    @Test
    void softTargetsTrainWithKl() throws IOException {
        Path soft = tmp.resolve("soft.csv");
        StringBuilder csv = new StringBuilder("a,b,p0,p1\n");
        for (int i = 0; i < 60; i++) {
            double a = (i % 10) / 10.0;
            double b = (i % 7) / 7.0;
            double p = 1 / (1 + Math.exp(-4 * (a - b)));
            csv.append(String.format(Locale.ROOT, "%.3f,%.3f,%.6f,%.6f%n", a, b, p, 1 - p));
        }
        Files.writeString(soft, csv);
        Path w = tmp.resolve("kl.safetensors");
        CliRun train = CliRun.of("train", "--device", "cpu", "--data", soft.toString(), "--target", "p0,p1",
                "--loss", "kl", "--model", "linear(2,2)", "--epochs", "40", "--batch", "8", "--lr", "0.5",
                "--save", w.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("KL divergence"), train.out());
        assertTrue(lastLine(train.out()).startsWith("test accuracy "), train.out());
        assertEquals("kl", Safetensors.read(w).metadata().get(ModelMetadata.LOSS));
        assertEquals("[\"p0\",\"p1\"]", Safetensors.read(w).metadata().get(ModelMetadata.CLASSES));
    }

    static List<Object[]> badInput() {
        return List.of(
            new Object[] {"a,b,y\n1,2,0\n3,x,1\n", List.of("--label", "y"), "line 3, column \"b\": \"x\" is not a number"},
            new Object[] {"a,b,y\n1,2,0\n3,4\n", List.of("--label", "y"), "line 3: expected 3"},
            new Object[] {"a,b,y\n1,2,0\n3,4,1\n", List.of("--label", "z"), "z"},
            new Object[] {"a,b,y\n1,2,0\n3,NaN,1\n", List.of("--label", "y"), "line 3, column \"b\""},
            new Object[] {"a,b,y\n1,2,0\n3,4,1.5\n", List.of("--label", "y"), "line 3"},
            new Object[] {"", List.of("--label", "y"), "t.csv"},
            new Object[] {"a,b,y\n1,2,0\n3,4,1\n", List.of("--label", "y", "--features", "a,y"), "both"},
            new Object[] {"a,b,y\n1,2,0.5\n3,4,1.5\n", List.of("--target", "y"), "--loss ce needs class labels"},
            new Object[] {"a,b,y\n1,2,0\n3,4,1\n", List.of("--label", "y", "--loss", "mse"),
                "--loss mse needs float targets"},
            new Object[] {"a,p,q\n1,0.5,0.5\n2,0.7,0.2\n", List.of("--target", "p,q", "--loss", "kl"),
                "row 2: the probabilities [p, q] sum to 0.900000"},
            new Object[] {"a,p,q\n1,0.5,0.5\n2,1.5,-0.5\n", List.of("--target", "p,q", "--loss", "kl"),
                "row 2, column \"q\": -0.5 is not a probability"},
            new Object[] {"a,b,y\n1,2,0\n3,4,1\n", List.of("--label", "y", "--target", "b"), "not both"},
            new Object[] {"a,b,y\n1,2,0\n3,4,1\n", List.of("--label", "y", "--loss", "hinge"),
                "--loss must be ce, mse or kl, got \"hinge\""},
            new Object[] {"a,b,y\n1,2,0\n3,4,1\n", List.of("--label", "y", "--test-fraction", "1.5"),
                "--test-fraction must be in (0, 1)"},
            new Object[] {"a,b,y\n1,2,0\n3,4,1\n", List.of(), "say which CSV column the model predicts"});
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("badInput")
    void badTablesStopWithOneLineAndWriteNothing(String content, List<String> options, String expected)
            throws IOException {
        Path file = tmp.resolve("t.csv");
        Files.writeString(file, content);
        Path w = tmp.resolve("w.safetensors");
        List<String> args = new java.util.ArrayList<>(List.of("train", "--device", "cpu", "--data", file.toString(),
                "--model", "linear(2,2)", "--epochs", "1", "--save", w.toString()));
        args.addAll(options);
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertEquals(1, run.code(), run.out() + run.err());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains(expected), err);
        assertFalse(Files.exists(w));
    }

    @Test
    void anUnknownExtensionAndAMissingFileAreNamed() {
        CliRun unknown = CliRun.of("train", "--device", "cpu", "--data", "pom.xml", "--label", "y");
        assertTrue(unknown.err().contains("pom.xml: unknown data format"), unknown.err());
        CliRun missing = CliRun.of("train", "--device", "cpu", "--data", tmp.resolve("no.csv").toString(),
                "--label", "y");
        assertTrue(missing.err().contains("no.csv: no such file"), missing.err());
    }

    /** The test R² of ordinary least squares on the standardized training rows of the seed-1 split, in double. */
    private static double leastSquaresTestR2() {
        TabularData all = CsvTable.read(DIABETES, CsvTable.Columns.targets("progression"));
        TabularSplit split = TabularSplit.split(all, 0.2, 1);
        Standardization s = Standardization.fit(split.train());
        TabularData train = s.apply(split.train());
        TabularData test = s.apply(split.test());
        int f = train.features() + 1; // the features and a constant 1 for the bias
        double[][] a = new double[f][f + 1]; // the normal equations XᵀX w = Xᵀy, augmented
        float[] y = ((TabularData.FloatTargets) train.target()).values();
        for (int r = 0; r < train.rows(); r++) {
            for (int i = 0; i < f; i++) {
                double xi = i < f - 1 ? train.x()[r * (f - 1) + i] : 1;
                for (int j = 0; j < f; j++) {
                    a[i][j] += xi * (j < f - 1 ? train.x()[r * (f - 1) + j] : 1);
                }
                a[i][f] += xi * y[r];
            }
        }
        for (int c = 0; c < f; c++) { // Gauss–Jordan with partial pivoting
            int pivot = c;
            for (int r = c + 1; r < f; r++) {
                pivot = Math.abs(a[r][c]) > Math.abs(a[pivot][c]) ? r : pivot;
            }
            double[] t = a[c];
            a[c] = a[pivot];
            a[pivot] = t;
            for (int r = 0; r < f; r++) {
                if (r != c) {
                    double k = a[r][c] / a[c][c];
                    for (int j = c; j <= f; j++) {
                        a[r][j] -= k * a[c][j];
                    }
                }
            }
        }
        float[] predicted = new float[test.rows()];
        for (int r = 0; r < test.rows(); r++) {
            double sum = a[f - 1][f] / a[f - 1][f - 1];
            for (int j = 0; j < f - 1; j++) {
                sum += test.x()[r * (f - 1) + j] * a[j][f] / a[j][j];
            }
            predicted[r] = (float) sum;
        }
        return RegressionMetrics.of(predicted, ((TabularData.FloatTargets) test.target()).values(), 1).r2();
    }

    private static double percent(String line) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1, line.length() - 1));
    }

    private static String lastLine(String text) {
        List<String> lines = text.strip().lines().toList();
        return lines.get(lines.size() - 1);
    }
}
