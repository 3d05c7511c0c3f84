package dev.clnn.device;

import org.jocl.CL;

/** Names of OpenCL status codes, for error messages. */
final class ClStatus {
    private ClStatus() {
    }

    static String name(int status) {
        String name = CL.stringFor_errorCode(status);
        return name == null || name.isEmpty() ? "CL status " + status : name;
    }
}
