package dev.clnn.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads NumPy {@code .npy} arrays and {@code .npz} archives (a zip of {@code .npy} entries, stored or deflated, as
 * {@code np.savez} and {@code np.savez_compressed} write them), and tables of features and targets made of them.
 *
 * <p>A {@code .npy} file is the magic {@code \x93NUMPY}, a major and minor version byte, the header length
 * (2 bytes little-endian in version 1.0, 4 bytes in 2.0 and 3.0), a Python dict literal with the keys
 * {@code 'descr'}, {@code 'fortran_order'} and {@code 'shape'} (Latin-1; UTF-8 in 3.0), then the raw elements.
 * Supported dtypes, all little-endian: {@code <f4} and {@code <f8} (kept as F32 and F64), {@code <i4} and
 * {@code <i8} (I32 and I64), and {@code |u1} (widened to I32). A big-endian dtype, any other dtype, and
 * {@code fortran_order: True} are errors that say how to re-save the array ({@code np.ascontiguousarray}, or
 * {@code astype('<f4')}); arrays are not transposed here. Arrays are read into {@link TensorEntry}s, so the table
 * rules are shared with safetensors files (see {@link ArrayTables}). A whole array must fit in one Java array.
 */
public final class NumpyArrays {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Headers beyond this are not NumPy's (it writes a few hundred bytes); refuse before allocating. */
    static final int MAX_HEADER_BYTES = 1 << 20;

    private NumpyArrays() {
    }

    /**
     * Reads one {@code .npy} file.
     *
     * @return the array as a tensor named after the file without {@code .npy}
     * @throws DataFileException if the file is missing, truncated or of an unsupported format; the message starts
     *                           with the path
     */
    public static TensorEntry readNpy(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.npy$", "");
        return parseNpy(readAll(file), name, file);
    }

