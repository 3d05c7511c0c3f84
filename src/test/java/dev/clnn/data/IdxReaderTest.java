package dev.clnn.data;

import static dev.clnn.fixtures.IdxFiles.gzip;
import static dev.clnn.fixtures.IdxFiles.idx;
import static dev.clnn.fixtures.IdxFiles.ramp;
import static dev.clnn.fixtures.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {
    private static final int[] IMAGE_DIMS = {2, 3, 4}; // count, rows, cols
    private static final byte[] PIXELS = ramp(24, 120); // crosses 127 -> 128, so signedness is tested

    @TempDir
    Path dir;

    @Test
    void rawImagesRoundTrip() {
        Path file = write(dir.resolve("images"), idx(IdxReader.IMAGES_MAGIC, IMAGE_DIMS, PIXELS));
        IdxArray images = IdxReader.readImages(file);
        assertArrayEquals(IMAGE_DIMS, images.shape());
        assertArrayEquals(PIXELS, images.data());
        assertEquals(128, images.unsigned(8));
    }

    @Test
    void gzipIsDetectedByMagicBytesNotByName() {
        Path file = write(dir.resolve("images.raw"), gzip(idx(IdxReader.IMAGES_MAGIC, IMAGE_DIMS, PIXELS)));
        IdxArray images = IdxReader.readImages(file);
        assertArrayEquals(IMAGE_DIMS, images.shape());
        assertArrayEquals(PIXELS, images.data());
    }

    @Test
    void labelsRoundTripRawAndGzip() {
        byte[] labels = {3, 0, 9, 1, 1};
        byte[] raw = idx(IdxReader.LABELS_MAGIC, new int[] {5}, labels);
        assertArrayEquals(labels, IdxReader.readLabels(write(dir.resolve("l"), raw)).data());
        assertArrayEquals(labels, IdxReader.readLabels(write(dir.resolve("l.gz"), gzip(raw))).data());
    }

    @Test
    void streamReaderHandlesGzipAndRaw() {
        byte[] raw = idx(IdxReader.IMAGES_MAGIC, IMAGE_DIMS, PIXELS);
        assertArrayEquals(PIXELS, IdxReader.readImages(new ByteArrayInputStream(raw), "mem").data());
        assertArrayEquals(PIXELS, IdxReader.readImages(new ByteArrayInputStream(gzip(raw)), "mem").data());
    }

    @Test
    void badMagicNamesExpectedAndFound() {
        Path file = write(dir.resolve("labels-as-images"), idx(IdxReader.LABELS_MAGIC, new int[] {1, 1, 1},
                new byte[1]));
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file));
        assertMessage(e, file.toString(), "expected 2051", "found 2049");
    }

    @Test
    void zeroDimensionIsRejected() {
        Path file = write(dir.resolve("zero"), idx(IdxReader.IMAGES_MAGIC, new int[] {2, 0, 4}, new byte[0]));
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file));
        assertMessage(e, file.toString(), "dimension 1 is 0");
    }

    @Test
    void truncatedRawDataSaysExpectedAndFound() {
        byte[] full = idx(IdxReader.IMAGES_MAGIC, IMAGE_DIMS, PIXELS);
        Path file = write(dir.resolve("short"), Arrays.copyOf(full, full.length - 5));
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file));
        assertMessage(e, file.toString(), "truncated", "24", "found 19");
    }

    @Test
    void truncatedGzipDataSaysExpectedAndFound() {
        byte[] full = idx(IdxReader.IMAGES_MAGIC, IMAGE_DIMS, PIXELS);
        Path file = write(dir.resolve("short.gz"), gzip(Arrays.copyOf(full, full.length - 5)));
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file));
        assertMessage(e, file.toString(), "truncated", "24", "found 19");
    }

    @Test
    void cutOffGzipStreamIsAnError() {
        byte[] gz = gzip(idx(IdxReader.IMAGES_MAGIC, new int[] {10, 28, 28}, ramp(7840, 0)));
        Path file = write(dir.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(file));
        assertMessage(e, file.toString());
    }

    @Test
    void trailingBytesAreRejectedRawAndGzip() {
        byte[] padded = idx(IdxReader.IMAGES_MAGIC, IMAGE_DIMS, ramp(25, 0));
        Path raw = write(dir.resolve("long"), padded);
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(raw)),
                raw.toString(), "trailing");
        Path gz = write(dir.resolve("long.gz"), gzip(padded));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(gz)),
                gz.toString(), "trailing");
    }

    @Test
    void headerClaimingTeraBytesFailsBeforeAllocating() {
        // 10^6 x 10^3 x 10^3 = 10^12 bytes: the check must fire on the header alone, raw or gzip.
        byte[] lying = idx(IdxReader.IMAGES_MAGIC, new int[] {1_000_000, 1_000, 1_000}, new byte[16]);
        Path raw = write(dir.resolve("huge"), lying);
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(raw)),
                raw.toString(), "limit");
        Path gz = write(dir.resolve("huge.gz"), gzip(lying));
        assertMessage(assertThrows(DataFileException.class, () -> IdxReader.readImages(gz)),
                gz.toString(), "limit");
    }

    @Test
    void gzipHeaderClaimingNearTheLimitFailsOnTruncationNotOutOfMemory() {
        // ~2 GB claimed, 16 bytes present: the growing buffer means only the first chunk is ever allocated.
        byte[] lying = idx(IdxReader.IMAGES_MAGIC, new int[] {2, 32768, 32767}, new byte[16]);
        Path gz = write(dir.resolve("lying.gz"), gzip(lying));
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readImages(gz));
        assertMessage(e, gz.toString(), "truncated", "2147418112", "found 16");
    }

    @Test
    void missingFileNamesThePath() {
        Path file = dir.resolve("nope.gz");
        DataFileException e = assertThrows(DataFileException.class, () -> IdxReader.readLabels(file));
        assertMessage(e, file.toString(), "no such file");
    }

    static void assertMessage(Exception e, String... parts) {
        String message = e.getMessage();
        assertTrue(!message.contains("\n"), "message should be one line: " + message);
        for (String part : parts) {
            assertTrue(message.contains(part), "message should contain \"" + part + "\": " + message);
        }
    }
}
