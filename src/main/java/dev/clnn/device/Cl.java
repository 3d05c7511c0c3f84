package dev.clnn.device;

import java.util.function.Supplier;
import org.jocl.CLException;

/**
 * The one guard around JOCL calls. JOCL's {@link CLException} names only the status, so every call goes through
 * {@link #call}, which turns it into a {@link DeviceException} saying what was being done, where (a device or a
 * platform) and the status name.
 */
final class Cl {
    private Cl() {
    }

    /**
     * Runs one or more JOCL calls.
     *
     * @param what  what the calls do, e.g. "creating the command queue"
     * @param where the device or platform they act on, e.g. its name
     * @return what {@code calls} returns (JOCL's status code for calls that return nothing else)
     * @throws DeviceException when a call fails, naming {@code what}, {@code where} and the status
     */
    static <T> T call(String what, String where, Supplier<T> calls) {
        return call(() -> what, where, calls);
    }

    /**
     * As {@link #call(String, String, Supplier)}, with the description built only when a call fails: for the calls
     * made per launch or transfer, where building it every time would cost more than the call.
     */
    static <T> T call(Supplier<String> what, String where, Supplier<T> calls) {
        try {
            return calls.get();
        } catch (CLException e) {
            throw new DeviceException(what.get() + " on " + where + " failed: " + ClStatus.name(e.getStatus()),
                    e.getStatus(), e);
        }
    }
}