    /**
     * Reads every array of a {@code .npz} archive.
     *
     * @return the arrays in archive order, keyed by entry name without {@code .npy} (the keyword given to
     *         {@code np.savez})
     * @throws DataFileException if the file is missing, not a zip, or an entry is not a readable {@code .npy}; the
     *                           message names the archive and the entry
     */
    public static Map<String, TensorEntry> readNpz(Path file) {
        Map<String, TensorEntry> arrays = new LinkedHashMap<>();
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName().replaceFirst("\\.npy$", "");
                byte[] bytes;
                try (InputStream in = zip.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                arrays.put(name, parseNpy(bytes, name, file + " entry " + entry.getName()));
            }
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "no such file");
        } catch (ZipException e) {
            throw new DataFileException(file, "not a readable .npz (zip) archive: " + e.getMessage(), e);
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw new DataFileException(file, "no such file");
            }
            throw new UncheckedIOException(file + ": cannot read", e);
        }
        return arrays;
    }

    /**
     * Reads a table: a folder holding {@code X.npy} (or {@code x.npy}) and {@code y.npy} (or {@code Y.npy}), or a
     * {@code .npz} archive with arrays {@code x} and {@code y} ({@code X}, {@code Y} also accepted; the lowercase
     * name wins when both are there). The arrays become a {@link TabularData} by the rules of
     * {@link ArrayTables#fromArrays}.
     *
     * @throws DataFileException if a file or array is missing or malformed, or the arrays do not make a table
     */
    public static TabularData readTable(Path path) {
        if (Files.isDirectory(path)) {
            Path x = firstExisting(path, "x.npy", "X.npy");
            Path y = firstExisting(path, "y.npy", "Y.npy");
            return ArrayTables.fromArrays(readNpy(x), readNpy(y), path);
        }
        Map<String, TensorEntry> arrays = readNpz(path);
        return ArrayTables.fromArrays(ArrayTables.pick(arrays, path, "x", "X"),
                ArrayTables.pick(arrays, path, "y", "Y"), path);
    }

    private static Path firstExisting(Path folder, String... names) {
        for (String name : names) {
            Path p = folder.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new DataFileException(folder, "no " + String.join(" or ", names) + " in this folder");
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "no such file");
        } catch (OutOfMemoryError e) {
            throw new DataFileException(file, "too large to read into one Java array");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
    }

    /**
     * Parses the bytes of one {@code .npy} array.
     *
     * @param bytes  the whole file
     * @param name   the name the tensor gets
     * @param source what to name in errors (a path, or an archive and entry)
     */
    static TensorEntry parseNpy(byte[] bytes, String name, Object source) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new DataFileException(source, "not a .npy file: it does not start with \\x93NUMPY");
        }
        int major = bytes[6] & 0xff;
        int minor = bytes[7] & 0xff;
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength;
        int headerStart;
        if (major == 1) {
            headerLength = buf.getShort(8) & 0xffff;
            headerStart = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new DataFileException(source, "truncated: the file ends inside the header length");
            }
            headerLength = buf.getInt(8) & 0xffffffffL;
            headerStart = 12;
        } else {
            throw new DataFileException(source, "unsupported .npy format version " + major + "." + minor
                    + " (supported: 1.0, 2.0, 3.0)");
        }
        if (headerLength > MAX_HEADER_BYTES) {
            throw new DataFileException(source, "header length " + headerLength + " exceeds the "
                    + MAX_HEADER_BYTES + "-byte limit");
        }
        if (headerStart + headerLength > bytes.length) {
            throw new DataFileException(source, "truncated: the header is " + headerLength + " bytes, but only "
                    + (bytes.length - headerStart) + " follow the header length");
        }
        String header = new String(bytes, headerStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Map<String, Object> dict = HeaderParser.parse(header.strip(), source);
        String descr = field(dict, "descr", String.class, header, source);
        Boolean fortran = field(dict, "fortran_order", Boolean.class, header, source);
        int[] shape = shapeOf(field(dict, "shape", List.class, header, source), header, source);

        NpyType type = NpyType.of(descr, source);
        long count = 1;
        for (int d : shape) {
            count *= d;
            if (count > Integer.MAX_VALUE - 8) {
                throw new DataFileException(source, "shape " + Arrays.toString(shape)
                        + " has more elements than a Java array holds");
            }
        }
        if (fortran && shape.length > 1) {
            throw new DataFileException(source, "fortran_order is True, which is not supported; save "
                    + "np.ascontiguousarray(a) instead");
        }
        int dataStart = headerStart + (int) headerLength;
        long expected = count * type.bytes;
        long found = bytes.length - dataStart;
        if (found < expected) {
            throw new DataFileException(source, "truncated: shape " + Arrays.toString(shape) + " of " + descr
                    + " needs " + expected + " data bytes, found " + found);
        }
        if (found > expected) {
            throw new DataFileException(source, (found - expected) + " bytes after the data of shape "
                    + Arrays.toString(shape) + " of " + descr);
        }
        buf.position(dataStart);
        int n = (int) count;
        return switch (type) {
            case F4 -> {
                float[] a = new float[n];
                buf.asFloatBuffer().get(a);
                yield TensorEntry.f32(name, shape, a);
            }
            case F8 -> {
                double[] a = new double[n];
                buf.asDoubleBuffer().get(a);
                yield TensorEntry.f64(name, shape, a);
            }
            case I4 -> {
                int[] a = new int[n];
                buf.asIntBuffer().get(a);
                yield TensorEntry.i32(name, shape, a);
            }
            case I8 -> {
                long[] a = new long[n];
                buf.asLongBuffer().get(a);
                yield TensorEntry.i64(name, shape, a);
            }
            case U1 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = bytes[dataStart + i] & 0xff;
                }
                yield TensorEntry.i32(name, shape, a);
            }
        };
    }

    private static <T> T field(Map<String, Object> dict, String key, Class<T> type, String header, Object source) {
        Object v = dict.get(key);
        if (!type.isInstance(v)) {
            throw new DataFileException(source, "header " + header.strip() + " has no valid '" + key + "'");
        }
        return type.cast(v);
    }

    private static int[] shapeOf(List<?> dims, String header, Object source) {
        int[] shape = new int[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw new DataFileException(source, "header " + header.strip() + " has an invalid shape");
            }
            shape[i] = (int) (long) d;
        }
        return shape;
    }

    /** The dtypes read, by their little-endian descr. */
    private enum NpyType {
        F4("<f4", 4), F8("<f8", 8), I4("<i4", 4), I8("<i8", 8), U1("|u1", 1);

        final String descr;
        final int bytes;

        NpyType(String descr, int bytes) {
            this.descr = descr;
            this.bytes = bytes;
        }

        static NpyType of(String descr, Object source) {
            for (NpyType t : values()) {
                // One-byte types have no byte order; NumPy writes '|', but '<' and '>' mean the same.
                if (t.descr.equals(descr) || (t.bytes == 1 && descr.equals("<" + t.descr.substring(1)))
                        || (t.bytes == 1 && descr.equals(">" + t.descr.substring(1)))) {
                    return t;
                }
            }
            if (descr.startsWith(">")) {
                throw new DataFileException(source, "big-endian dtype '" + descr + "' is not supported; save "
                        + "a.astype('<" + descr.substring(1) + "') instead");
            }
            throw new DataFileException(source, "unsupported dtype '" + descr + "' (supported: <f4, <f8, <i4, "
                    + "<i8, |u1)");
        }
    }

    /**
     * Parses the Python literal NumPy writes as a header: a dict of string keys to strings, True/False, ints and
     * tuples (a tuple or list becomes a List; an int a Long).
     */
    private static final class HeaderParser {
        private final String s;
        private final Object source;
        private int pos;

        private HeaderParser(String s, Object source) {
            this.s = s;
            this.source = source;
        }

        static Map<String, Object> parse(String s, Object source) {
            HeaderParser p = new HeaderParser(s, source);
            Object v = p.value();
            p.skipSpace();
            if (!(v instanceof Map<?, ?>) || p.pos != s.length()) {
                throw p.fail("expected one dict literal");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> dict = (Map<String, Object>) v;
            return dict;
        }

        private Object value() {
            skipSpace();
            if (pos >= s.length()) {
                throw fail("unexpected end");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                pos++;
                Map<String, Object> map = new LinkedHashMap<>();
                while (!consume('}')) {
                    Object key = value();
                    if (!(key instanceof String k)) {
                        throw fail("a dict key is not a string");
                    }
                    expect(':');
                    map.put(k, value());
                    if (!consume(',')) {
                        expect('}');
                        break;
                    }
                }
                return map;
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                pos++;
                List<Object> items = new ArrayList<>();
                while (!consume(close)) {
                    items.add(value());
                    if (!consume(',')) {
                        expect(close);
                        break;
                    }
                }
                return items;
            }
            if (c == '\'' || c == '"') {
                int end = s.indexOf(c, pos + 1);
                if (end < 0) {
                    throw fail("unterminated string");
                }
                String str = s.substring(pos + 1, end);
                pos = end + 1;
                return str;
            }
            int start = pos;
            while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '-')) {
                pos++;
            }
            String word = s.substring(start, pos);
            switch (word) {
                case "True":
                    return Boolean.TRUE;
                case "False":
                    return Boolean.FALSE;
                default:
                    // NumPy 1.x on some platforms wrote long dimensions as "3L".
                    String digits = word.endsWith("L") ? word.substring(0, word.length() - 1) : word;
                    try {
                        return Long.parseLong(digits);
                    } catch (NumberFormatException e) {
                        throw fail("unexpected '" + (word.isEmpty() ? String.valueOf(c) : word) + "'");
                    }
            }
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        private boolean consume(char c) {
            skipSpace();
            if (pos < s.length() && s.charAt(pos) == c) {
                pos++;
                return true;
            }
            return false;
        }

        private void expect(char c) {
            if (!consume(c)) {
                throw fail("expected '" + c + "'");
            }
        }

        private DataFileException fail(String problem) {
            String shown = s.length() > 200 ? s.substring(0, 200) + "…" : s;
            return new DataFileException(source, "header is not parseable at character " + pos + " (" + problem
                    + "): " + shown.replace('\n', ' '));
        }
    }
}
