package dev.clnn.data;

/**
 * A data file (IDX, safetensors, a bundled resource) is missing or malformed. The one-line message starts with the
 * file's path, then says what is wrong, e.g. {@code "/data/train-images-idx3-ubyte.gz: truncated: expected 47040000
 * data bytes, found 1024"}.
 */
public class DataFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    /** @param source the file path or resource name; @param problem what is wrong with it */
    public DataFileException(Object source, String problem) {
        super(source + ": " + problem);
    }

    /** As {@link #DataFileException(Object, String)}, keeping the underlying cause. */
    public DataFileException(Object source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
