package dev.clnn.parallel;

/** A replica's device failed during a data-parallel step; the message names the device, its rank and the phase. */
public final class DeviceFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int rank;

    DeviceFailedException(int rank, String device, String phase, Throwable cause) {
        super("device " + rank + " (" + device + ") failed in " + phase + ": " + message(cause), cause);
        this.rank = rank;
    }

    /** The failed replica's rank: its position in the device list, 0 first. */
    public int rank() {
        return rank;
    }

    private static String message(Throwable cause) {
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
