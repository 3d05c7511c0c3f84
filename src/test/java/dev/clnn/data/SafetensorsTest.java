package dev.clnn.data;

import static dev.clnn.data.IdxReaderTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    @Test
    void everyDtypeRoundTripsWithScalarAndMetadata() {
        Path file = dir.resolve("model.safetensors");
        List<TensorEntry> tensors = List.of(
                TensorEntry.f32("fc.weight", new int[] {2, 3}, new float[] {1, -2, 3.5f, Float.MIN_VALUE, 0, -0f}),
                TensorEntry.f64("running_var", new int[] {2}, new double[] {Math.PI, -1e300}),
                TensorEntry.i32("counts", new int[] {1, 2}, new int[] {Integer.MIN_VALUE, 7}),
                TensorEntry.i64("step", new int[] {}, new long[] {1L << 40}),
                TensorEntry.f32("empty", new int[] {0, 4}, new float[0]));
        Map<String, String> metadata = Map.of("format", "pt", "note", "quote \" backslash \\ é\n");
        Safetensors.write(file, tensors, metadata);

        SafetensorsFile read = Safetensors.read(file);
        assertEquals(metadata, read.metadata());
        assertEquals(List.of("counts", "empty", "fc.weight", "running_var", "step"),
                List.copyOf(read.tensors().keySet()));
        TensorEntry w = read.tensor("fc.weight");
        assertArrayEquals(new int[] {2, 3}, w.shape());
        assertArrayEquals(tensors.get(0).floats(), w.floats());
        assertArrayEquals(new double[] {Math.PI, -1e300}, read.tensor("running_var").doubles());
        assertArrayEquals(new int[] {Integer.MIN_VALUE, 7}, read.tensor("counts").ints());
        TensorEntry step = read.tensor("step");
        assertArrayEquals(new int[0], step.shape());
        assertArrayEquals(new long[] {1L << 40}, step.longs());
        assertArrayEquals(new int[] {0, 4}, read.tensor("empty").shape());
    }

    @Test
    void emptyMetadataIsOmittedAndReadsBackEmpty() throws IOException {
        Path file = dir.resolve("m.safetensors");
        Safetensors.write(file, List.of(TensorEntry.i32("x", new int[] {1}, new int[] {5})), Map.of());
        assertTrue(!new String(Files.readAllBytes(file), StandardCharsets.UTF_8).contains("__metadata__"));
        assertEquals(Map.of(), Safetensors.read(file).metadata());
    }

    @Test
    void writesTheBytesTheSpecPrescribes() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        // Given out of order: the file must list them sorted by name.
        Safetensors.write(file, List.of(
                TensorEntry.i32("b", new int[] {2}, new int[] {1, -1}),
                TensorEntry.f32("a", new int[] {}, new float[] {1.5f})), Map.of());
        assertArrayEquals(tinyFile(), Files.readAllBytes(file));
    }

    @Test
    void readsAHandWrittenFile() throws IOException {
        Path file = Files.write(dir.resolve("hand.safetensors"), tinyFile());
        SafetensorsFile read = Safetensors.read(file);
        assertArrayEquals(new float[] {1.5f}, read.tensor("a").floats());
        assertArrayEquals(new int[] {1, -1}, read.tensor("b").ints());
    }

    /** Two tensors, a scalar F32 1.5 and an I32 [1, -1], written out by hand from the format description. */
    private static byte[] tinyFile() {
        String header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[4,12]}}"
                + "     "; // 107 bytes of JSON padded to 112
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {112, 0, 0, 0, 0, 0, 0, 0});
        out.writeBytes(header.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {0x00, 0x00, (byte) 0xc0, 0x3f}); // 1.5f = 0x3fc00000
        out.writeBytes(new byte[] {1, 0, 0, 0});
        out.writeBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});
        return out.toByteArray();
    }

    @Test
    void convertsF64ToFloatAndI64ToIntWithARangeCheck() {
        TensorEntry d = TensorEntry.f64("d", new int[] {2}, new double[] {0.1, -2});
        assertArrayEquals(new float[] {0.1f, -2f}, d.toFloats());
        TensorEntry labels = TensorEntry.i64("labels", new int[] {3}, new long[] {0, 9, -4});
        assertArrayEquals(new int[] {0, 9, -4}, labels.toInts());
        TensorEntry big = TensorEntry.i64("big", new int[] {2}, new long[] {1, 1L << 31});
        IllegalStateException e = assertThrows(IllegalStateException.class, big::toInts);
        assertMessage(e, "big", "element 1");
    }

    @Test
    void fileShorterThanTheLengthFieldIsRejected() throws IOException {
        Path file = Files.write(dir.resolve("short"), new byte[5]);
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(file)), file.toString(), "5 bytes");
    }

    @Test
    void headerLengthBeyondTheFileIsRejected() throws IOException {
        byte[] bytes = tinyFile();
        bytes[0] = (byte) 200; // claims 200 header bytes in a 132-byte file
        Path file = Files.write(dir.resolve("long-header"), bytes);
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(file)), file.toString(),
                "header length 200");
        bytes[7] = (byte) 0x80; // a length above 2^63, negative as a Java long
        Files.write(file, bytes);
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(file)), file.toString(),
                "header length");
    }

    @Test
    void truncatedDataIsRejected() throws IOException {
        byte[] bytes = tinyFile();
        Path file = Files.write(dir.resolve("cut"), Arrays.copyOf(bytes, bytes.length - 3));
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(file)), file.toString(),
                "tensor \"b\"", "data section");
    }

    @Test
    void trailingBytesAreRejected() throws IOException {
        byte[] bytes = tinyFile();
        Path file = Files.write(dir.resolve("extra"), Arrays.copyOf(bytes, bytes.length + 4));
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(file)), file.toString(),
                "trailing");
    }

    @Test
    void overlappingOffsetsAreRejected() {
        Path file = file("{\"a\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8);
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(file)), file.toString(),
                "overlap", "\"a\"", "\"b\"");
    }

    @Test
    void gapBetweenTensorsIsRejected() {
        Path file = file("{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]}}", 12);
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(file)), file.toString(),
                "tensor \"b\"", "gap");
    }

    @Test
    void offsetsOutsideTheDataSectionAreRejected() {
        Path file = file("{\"a\":{\"dtype\":\"I32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(file)), file.toString(),
                "tensor \"a\"", "data_offsets");
        Path reversed = file("{\"a\":{\"dtype\":\"I32\",\"shape\":[0],\"data_offsets\":[4,0]}}", 4);
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(reversed)), "tensor \"a\"");
    }

    @Test
    void shapeThatDisagreesWithOffsetsIsRejected() {
        Path file = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,20]}}", 20);
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(file)), file.toString(),
                "tensor \"w\"", "20 bytes", "needs 24");
    }

    @Test
    void negativeOrHugeShapesAreRejected() {
        Path negative = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,0]}}", 0);
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(negative)), "tensor \"w\"",
                "shape entry 0");
        Path huge = file("{\"w\":{\"dtype\":\"F32\",\"shape\":[100000,100000],\"data_offsets\":[0,0]}}", 0);
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(huge)), "tensor \"w\"",
                "more elements");
    }

    @Test
    void unknownDtypeIsRejected() {
        Path file = file("{\"h\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}", 2);
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(file)), file.toString(),
                "tensor \"h\"", "BF16");
    }

    @Test
    void malformedJsonIsRejected() {
        String[] bad = {
            "{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}",
            "{\"a\":{\"dtype\":\"I32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}",
            "{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]},}",
            "{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}} x",
            "{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":true}}",
            "{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]},\"a\":{}}",
            "{\"a\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]},\"__metadata__\":{\"k\":1}}",
            "[1,2]",
        };
        for (String json : bad) {
            Path file = file(json, 4);
            DataFileException e = assertThrows(DataFileException.class, () -> Safetensors.read(file), json);
            assertMessage(e, file.toString(), "header");
        }
    }

    @Test
    void jsonEscapesRoundTripThroughTheParser() {
        String name = "tab\there \"quoted\" back\\slash \u0001 snow\u2603 emoji\uD83D\uDE00";
        assertEquals(name, Json.parse(Json.quote(name)));
        assertEquals("A\u00e9\n/", Json.parse("\"\\u0041\\u00E9\\n\\/\""));
    }

    @Test
    void overwritesAnExistingFile() {
        Path file = dir.resolve("ckpt.safetensors");
        Safetensors.write(file, List.of(TensorEntry.i32("v", new int[] {1}, new int[] {1})), Map.of());
        Safetensors.write(file, List.of(TensorEntry.i32("v", new int[] {1}, new int[] {2})), Map.of());
        assertArrayEquals(new int[] {2}, Safetensors.read(file).tensor("v").ints());
        assertEquals(List.of(file), listDir());
    }

    @Test
    void rejectedInputLeavesTheOldFileIntact() throws IOException {
        Path file = dir.resolve("ckpt.safetensors");
        Safetensors.write(file, List.of(TensorEntry.i32("v", new int[] {1}, new int[] {1})), Map.of());
        byte[] before = Files.readAllBytes(file);
        List<TensorEntry> duplicate = List.of(TensorEntry.i32("v", new int[] {1}, new int[] {2}),
                TensorEntry.i32("v", new int[] {1}, new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> Safetensors.write(file, duplicate, Map.of()));
        assertArrayEquals(before, Files.readAllBytes(file));
        assertEquals(List.of(file), listDir());
    }

    @Test
    void failedReplaceDeletesTheTemporaryFileAndKeepsTheTarget() throws IOException {
        // The data is fully written before the final rename fails: a non-empty directory cannot be replaced.
        Path target = Files.createDirectory(dir.resolve("taken.safetensors"));
        Path inside = Files.write(target.resolve("keep"), new byte[] {42});
        List<TensorEntry> tensors = List.of(TensorEntry.f32("w", new int[] {1000}, new float[1000]));
        UncheckedIOException e = assertThrows(UncheckedIOException.class,
                () -> Safetensors.write(target, tensors, Map.of()));
        assertMessage(e, target.toString());
        assertArrayEquals(new byte[] {42}, Files.readAllBytes(inside));
        assertEquals(List.of(target), listDir());
    }

    @Test
    void missingFileNamesThePath() {
        Path file = dir.resolve("absent.safetensors");
        assertMessage(assertThrows(DataFileException.class, () -> Safetensors.read(file)), file.toString(),
                "no such file");
    }

    /** A file with the given header (unpadded) and dataBytes zero bytes of data. */
    private Path file(String json, int dataBytes) {
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header);
        try {
            return Files.write(Files.createTempFile(dir, "case", ".safetensors"), b.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private List<Path> listDir() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
