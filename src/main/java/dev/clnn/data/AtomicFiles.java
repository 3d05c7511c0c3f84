package dev.clnn.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Whole-file writes that readers never see half done: the content goes to a temporary file in the target's folder
 * (the same file system, so the rename can be atomic), which then replaces the target in one move.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Writes the content of a file to a stream; the stream is closed by {@link AtomicFiles#write}. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically. On any failure the target is left as it was and the temporary file is
     * deleted.
     *
     * @throws IOException when the folder does not exist or cannot be written, or {@code content} fails
     */
    public static void write(Path target, Content content) throws IOException {
        // Not Files.createTempFile: its owner-only permissions would end up on the target; CREATE_NEW keeps the
        // umask's, as a plain write would.
        Path temp = target.toAbsolutePath().resolveSibling("." + target.getFileName() + "."
                + Long.toUnsignedString(System.nanoTime(), 36) + ".tmp");
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE))) {
                content.writeTo(out);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
