package dev.clnn.checkpoint;

import dev.clnn.data.DataFileException;

/**
 * A state file that cannot be trusted: truncated, altered after it was written, or not a clnn training state. The
 * one-line message starts with the file's path and says what is wrong.
 */
public final class DamagedStateException extends DataFileException {
    private static final long serialVersionUID = 1L;

    DamagedStateException(Object file, String problem) {
        super(file, problem);
    }

    DamagedStateException(Object file, String problem, Throwable cause) {
        super(file, problem, cause);
    }
}
