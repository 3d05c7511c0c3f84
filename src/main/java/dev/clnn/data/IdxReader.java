package dev.clnn.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads MNIST-style IDX files, raw or gzip-compressed (recognised by the gzip magic bytes 1f 8b, not by the name).
 *
 * <p>Layout, all integers big-endian: a 4-byte magic number, one 4-byte size per dimension, then product(sizes)
 * unsigned bytes, row-major. Images use magic 2051 (0x00000803) and three dimensions {count, rows, cols}; labels use
 * magic 2049 (0x00000801) and one dimension {count}.
 *
 * <p>The header is checked before anything is allocated from it: the magic number, every dimension positive, the
 * total within {@link #MAX_DATA_BYTES}, and the data exactly as long as the header says (no truncation, no trailing
 * bytes). A raw file's size is compared against the header up front; a gzip stream is read in growing chunks, so a
 * header that lies about its size costs at most about twice the data actually present. Every problem is a
 * {@link DataFileException} naming the file.
 */
public final class IdxReader {
    /** Magic number of an unsigned-byte 3-D IDX file (images). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of an unsigned-byte 1-D IDX file (labels). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** The largest data section accepted: the largest byte array a JVM reliably allocates. */
    public static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 8;

    private static final int FIRST_CHUNK = 1 << 20;

    private enum Kind {
        IMAGES(IMAGES_MAGIC, 3, "unsigned-byte 3-D images"),
        LABELS(LABELS_MAGIC, 1, "unsigned-byte 1-D labels");

        final int magic;
        final int dims;
        final String description;

        Kind(int magic, int dims, String description) {
            this.magic = magic;
            this.dims = dims;
            this.description = description;
        }
    }

    private IdxReader() {
    }

    /** Reads an images file: shape {count, rows, cols}, count·rows·cols bytes. */
    public static IdxArray readImages(Path file) {
        return read(file, Kind.IMAGES);
    }

    /** Reads a labels file: shape {count}, count bytes. */
    public static IdxArray readLabels(Path file) {
        return read(file, Kind.LABELS);
    }

    /**
     * Reads an images file from a stream of unknown length (e.g. a classpath resource); source names it in errors.
     * The stream is read to its end but not closed.
     */
    public static IdxArray readImages(InputStream in, String source) {
        return readStream(in, source, Kind.IMAGES);
    }

    /** As {@link #readImages(InputStream, String)}, for a labels file. */
    public static IdxArray readLabels(InputStream in, String source) {
        return readStream(in, source, Kind.LABELS);
    }

    private static IdxArray read(Path file, Kind kind) {
        try (InputStream raw = Files.newInputStream(file)) {
            BufferedInputStream in = new BufferedInputStream(raw);
            if (isGzip(in)) {
                return parse(gunzip(in), file.toString(), kind, -1);
            }
            return parse(in, file.toString(), kind, Files.size(file));
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "no such file");
        } catch (EOFException | ZipException e) {
            throw new DataFileException(file, "corrupt or truncated gzip stream (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
    }

    private static IdxArray readStream(InputStream stream, String source, Kind kind) {
        try {
            BufferedInputStream in = new BufferedInputStream(stream);
            return parse(isGzip(in) ? gunzip(in) : in, source, kind, -1);
        } catch (EOFException | ZipException e) {
            throw new DataFileException(source, "corrupt or truncated gzip stream (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new UncheckedIOException(source + ": cannot read", e);
        }
    }

    private static boolean isGzip(BufferedInputStream in) throws IOException {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1f && b1 == 0x8b;
    }

    private static InputStream gunzip(InputStream in) throws IOException {
        return new GZIPInputStream(in, 1 << 16);
    }

    /** knownSize is the whole file's length for a raw file, or -1 when the length is only known by reading. */
    private static IdxArray parse(InputStream in, String source, Kind kind, long knownSize) throws IOException {
        int headerBytes = 4 + 4 * kind.dims;
        byte[] headerRaw = in.readNBytes(headerBytes);
        if (headerRaw.length < headerBytes) {
            throw new DataFileException(source, "truncated header: a " + kind.description + " header is "
                    + headerBytes + " bytes, found " + headerRaw.length);
        }
        ByteBuffer header = ByteBuffer.wrap(headerRaw); // big-endian by default, as IDX is
        int magic = header.getInt();
        if (magic != kind.magic) {
            throw new DataFileException(source, String.format(
                    "bad magic number: expected %d (0x%08x, %s), found %d (0x%08x)",
                    kind.magic, kind.magic, kind.description, magic, magic));
        }
        int[] shape = new int[kind.dims];
        long total = 1;
        for (int i = 0; i < kind.dims; i++) {
            shape[i] = header.getInt();
            if (shape[i] <= 0) {
                throw new DataFileException(source, "dimension " + i + " is " + shape[i] + ", must be positive");
            }
            total *= shape[i];
            // Checking after every factor keeps the product below 2^62, so it cannot overflow a long.
            if (total > MAX_DATA_BYTES) {
                throw new DataFileException(source, "header dimensions " + Arrays.toString(headerDims(headerRaw, kind))
                        + " claim more than the " + MAX_DATA_BYTES + "-byte limit");
            }
        }
        if (knownSize >= 0 && knownSize - headerBytes != total) {
            throw sizeMismatch(source, total, knownSize - headerBytes);
        }
        byte[] data = knownSize >= 0 ? in.readNBytes((int) total) : readGrowing(in, (int) total);
        if (data.length < total) {
            throw sizeMismatch(source, total, data.length);
        }
        if (in.read() != -1) {
            throw new DataFileException(source, "trailing bytes: expected exactly " + total
                    + " data bytes, found more");
        }
        return new IdxArray(shape, data);
    }

    private static int[] headerDims(byte[] headerRaw, Kind kind) {
        ByteBuffer header = ByteBuffer.wrap(headerRaw, 4, 4 * kind.dims);
        int[] dims = new int[kind.dims];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = header.getInt();
        }
        return dims;
    }

    private static DataFileException sizeMismatch(String source, long expected, long found) {
        String what = found < expected ? "truncated data" : "trailing bytes";
        return new DataFileException(source, what + ": header says " + expected + " data bytes, found " + found);
    }

    /**
     * Reads up to total bytes, growing the buffer only as data arrives, so a header claiming far more than the
     * stream holds never triggers the full allocation. Returns fewer than total bytes if the stream ends early.
     */
    private static byte[] readGrowing(InputStream in, int total) throws IOException {
        byte[] buf = new byte[Math.min(total, FIRST_CHUNK)];
        int filled = 0;
        while (true) {
            int got = in.read(buf, filled, buf.length - filled);
            if (got < 0) {
                return Arrays.copyOf(buf, filled);
            }
            filled += got;
            if (filled == total) {
                return buf;
            }
            if (filled == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(total, 2L * buf.length));
            }
        }
    }
}
