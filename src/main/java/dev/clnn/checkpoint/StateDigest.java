package dev.clnn.checkpoint;

import dev.clnn.data.TensorEntry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * SHA-256 over a state file's content as it is meant to be: every metadata pair but the digest's own, sorted, then
 * every tensor's name, dtype, shape and little-endian elements, sorted by name. It is computed from the values, not
 * the file's bytes, so any change that survives parsing (an altered element, a renamed tensor, an edited counter)
 * fails the check, and a file cut short already fails to parse.
 */
final class StateDigest {
    private StateDigest() {
    }

    static String of(Map<String, String> metadata, String digestKey, List<TensorEntry> tensors) {
        MessageDigest sha = sha256();
        for (Map.Entry<String, String> m : new TreeMap<>(metadata).entrySet()) {
            if (!m.getKey().equals(digestKey)) {
                text(sha, m.getKey());
                text(sha, m.getValue());
            }
        }
        List<TensorEntry> sorted = tensors.stream().sorted(Comparator.comparing(TensorEntry::name)).toList();
        for (TensorEntry t : sorted) {
            text(sha, t.name());
            text(sha, t.dtype().name());
            ByteBuffer shape = ByteBuffer.allocate(4 + 4 * t.shape().length).order(ByteOrder.LITTLE_ENDIAN);
            shape.putInt(t.shape().length);
            for (int d : t.shape()) {
                shape.putInt(d);
            }
            sha.update(shape.flip());
            sha.update(elements(t));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void text(MessageDigest sha, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        sha.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, bytes.length));
        sha.update(bytes);
    }

    private static ByteBuffer elements(TensorEntry t) {
        ByteBuffer b = ByteBuffer.allocate(t.size() * t.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case F32 -> b.asFloatBuffer().put(t.floats());
            case F64 -> b.asDoubleBuffer().put(t.doubles());
            case I32 -> b.asIntBuffer().put(t.ints());
            case I64 -> b.asLongBuffer().put(t.longs());
            default -> throw new IllegalArgumentException("tensor " + t.name() + ": no digest for dtype " + t.dtype());
        }
        return b;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }
}
