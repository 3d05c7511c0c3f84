package dev.clnn.train;

/** The training loss became NaN or infinite; the message names the step and epoch. */
public final class NonFiniteLossException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    public NonFiniteLossException(String message) {
        super(message);
    }
}
