package dev.clnn.device;

/** An OpenCL call failed. The message names the operation, its shapes and the CL status name. */
public class DeviceException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public DeviceException(String message, int status, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    public DeviceException(String message) {
        this(message, 0, null);
    }

    /** The OpenCL status code (e.g. -4 for CL_MEM_OBJECT_ALLOCATION_FAILURE), or 0 when none applies. */
    public int status() {
        return status;
    }
}
