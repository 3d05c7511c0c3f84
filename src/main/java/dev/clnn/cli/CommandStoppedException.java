package dev.clnn.cli;

/**
 * A command stopped on request (Ctrl-C, SIGTERM) after finishing what it could: reported as one line like any error,
 * with the exit code the stop calls for (128 + the signal's number).
 */
final class CommandStoppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int exitCode;

    CommandStoppedException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
