package dev.clnn.device;

import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The file format of one cached program binary. Drivers do not validate the binaries they are given (POCL crashes
 * the JVM inside clCreateProgramWithBinary on a truncated one), so a file is checked in full before any of its bytes
 * reach the driver. Big-endian, in this order:
 *
 * <pre>
 *   magic           8 bytes  "CLNNBIN" and a zero byte
 *   format version  int      {@link #FORMAT_VERSION}
 *   key length      int      1 to {@link #MAX_KEY_BYTES}
 *   key             bytes    UTF-8, the cache key the file was written for (its file name, too)
 *   payload length  long     exactly the bytes that follow the digest
 *   digest          32 bytes SHA-256 of the payload
 *   payload         bytes    the driver's program binary
 * </pre>
 *
 * The key inside the file must equal the one asked for, so a file copied or renamed onto another entry's name is
 * rejected too. The digest protects against damage, not against someone who writes a well-formed file on purpose:
 * whoever can write the cache folder can already change what the process runs.
 */
public final class CachedBinary {
    /** Bump when the layout of cached files changes; also part of every cache key. */
    static final int FORMAT_VERSION = 2;

    private static final byte[] MAGIC = "CLNNBIN\0".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST_BYTES = 32;
    /** Keys are 64 hex digits; anything much longer is not one of ours. */
    private static final int MAX_KEY_BYTES = 1024;
    /**
     * Largest file read at all. POCL's binaries for these kernels are 100-200 KB and GPU drivers' are of the same
     * order; the bound only keeps a stray huge file from being read into memory.
     */
    static final int MAX_FILE_BYTES = 256 << 20;

    /** Why a cached file was not used. */
    static final class InvalidEntryException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidEntryException(String message) {
            super(message);
        }
    }

    private CachedBinary() {
    }

    /** The file contents that store {@code payload} under {@code key}. */
    static byte[] encode(String key, byte[] payload) {
        byte[] keyBytes = key.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 4 + 4 + keyBytes.length + 8 + DIGEST_BYTES
                + payload.length);
        out.put(MAGIC).putInt(FORMAT_VERSION).putInt(keyBytes.length).put(keyBytes).putLong(payload.length)
                .put(sha256(payload)).put(payload);
        return out.array();
    }

    /**
     * Reads and checks the entry at {@code path}. Only a plain file is read (a link, folder or device node is
     * rejected without opening it), and never more than {@link #MAX_FILE_BYTES}.
     *
     * @return the verified payload
     * @throws InvalidEntryException when the file is not a valid entry for {@code key}, saying why
     * @throws IOException           when it cannot be read
     */
    static byte[] read(Path path, String key) throws IOException, InvalidEntryException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new InvalidEntryException("not a regular file");
        }
        if (attributes.size() > MAX_FILE_BYTES) {
            throw new InvalidEntryException(attributes.size() + " bytes, more than the " + MAX_FILE_BYTES
                    + " bytes allowed");
        }
        byte[] file;
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            // Bounded again here: the file may have grown since its size was read.
            file = in.readNBytes(MAX_FILE_BYTES + 1);
        }
        return decode(file, key);
    }

    /**
     * Checks {@code file} as an entry for {@code key}: magic, format, key, a payload length that matches what is
     * there and the payload's digest.
     *
     * @return the verified payload
     * @throws InvalidEntryException saying which check failed
     */
    static byte[] decode(byte[] file, String key) throws InvalidEntryException {
        if (file.length > MAX_FILE_BYTES) {
            throw new InvalidEntryException("more than the " + MAX_FILE_BYTES + " bytes allowed");
        }
        ByteBuffer in = ByteBuffer.wrap(file);
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new InvalidEntryException("not a clnn kernel cache file (bad magic)");
            }
            int version = in.getInt();
            if (version != FORMAT_VERSION) {
                throw new InvalidEntryException("format " + version + ", expected " + FORMAT_VERSION);
            }
            int keyLength = in.getInt();
            if (keyLength <= 0 || keyLength > Math.min(MAX_KEY_BYTES, in.remaining())) {
                throw new InvalidEntryException("key length " + keyLength + " out of range");
            }
            byte[] storedKey = new byte[keyLength];
            in.get(storedKey);
            if (!Arrays.equals(storedKey, key.getBytes(StandardCharsets.UTF_8))) {
                throw new InvalidEntryException("written for another key");
            }
            long payloadLength = in.getLong();
            byte[] digest = new byte[DIGEST_BYTES];
            in.get(digest);
            // Compared with what is really there before anything is allocated, so a huge length costs nothing.
            if (payloadLength <= 0 || payloadLength != in.remaining()) {
                throw new InvalidEntryException("payload length " + payloadLength + " but " + in.remaining()
                        + " bytes follow the header");
            }
            byte[] payload = new byte[in.remaining()];
            in.get(payload);
            if (!MessageDigest.isEqual(digest, sha256(payload))) {
                throw new InvalidEntryException("payload digest does not match");
            }
            return payload;
        } catch (BufferUnderflowException e) {
            throw new InvalidEntryException("truncated header (" + file.length + " bytes)");
        }
    }

    public static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
