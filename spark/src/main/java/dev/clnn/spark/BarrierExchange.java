package dev.clnn.spark;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.network.buffer.ManagedBuffer;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.storage.BroadcastBlockId;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.io.ChunkedByteBuffer;
import scala.reflect.ClassTag$;

/**
 * How the tasks of a barrier segment exchange each round's results, with Spark's own parts: each task stores its
 * result as a block in its executor's block manager, the tasks all-gather the blocks' addresses through the barrier
 * coordinator ({@link BarrierTaskContext#allGather}, a few bytes each), and each fetches the others' blocks from their
 * executors with Spark's block transfer service. The megabytes of a gradient so go from executor to executor; the
 * driver only passes the addresses (sending the results themselves through the coordinator costs the driver tens of
 * milliseconds of string serialization per step).
 *
 * <p>The blocks are fields of the segment's broadcast ({@code broadcast_<id>_clnn<step>p<partition>}), so the driver's
 * {@code destroy} of that broadcast removes any left; a task also removes its previous round's block once every task
 * has passed that round (the next all-gather).
 *
 * <p>Spark's {@code allGather} waits for its answer in a loop of {@code Thread.sleep(1000)}, so a task whose answer
 * arrives while it sleeps wakes up to a second late: fine for a rendezvous, not for a step of a few milliseconds. That
 * loop swallows an {@link InterruptedException} and checks the answer again, so while a task waits, a watcher thread
 * interrupts it every {@link #POLL_NANOS} ns. The watcher stops before the call returns and the interrupt flag is
 * cleared, so nothing after sees an interrupt; a task Spark kills is still killed (the loop checks after each wake).
 */
final class BarrierExchange {
    static final long POLL_NANOS = 200_000;

    private final BarrierTaskContext context;
    private final long broadcastId;
    private final BlockManager blocks;
    private BroadcastBlockId previous;

    /** @param broadcastId the segment's broadcast, whose fields the blocks are */
    BarrierExchange(BarrierTaskContext context, long broadcastId) {
        this.context = context;
        this.broadcastId = broadcastId;
        this.blocks = SparkEnv.get().blockManager();
    }

    /** Every task's result of the round starting at {@code step}, in partition order, this task's own among them. */
    List<ReplicaResult> allGather(ReplicaResult mine, long step) {
        BroadcastBlockId id = new BroadcastBlockId(broadcastId, "clnn" + step + "p" + mine.partition());
        ByteBuffer bytes = ResultCodec.encode(mine);
        blocks.putBytes(id, new ChunkedByteBuffer(bytes.duplicate()), StorageLevel.MEMORY_AND_DISK_SER(), false,
                ClassTag$.MODULE$.Any());
        BlockManagerId me = blocks.blockManagerId();
        String[] addresses = promptly(String.join(" ", me.host(), Integer.toString(me.port()), me.executorId(),
                id.name()));
        if (previous != null) {
            blocks.removeBlock(previous, false); // every task is past the round that read it
        }
        previous = id;
        List<ReplicaResult> all = new ArrayList<>(addresses.length);
        for (String address : addresses) {
            String[] part = address.split(" ");
            if (part[3].equals(id.name())) {
                all.add(ResultCodec.decode(bytes.duplicate()));
                continue;
            }
            ManagedBuffer fetched = blocks.blockTransferService().fetchBlockSync(part[0], Integer.parseInt(part[1]),
                    part[2], part[3], null);
            try {
                all.add(ResultCodec.decode(fetched.nioByteBuffer()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot read block " + part[3] + " of executor " + part[2], e);
            } finally {
                fetched.release();
            }
        }
        all.sort(Comparator.comparingInt(ReplicaResult::partition));
        return all;
    }

    private String[] promptly(String message) {
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
