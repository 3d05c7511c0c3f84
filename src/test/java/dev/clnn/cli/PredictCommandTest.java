package dev.clnn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.clnn.backend.Backend;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.cpu.CpuBackend;
import dev.clnn.data.ModelMetadata;
import dev.clnn.data.Safetensors;
import dev.clnn.data.SafetensorsFile;
import dev.clnn.data.Standardization;
import dev.clnn.data.TensorEntry;
import dev.clnn.fixtures.SyntheticData;
import dev.clnn.model.Checkpoint;
import dev.clnn.model.ModelSpec;
import dev.clnn.model.Models;
import dev.clnn.nn.Sequential;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** clnn predict on the CPU backend: a tiny untrained model against its own forward pass computed here. */
class PredictCommandTest {
    private static final String SPEC = "linear(4,3)";
    /** Five rows of four features, not standardized. */
    private static final float[] X = {
        5.1f, 3.5f, 1.4f, 0.2f,
        -1f, 0.5f, 2f, 3f,
        0f, 0f, 0f, 0f,
        6.3f, 2.9f, 5.6f, 1.8f,
        10f, -4f, 0.25f, 7f,
    };
    private static final float[] MEAN = {5f, 1f, 2f, 3f};
    private static final float[] STD = {2f, 0.5f, 4f, 1.5f};

    @TempDir
    Path tmp;

    /** Saves linear(4,3) with seed 7 and the given metadata and extra tensors; returns the file. */
    private Path weights(String name, Map<String, String> metadata, boolean standardize) throws IOException {
        Path file = tmp.resolve(name);
        try (Backend cpu = new CpuBackend(); Sequential net = Models.build(cpu, ModelSpec.parse(SPEC), 7)) {
            Checkpoint.save(file, net, cpu, metadata);
        }
        if (standardize) {
            SafetensorsFile f = Safetensors.read(file);
            List<TensorEntry> all = new ArrayList<>(f.tensors().values());
            all.add(TensorEntry.f32(Standardization.MEAN, new int[] {4}, MEAN));
            all.add(TensorEntry.f32(Standardization.STD, new int[] {4}, STD));
            Safetensors.write(file, all, f.metadata());
        }
        return file;
    }

    /** The model's outputs for x, computed directly on the CPU reference. */
    private static float[] forward(float[] x, int rows) {
        try (Backend cpu = new CpuBackend(); Sequential net = Models.build(cpu, ModelSpec.parse(SPEC), 7);
                Tensor in = cpu.fromArray(x, rows, 4)) {
            return cpu.readFloats(net.forward(in));
        }
    }

    private static double[] softmax(float[] z, int off) {
        double max = Math.max(z[off], Math.max(z[off + 1], z[off + 2]));
        double[] e = new double[3];
        double sum = 0;
        for (int k = 0; k < 3; k++) {
            e[k] = Math.exp(z[off + k] - max);
            sum += e[k];
        }
        for (int k = 0; k < 3; k++) {
            e[k] /= sum;
        }
        return e;
    }

    private Path csv(String name) throws IOException {
        StringBuilder s = new StringBuilder("id,a,b,c,d,species\n");
        for (int r = 0; r < 5; r++) {
            s.append(r);
            for (int j = 0; j < 4; j++) {
                s.append(',').append(X[r * 4 + j]);
            }
            s.append(",setosa\n");
        }
        return Files.writeString(tmp.resolve(name), s.toString());
    }

