package dev.clnn.spark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.BarrierTaskContext;

/**
 * The all-gather of a barrier stage's tasks, prompt. Spark's {@link BarrierTaskContext#allGather} sends the message to
 * the driver's barrier coordinator and then waits for the answer in a loop of {@code Thread.sleep(1000)}, so a task
 * whose answer arrives while it sleeps wakes up to a second late: fine for a rendezvous, not for a training step of a
 * few milliseconds. That loop swallows an {@link InterruptedException} and checks the answer again, so while this task
 * waits a watcher interrupts it every {@link #POLL_NANOS} ns; the answer is then seen within that time. The watcher
 * stops before the call returns to the caller and the interrupt flag is cleared, so nothing after sees an interrupt.
 * (A task that Spark kills is still killed: the loop checks for that after each wake-up.)
 */
final class BarrierExchange {
    static final long POLL_NANOS = 200_000;

    private BarrierExchange() {
    }

    /** Every task's result of this step, in partition order, this task's own among them. */
    static List<ReplicaResult> allGather(BarrierTaskContext context, ReplicaResult mine) {
        String[] messages = promptly(context, Messages.encode(mine));
        List<ReplicaResult> all = new ArrayList<>(messages.length);
        for (String m : messages) {
            all.add(Messages.decode(m, ReplicaResult.class));
        }
        all.sort(Comparator.comparingInt(ReplicaResult::partition));
        return all;
    }

    private static String[] promptly(BarrierTaskContext context, String message) {
        Thread task = Thread.currentThread();
        AtomicBoolean answered = new AtomicBoolean();
        Thread watcher = new Thread(() -> {
            while (!answered.get()) {
                task.interrupt();
                LockSupport.parkNanos(POLL_NANOS);
            }
        }, "clnn barrier watcher");
        watcher.setDaemon(true);
        watcher.start();
        try {
            return context.allGather(message);
        } finally {
            answered.set(true);
            boolean joined = false;
            while (!joined) {
                try {
                    watcher.join();
                    joined = true;
                } catch (InterruptedException e) {
                    // the watcher's last interrupt; it has stopped sending more
                }
            }
            Thread.interrupted(); // clears the flag of an interrupt that came after the answer
        }
    }
}
