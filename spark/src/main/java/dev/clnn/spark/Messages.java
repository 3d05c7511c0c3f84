package dev.clnn.spark;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * Objects as the text that a barrier task's {@code allGather} carries: Java serialization, then Base64 (the
 * coordinator passes strings).
 */
final class Messages {
    private Messages() {
    }

    static String encode(Serializable value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + value.getClass().getSimpleName(), e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }

    static <T> T decode(String text, Class<T> type) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(Base64.getDecoder().decode(text)))) {
            return type.cast(in.readObject());
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot decode a " + type.getSimpleName() + " from a peer: " + e, e);
        }
    }
}