    /** A little-endian float32 .npy of shape (rows, cols), as np.save writes it. */
    private Path npy(String name, float[] x, int rows, int cols) throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + rows + ", " + cols + "), }";
        int total = 10 + dict.length() + 1;
        String header = dict + " ".repeat((total + 63) / 64 * 64 - total) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * x.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.getBytes(StandardCharsets.ISO_8859_1));
        for (float v : x) {
            b.putFloat(v);
        }
        return Files.write(tmp.resolve(name), b.array());
    }

    private static CliRun predict(String... args) {
        List<String> all = new ArrayList<>(List.of("predict", "--device", "cpu", "--model", SPEC));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    /** Checks a classifier's CSV against the forward pass of x: header, one row per input in order, classes, p. */
    private static void assertClassified(String csv, float[] x, List<String> classNames) {
        List<String> lines = csv.lines().toList();
        assertEquals("class,p0,p1,p2", lines.get(0));
        assertEquals(6, lines.size(), csv);
        float[] z = forward(x, 5);
        for (int r = 0; r < 5; r++) {
            String[] cells = lines.get(r + 1).split(",");
            assertEquals(4, cells.length, lines.get(r + 1));
            double[] p = softmax(z, r * 3);
            int best = 0;
            for (int k = 1; k < 3; k++) {
                best = p[k] > p[best] ? k : best;
            }
            assertEquals(classNames == null ? Integer.toString(best) : classNames.get(best), cells[0], "row " + r);
            for (int k = 0; k < 3; k++) {
                assertEquals(String.format(Locale.ROOT, "%.6g", p[k]), cells[k + 1], "row " + r + " p" + k);
            }
        }
    }

    private static float[] standardized() {
        float[] s = new float[X.length];
        for (int i = 0; i < X.length; i++) {
            s[i] = (float) (((double) X[i] - MEAN[i % 4]) / STD[i % 4]);
        }
        return s;
    }

    @Test
    void csvWithFeatureColumnsFromTheMetadataPrintsClassesAndSoftmaxToStdout() throws IOException {
        Path w = weights("w.safetensors", Map.of(ModelMetadata.FEATURES, "[\"a\",\"b\",\"c\",\"d\"]"), false);
        CliRun r = predict("--weights", w.toString(), "--data", csv("in.csv").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.err());
        assertClassified(r.out(), X, null);
    }

    @Test
    void csvWithoutFeatureMetadataTakesEveryColumnButTheLabel() throws IOException {
        Path w = weights("w.safetensors", Map.of(), false);
        Path data = Files.writeString(tmp.resolve("plain.csv"), "a,b,label,c,d\n" + String.join("\n",
                rowsWithLabel()) + "\n");
        CliRun r = predict("--weights", w.toString(), "--data", data.toString(), "--label", "label");
        assertEquals(0, r.code(), r.err());
        assertClassified(r.out(), X, null);
    }

    private static List<String> rowsWithLabel() {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            rows.add(X[i * 4] + "," + X[i * 4 + 1] + ",x," + X[i * 4 + 2] + "," + X[i * 4 + 3]);
        }
        return rows;
    }

    @Test
    void npyToAFileIsWrittenAtomicallyAndSaysSo() throws IOException {
        Path w = weights("w.safetensors", Map.of(), false);
        Path out = tmp.resolve("pred.csv");
        CliRun r = predict("--weights", w.toString(), "--data", npy("x.npy", X, 5, 4).toString(), "--out",
                out.toString(), "--batch", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("5 predictions on ") && r.out().contains(out.toString()), r.out());
        assertClassified(Files.readString(out), X, null);
        try (var files = Files.list(tmp)) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void aSafetensorsInputIsReadFromItsXArray() throws IOException {
        Path w = weights("w.safetensors", Map.of(), false);
        Path st = tmp.resolve("in.safetensors");
        Safetensors.write(st, List.of(TensorEntry.f32("x", new int[] {5, 4}, X)), Map.of());
        CliRun r = predict("--weights", w.toString(), "--data", st.toString());
        assertEquals(0, r.code(), r.err());
        assertClassified(r.out(), X, null);
    }

    @Test
    void standardizationInTheWeightsIsAppliedAndClassNamesReplaceIndices() throws IOException {
        List<String> names = List.of("setosa", "versi,color", "virginica");
        Path w = weights("w.safetensors", Map.of(ModelMetadata.CLASSES, ModelMetadata.toJson(names)), true);
        CliRun r = predict("--weights", w.toString(), "--data", npy("x.npy", X, 5, 4).toString());
        assertEquals(0, r.code(), r.err());
        // The CSV quotes a name with a comma; compare against the names as they are written.
        assertClassified(r.out().replace("\"versi,color\"", "versi;color"), standardized(),
                List.of("setosa", "versi;color", "virginica"));
    }

    @Test
    void aRegressorPrintsOneColumnPerTargetUnderItsName() throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(ModelMetadata.TASK, ModelMetadata.REGRESSION);
        meta.put(ModelMetadata.TARGETS, "[\"price\",\"area\",\"age\"]");
        Path w = weights("w.safetensors", meta, false);
        CliRun r = predict("--weights", w.toString(), "--data", npy("x.npy", X, 5, 4).toString());
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(List.of("price,area,age"), lines.subList(0, 1));
        assertEquals(6, lines.size());
        float[] z = forward(X, 5);
        for (int i = 0; i < 5; i++) {
            assertEquals(String.format(Locale.ROOT, "%.6g,%.6g,%.6g", z[i * 3], z[i * 3 + 1], z[i * 3 + 2]),
                    lines.get(i + 1));
        }
    }

    @Test
    void errorsAreOneLineNamingTheProblemAndWriteNothing() throws IOException {
        Path w = weights("w.safetensors", Map.of(), false);
        Path out = tmp.resolve("keep.csv");
        Files.writeString(out, "previous");
        Path narrow = npy("narrow.npy", new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Path unknown = Files.writeString(tmp.resolve("x.txt"), "1,2,3,4\n");
        Path wide = Files.writeString(tmp.resolve("wide.csv"), "a,b,c,d,e\n1,2,3,4,5\n");
        String[][] cases = {
            {"narrow.npy: rows have 3 features but the model takes 4", "--data", narrow.toString()},
            {"wide.csv: rows have 5 features but the model takes 4", "--data", wide.toString()},
            {"missing.csv: no such file", "--data", tmp.resolve("missing.csv").toString()},
            {"x.txt: unknown input format", "--data", unknown.toString()},
            {"no label column \"nope\"", "--data", wide.toString(), "--label", "nope"},
        };
        for (String[] c : cases) {
            List<String> args = new ArrayList<>(List.of("--weights", w.toString(), "--out", out.toString()));
            args.addAll(List.of(c).subList(1, c.length));
            CliRun r = predict(args.toArray(String[]::new));
            assertEquals(1, r.code(), args + " -> " + r.out() + r.err());
            assertTrue(r.err().startsWith("clnn: predict: ") && r.err().contains(c[0]), args + " -> " + r.err());
            assertEquals(1, r.err().strip().split("\n").length, r.err());
            assertEquals("previous", Files.readString(out), "a failed run leaves --out as it was");
        }
    }

    @Test
    void weightsOfAnotherModelAreStillRefused() throws IOException {
        Path w = tmp.resolve("other.safetensors");
        try (Backend cpu = new CpuBackend();
                Sequential net = Models.build(cpu, ModelSpec.parse("linear(4,3),relu,linear(3,3)"), 1)) {
            Checkpoint.save(w, net, cpu, Map.of());
        }
        CliRun r = predict("--weights", w.toString(), "--data", npy("x.npy", X, 5, 4).toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("unexpected [2.bias, 2.weight]"), r.err());
    }

    @Test
    void onMnistImagesTheClassesAgreeWithEvalsAccuracy() throws IOException {
        Path data = SyntheticData.mnistFolder(Files.createDirectories(tmp.resolve("mnist")), 20, 60);
        Path w = tmp.resolve("mnist.safetensors");
        try (Backend cpu = new CpuBackend(); Sequential net = Models.build(cpu, ModelSpec.parse("linear(784,10)"),
                3)) {
            Checkpoint.save(w, net, cpu, Map.of());
        }
        CliRun eval = CliRun.of("eval", "--device", "cpu", "--model", "linear(784,10)", "--weights", w.toString(),
                "--data", data.toString());
        assertEquals(0, eval.code(), eval.err());
        CliRun p = CliRun.of("predict", "--device", "cpu", "--model", "linear(784,10)", "--weights", w.toString(),
                "--data", data.toString(), "--batch", "7");
        assertEquals(0, p.code(), p.err());
        List<String> lines = p.out().lines().toList();
        assertEquals(61, lines.size());
        int correct = 0;
        for (int i = 0; i < 60; i++) {
            correct += lines.get(i + 1).split(",")[0].equals(Integer.toString(i % 10)) ? 1 : 0; // label i mod 10
        }
        Matcher m = Pattern.compile("accuracy (\\d+\\.\\d\\d)%").matcher(eval.out());
        assertTrue(m.find(), eval.out());
        assertEquals(m.group(1), String.format(Locale.ROOT, "%.2f", 100.0 * correct / 60));
    }
}
