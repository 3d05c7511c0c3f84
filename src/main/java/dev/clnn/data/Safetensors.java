package dev.clnn.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes the safetensors checkpoint format, as used by PyTorch and Hugging Face.
 *
 * <p>Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON,
 * {@code {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ..., "__metadata__": {...}}};
 * then the data section. Offsets are relative to the start of the data section, and the tensors tile it exactly.
 * Elements are little-endian and row-major. Supported dtypes: F32, F64, I32, I64.
 *
 * <p>Reading validates the whole header (see {@link #MAX_HEADER_BYTES} and {@link SafetensorsHeader}) before
 * allocating any tensor. Writing is atomic: the file is written beside the target under a temporary name, forced to
 * disk, then renamed over the target, so a failed write leaves any existing file as it was and no partial file.
 */
public final class Safetensors {
    /** Largest header accepted (the reference implementation's limit), so a corrupt length cannot exhaust memory. */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final int CHUNK_BYTES = 1 << 16; // a multiple of every element size

    private Safetensors() {
    }

    /**
     * Reads every tensor and the metadata of a safetensors file.
     *
     * @throws DataFileException if the file is missing or malformed; the message names the file and the tensor or
     *                           field at fault
     */
    public static SafetensorsFile read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size < 8) {
                throw new DataFileException(file, "file is " + size + " bytes, too short for the 8-byte header length");
            }
            ByteBuffer lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, lengthField, 0, file);
            long headerBytes = lengthField.getLong(0);
            // A length with the top bit set reads as negative; as unsigned it is beyond any real file.
            if (headerBytes < 0 || headerBytes > size - 8) {
                throw new DataFileException(file, "header length " + Long.toUnsignedString(headerBytes)
                        + " runs past the end of the file (" + (size - 8) + " bytes follow the length field)");
            }
            if (headerBytes > MAX_HEADER_BYTES) {
                throw new DataFileException(file, "header length " + headerBytes + " exceeds the "
                        + MAX_HEADER_BYTES + "-byte limit");
            }
            ByteBuffer headerRaw = ByteBuffer.allocate((int) headerBytes);
            readFully(channel, headerRaw, 8, file);
            String json = decodeUtf8(headerRaw, file);
            long dataStart = 8 + headerBytes;
            SafetensorsHeader header = SafetensorsHeader.parse(json, size - dataStart, file);
            Map<String, TensorEntry> tensors = new TreeMap<>();
            for (SafetensorsHeader.Slot slot : header.slots) {
                Object data = readData(channel, dataStart + slot.begin(), slot, file);
                tensors.put(slot.name(), new TensorEntry(slot.name(), slot.dtype(), slot.shape(), data));
            }
            return new SafetensorsFile(tensors, header.metadata);
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
    }

    /**
     * Writes tensors and metadata as a safetensors file, atomically replacing any file already at that path.
     * Tensors are laid out sorted by name (as the Python library does), so the same input always gives the same
     * bytes; the header is padded with spaces to a multiple of 8 bytes, and "__metadata__" is left out when
     * metadata is empty.
     *
     * @param file     the target path; its folder must exist
     * @param tensors  the tensors; names must be distinct and not "__metadata__"
     * @param metadata string pairs stored under "__metadata__" (may be empty)
     * @throws IllegalArgumentException for a repeated or reserved name, or a null metadata key or value; nothing is
     *                                  written
     * @throws UncheckedIOException     if writing fails; the target is left as it was
     */
    public static void write(Path file, Collection<TensorEntry> tensors, Map<String, String> metadata) {
        List<TensorEntry> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparing(TensorEntry::name));
        for (int i = 0; i < sorted.size(); i++) {
            String name = sorted.get(i).name();
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new IllegalArgumentException(file + ": tensor name \"" + name + "\" is reserved for metadata");
            }
            if (i > 0 && name.equals(sorted.get(i - 1).name())) {
                throw new IllegalArgumentException(file + ": two tensors are named \"" + name + "\"");
            }
        }
        for (Map.Entry<String, String> m : metadata.entrySet()) {
            if (m.getKey() == null || m.getValue() == null) {
                throw new IllegalArgumentException(file + ": metadata key and value must not be null: " + m);
            }
        }
        byte[] header = headerBytes(sorted, new TreeMap<>(metadata));

        Path target = file.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + "." + Long.toUnsignedString(System.nanoTime(),
                36) + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                ByteBuffer lengthField = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                lengthField.putLong(0, header.length);
                writeFully(channel, lengthField);
                writeFully(channel, ByteBuffer.wrap(header));
                for (TensorEntry t : sorted) {
                    writeData(channel, t);
                }
                channel.force(true);
            }
            moveOver(temp, target);
        } catch (IOException e) {
            deleteAfterFailure(temp, e);
            throw new UncheckedIOException(file + ": cannot write safetensors file", e);
        } catch (RuntimeException | Error e) {
            deleteAfterFailure(temp, e);
            throw e;
        }
    }

    /** The padded JSON header for tensors already sorted by name. */
    static byte[] headerBytes(List<TensorEntry> sorted, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            json.append(Json.quote(SafetensorsHeader.METADATA_KEY)).append(":{");
            String separator = "";
            for (Map.Entry<String, String> m : metadata.entrySet()) {
                json.append(separator).append(Json.quote(m.getKey())).append(':').append(Json.quote(m.getValue()));
                separator = ",";
            }
            json.append('}');
        }
        long offset = 0;
        for (TensorEntry t : sorted) {
            long end = offset + (long) t.size() * t.dtype().bytes();
            json.append(json.length() > 1 ? "," : "").append(Json.quote(t.name()))
                    .append(":{\"dtype\":\"").append(t.dtype().name()).append("\",\"shape\":[");
            int[] shape = t.shape();
            for (int i = 0; i < shape.length; i++) {
                json.append(i > 0 ? "," : "").append(shape[i]);
            }
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] utf8 = encodeUtf8(json.toString());
        // Padding keeps the data section 8-byte aligned (the length field is 8 bytes too).
        int padded = (utf8.length + 7) / 8 * 8;
        byte[] out = new byte[padded];
        System.arraycopy(utf8, 0, out, 0, utf8.length);
        for (int i = utf8.length; i < padded; i++) {
            out[i] = ' ';
        }
        return out;
    }

    private static Object readData(FileChannel channel, long position, SafetensorsHeader.Slot slot, Path file)
            throws IOException {
        int count = slot.elements();
        int size = slot.dtype().bytes();
        Object data = switch (slot.dtype()) {
            case F32 -> new float[count];
            case F64 -> new double[count];
            case I32 -> new int[count];
            case I64 -> new long[count];
        };
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < count; ) {
            int take = Math.min(count - done, CHUNK_BYTES / size);
            buf.clear().limit(take * size);
            readFully(channel, buf, position + (long) done * size, file);
            buf.flip();
            switch (slot.dtype()) {
                case F32 -> buf.asFloatBuffer().get((float[]) data, done, take);
                case F64 -> buf.asDoubleBuffer().get((double[]) data, done, take);
                case I32 -> buf.asIntBuffer().get((int[]) data, done, take);
                case I64 -> buf.asLongBuffer().get((long[]) data, done, take);
            }
            done += take;
        }
        return data;
    }

    private static void writeData(FileChannel channel, TensorEntry t) throws IOException {
        int count = t.size();
        int size = t.dtype().bytes();
        ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int done = 0; done < count; ) {
            int take = Math.min(count - done, CHUNK_BYTES / size);
            buf.clear();
            switch (t.dtype()) {
                case F32 -> buf.asFloatBuffer().put(t.floats(), done, take);
                case F64 -> buf.asDoubleBuffer().put(t.doubles(), done, take);
                case I32 -> buf.asIntBuffer().put(t.ints(), done, take);
                case I64 -> buf.asLongBuffer().put(t.longs(), done, take);
            }
            buf.limit(take * size);
            writeFully(channel, buf);
            done += take;
        }
    }

    private static void readFully(FileChannel channel, ByteBuffer buf, long position, Path file) throws IOException {
        long at = position;
        while (buf.hasRemaining()) {
            int got = channel.read(buf, at);
            if (got < 0) {
                throw new DataFileException(file, "file ended at byte " + at + " while reading (it shrank?)");
            }
            at += got;
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    private static void moveOver(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteAfterFailure(Path temp, Throwable failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    private static String decodeUtf8(ByteBuffer raw, Path file) {
        raw.flip();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(raw).toString();
        } catch (CharacterCodingException e) {
            throw new DataFileException(file, "header is not valid UTF-8", e);
        }
    }

    private static byte[] encodeUtf8(String s) {
        try {
            ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(s));
            byte[] out = new byte[bytes.remaining()];
            bytes.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a tensor name or metadata string is not valid Unicode "
                    + "(lone surrogate?)", e);
        }
    }
}
