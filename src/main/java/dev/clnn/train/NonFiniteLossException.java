package dev.clnn.train;

/** The training loss became NaN or infinite; the message names the step and epoch. */
public final class NonFiniteLossException extends RuntimeException {
    public NonFiniteLossException(String message) {
        super(message);
    }
}
