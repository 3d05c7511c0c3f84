package dev.clnn.data;

import static dev.clnn.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NumpyArraysTest {
    @TempDir
    Path dir;

    // --- writing .npy bytes as NumPy does, so the tests need no Python ---

    /** A .npy file: magic, version, header length, the dict padded with spaces and '\n' to a multiple of 64. */
    static byte[] npy(int major, String descr, boolean fortran, int[] shape, byte[] data) {
        StringBuilder dims = new StringBuilder();
        for (int d : shape) {
            dims.append(d).append(", ");
        }
        String tuple = shape.length == 1 ? "(" + shape[0] + ",)"
                : "(" + (shape.length == 0 ? "" : dims.substring(0, dims.length() - 2)) + ")";
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
                + tuple + ", }";
        int prefix = major == 1 ? 10 : 12;
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - total) + "\n";
        return npyRaw(major, header.getBytes(StandardCharsets.ISO_8859_1), data);
    }

    static byte[] npyRaw(int major, byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate((major == 1 ? 10 : 12) + header.length + data.length)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) header.length);
        } else {
            b.putInt(header.length);
        }
        b.put(header).put(data);
        return b.array();
    }

    static byte[] f4(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    static byte[] f8(double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(v);
        return b.array();
    }

    static byte[] i4(int... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return b.array();
    }

    static byte[] i8(long... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(v);
        return b.array();
    }

    static byte[] npy(String descr, int[] shape, byte[] data) {
        return npy(1, descr, false, shape, data);
    }

    private Path write(String name, byte[] bytes) {
        try {
            Path p = dir.resolve(name);
            Files.createDirectories(p.getParent());
            Files.write(p, bytes);
            return p;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A .npz with each entry stored (with CRC and sizes, as zip requires) or deflated. */
    private Path npz(String name, boolean deflated, Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                if (!deflated) {
                    CRC32 crc = new CRC32();
                    crc.update(e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(e.getValue().length);
                    entry.setCompressedSize(e.getValue().length);
                    entry.setCrc(crc.getValue());
                }
                zip.putNextEntry(entry);
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return write(name, bytes.toByteArray());
    }

    // --- arrays ---

    @Test
    void everyDtypeReadsWithItsValues() {
        TensorEntry f = NumpyArrays.readNpy(write("f.npy", npy("<f4", new int[] {2, 2}, f4(1, -2.5f, 0, 3))));
        assertEquals("f", f.name());
        assertArrayEquals(new int[] {2, 2}, f.shape());
        assertArrayEquals(new float[] {1, -2.5f, 0, 3}, f.floats());
        TensorEntry d = NumpyArrays.readNpy(write("d.npy", npy("<f8", new int[] {2}, f8(Math.PI, -1e-3))));
        assertArrayEquals(new double[] {Math.PI, -1e-3}, d.doubles());
        TensorEntry i = NumpyArrays.readNpy(write("i.npy", npy("<i4", new int[] {3}, i4(-7, 0, 1 << 30))));
        assertArrayEquals(new int[] {-7, 0, 1 << 30}, i.ints());
        TensorEntry l = NumpyArrays.readNpy(write("l.npy", npy("<i8", new int[] {2}, i8(1L << 40, -1))));
        assertArrayEquals(new long[] {1L << 40, -1}, l.longs());
        TensorEntry u = NumpyArrays.readNpy(write("u.npy", npy("|u1", new int[] {3}, new byte[] {0, 7, (byte) 255})));
        assertArrayEquals(new int[] {0, 7, 255}, u.ints());
        TensorEntry s = NumpyArrays.readNpy(write("s.npy", npy("<f4", new int[] {}, f4(42))));
        assertArrayEquals(new int[0], s.shape());
        assertArrayEquals(new float[] {42}, s.floats());
    }

    @Test
    void versionTwoAndThreeHeadersRead() {
        for (int major : new int[] {2, 3}) {
            TensorEntry t = NumpyArrays.readNpy(
                    write("v" + major + ".npy", npy(major, "<f4", false, new int[] {1, 2}, f4(5, 6))));
            assertArrayEquals(new float[] {5, 6}, t.floats(), "version " + major);
        }
    }

    @Test
    void npzReadsStoredAndDeflatedEntries() throws IOException {
        for (boolean deflated : new boolean[] {false, true}) {
            Path file = npz("a" + deflated + ".npz", deflated, Map.of(
                    "x", npy("<f4", new int[] {2, 1}, f4(1, 2)),
                    "y", npy("<i8", new int[] {2}, i8(0, 1))));
            Map<String, TensorEntry> arrays = NumpyArrays.readNpz(file);
            assertEquals(2, arrays.size(), "deflated " + deflated);
            assertArrayEquals(new float[] {1, 2}, arrays.get("x").floats());
            assertArrayEquals(new long[] {0, 1}, arrays.get("y").longs());
        }
    }

    // --- tables ---

    @Test
    void folderWithUppercaseXMakesClassLabelsAndFlattensImages() throws IOException {
        Files.createDirectories(dir.resolve("t"));
        write("t/X.npy", npy("|u1", new int[] {3, 2, 2}, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
        write("t/y.npy", npy("<i8", new int[] {3}, i8(2, 0, 2)));
        TabularData t = NumpyArrays.readTable(dir.resolve("t"));
        assertEquals(3, t.rows());
        assertEquals(List.of("x[0]", "x[1]", "x[2]", "x[3]"), t.featureNames());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, t.x());
        TabularData.ClassLabels labels = (TabularData.ClassLabels) t.target();
        assertArrayEquals(new int[] {2, 0, 2}, labels.labels());
        assertEquals(List.of("0", "1", "2"), labels.classNames());
    }

    @Test
    void folderWithLowercaseXAndFloatYMakesOneTargetColumn() {
        write("t/x.npy", npy("<f8", new int[] {2, 1}, f8(0.5, 1.5)));
        write("t/y.npy", npy("<f4", new int[] {2}, f4(3, 4)));
        TabularData t = NumpyArrays.readTable(dir.resolve("t"));
        TabularData.FloatTargets y = (TabularData.FloatTargets) t.target();
        assertArrayEquals(new float[] {0.5f, 1.5f}, t.x());
        assertEquals(List.of("y"), y.names());
        assertArrayEquals(new float[] {3, 4}, y.values());
    }

    @Test
    void npzWithTwoDimensionalFloatYMakesNamedColumns() throws IOException {
        Path file = npz("t.npz", true, Map.of(
                "X", npy("<f4", new int[] {2, 1}, f4(1, 2)),
                "Y", npy("<f8", new int[] {2, 3}, f8(1, 2, 3, 4, 5, 6))));
        TabularData t = NumpyArrays.readTable(file);
        TabularData.FloatTargets y = (TabularData.FloatTargets) t.target();
        assertEquals(List.of("y[0]", "y[1]", "y[2]"), y.names());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, y.values());
    }

    // --- errors, each one line starting with the path ---

    private void assertNpyError(byte[] bytes, String... parts) {
        Path file = write("bad.npy", bytes);
        DataFileException e = assertThrows(DataFileException.class, () -> NumpyArrays.readNpy(file));
        assertMessage(e, file.toString());
        assertMessage(e, parts);
    }

    @Test
    void badMagicIsRejected() {
        byte[] bytes = npy("<f4", new int[] {1}, f4(1));
        bytes[1] = 'X';
        assertNpyError(bytes, "does not start with \\x93NUMPY");
    }

    @Test
    void unknownVersionIsRejected() {
        byte[] bytes = npy("<f4", new int[] {1}, f4(1));
        bytes[6] = 4;
        assertNpyError(bytes, "version 4.0");
    }

    @Test
    void bigEndianSaysHowToResave() {
        assertNpyError(npy(">f4", new int[] {1}, f4(1)), "big-endian dtype '>f4'", "astype('<f4')");
    }

    @Test
    void unsupportedDtypeIsNamed() {
        assertNpyError(npy("<f2", new int[] {1}, new byte[2]), "unsupported dtype '<f2'");
    }

    @Test
    void fortranOrderIsRejected() {
        assertNpyError(npy(1, "<f4", true, new int[] {2, 2}, f4(1, 2, 3, 4)), "fortran_order",
                "np.ascontiguousarray");
    }

    @Test
    void truncatedDataSaysExpectedAndFound() {
        byte[] full = npy("<f4", new int[] {2, 3}, f4(1, 2, 3, 4, 5, 6));
        assertNpyError(Arrays.copyOf(full, full.length - 3), "truncated", "needs 24 data bytes, found 21");
    }

    @Test
    void truncatedHeaderIsRejected() {
        byte[] full = npy("<f4", new int[] {1}, f4(1));
        assertNpyError(Arrays.copyOf(full, 40), "truncated", "the header is 118 bytes");
    }

    @Test
    void trailingBytesAreRejected() {
        byte[] full = npy("<f4", new int[] {1}, f4(1));
        assertNpyError(Arrays.copyOf(full, full.length + 2), "2 bytes after the data");
    }

    @Test
    void unparseableHeaderIsRejected() {
        assertNpyError(npyRaw(1, "{'descr': '<f4', 'shape': (1,) ".getBytes(StandardCharsets.US_ASCII), f4(1)),
                "header is not parseable");
        assertNpyError(npyRaw(1, "{'descr': '<f4', 'fortran_order': Nope, 'shape': (1,)}\n"
                .getBytes(StandardCharsets.US_ASCII), f4(1)), "header is not parseable", "'Nope'");
        assertNpyError(npyRaw(1, "{'descr': '<f4', 'shape': (1,)}\n".getBytes(StandardCharsets.US_ASCII), f4(1)),
                "no valid 'fortran_order'");
    }

    @Test
    void notAZipIsRejected() {
        Path file = write("bad.npz", "not a zip".getBytes(StandardCharsets.US_ASCII));
        DataFileException e = assertThrows(DataFileException.class, () -> NumpyArrays.readNpz(file));
        assertMessage(e, file.toString(), "not a readable .npz");
    }

    @Test
    void badEntryInNpzNamesArchiveAndEntry() throws IOException {
        Path file = npz("t.npz", true, Map.of("x", new byte[] {1, 2, 3}));
        DataFileException e = assertThrows(DataFileException.class, () -> NumpyArrays.readNpz(file));
        assertMessage(e, file + " entry x.npy", "\\x93NUMPY");
    }

    @Test
    void missingFileAndMissingArraysAreNamed() throws IOException {
        Path none = dir.resolve("none.npy");
        assertMessage(assertThrows(DataFileException.class, () -> NumpyArrays.readNpy(none)), none.toString(),
                "no such file");
        Files.createDirectories(dir.resolve("empty"));
        write("empty/X.npy", npy("<f4", new int[] {1, 1}, f4(1)));
        assertMessage(assertThrows(DataFileException.class, () -> NumpyArrays.readTable(dir.resolve("empty"))),
                dir.resolve("empty").toString(), "no y.npy or Y.npy");
        Path onlyX = npz("onlyx.npz", false, Map.of("x", npy("<f4", new int[] {1, 1}, f4(1))));
        assertMessage(assertThrows(DataFileException.class, () -> NumpyArrays.readTable(onlyX)), onlyX.toString(),
                "no array y or Y", "[x]");
    }

    private DataFileException tableError(byte[] x, byte[] y) {
        Path file;
        try {
            file = npz("table" + System.nanoTime() + ".npz", true, Map.of("x", x, "y", y));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        DataFileException e = assertThrows(DataFileException.class, () -> NumpyArrays.readTable(file));
        assertMessage(e, file.toString());
        return e;
    }

    @Test
    void rowCountMismatchNamesBothShapes() {
        DataFileException e = tableError(npy("<f4", new int[] {3, 2}, f4(1, 2, 3, 4, 5, 6)),
                npy("<i8", new int[] {2}, i8(0, 1)));
        assertMessage(e, "x has shape [3, 2] but y has shape [2]", "row counts differ");
    }

    @Test
    void nonFiniteValuesNameTheirRowAndColumn() {
        DataFileException e = tableError(npy("<f4", new int[] {2, 2}, f4(1, 2, 3, Float.NaN)),
                npy("<i8", new int[] {2}, i8(0, 1)));
        assertMessage(e, "x[1, 1] is NaN");
        e = tableError(npy("<f4", new int[] {2, 1}, f4(1, 2)), npy("<f8", new int[] {2}, f8(0, 1e300)));
        assertMessage(e, "y[1, 0] is Infinity", "as float32");
    }

    @Test
    void negativeLabelIsRejected() {
        DataFileException e = tableError(npy("<f4", new int[] {2, 1}, f4(1, 2)),
                npy("<i4", new int[] {2}, i4(0, -1)));
        assertMessage(e, "y[1] = -1", "negative class label");
    }

    @Test
    void badShapesAreRejected() {
        assertMessage(tableError(npy("<f4", new int[] {2}, f4(1, 2)), npy("<i4", new int[] {2}, i4(0, 1))),
                "x has shape [2]", "reshape(-1, 1)");
        assertMessage(tableError(npy("<f4", new int[] {2, 1}, f4(1, 2)), npy("<i4", new int[] {2, 2}, i4(0, 1, 1, 0))),
                "integer dtype and shape [2, 2]");
        assertMessage(tableError(npy("<f4", new int[] {1, 1}, f4(1)), npy("<f4", new int[] {1, 1, 1}, f4(1))),
                "y has shape [1, 1, 1]");
    }

    @Test
    void safetensorsTableFollowsTheSameRules() {
        Path file = dir.resolve("t.safetensors");
        Safetensors.write(file, List.of(
                TensorEntry.f64("X", new int[] {2, 2}, new double[] {1, 2, 3, 4}),
                TensorEntry.i64("y", new int[] {2}, new long[] {1, 3}),
                TensorEntry.f32("other", new int[] {1}, new float[] {9})), Map.of());
        TabularData t = ArrayTables.readSafetensors(file);
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.x());
        assertEquals(List.of("x[0]", "x[1]"), t.featureNames());
        TabularData.ClassLabels labels = (TabularData.ClassLabels) t.target();
        assertArrayEquals(new int[] {1, 3}, labels.labels());
        assertEquals(4, labels.classNames().size());

        Path floats = dir.resolve("f.safetensors");
        Safetensors.write(floats, List.of(
                TensorEntry.f32("x", new int[] {2, 1}, new float[] {1, 2}),
                TensorEntry.f32("y", new int[] {2}, new float[] {0.5f, Float.NaN})), Map.of());
        assertMessage(assertThrows(DataFileException.class, () -> ArrayTables.readSafetensors(floats)),
                floats.toString(), "y[1, 0] is NaN");

        Path noY = dir.resolve("n.safetensors");
        Safetensors.write(noY, List.of(TensorEntry.f32("x", new int[] {1, 1}, new float[] {1})), Map.of());
        assertMessage(assertThrows(DataFileException.class, () -> ArrayTables.readSafetensors(noY)),
                noY.toString(), "no array y or Y");
    }
}
