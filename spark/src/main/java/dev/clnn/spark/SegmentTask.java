package dev.clnn.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The task of one partition in a barrier segment: takes a replica of this executor, loads the broadcast start, and
 * runs the segment's steps on the partition's shard, exchanging each step's results with the other tasks
 * ({@link Replica#segment}). A failed task closes its replica; Spark then fails the stage and the driver runs the
 * segment again from the same start, which gives the same result.
 */
record SegmentTask(TrainingSetup setup, Broadcast<SegmentStart> start, Segment segment, FaultInjection fault)
        implements BarrierJob.Task<Shard, SegmentResult> {

    @Override
    public Iterator<SegmentResult> call(BarrierTaskContext context, Iterator<Shard> shards) {
        Shard shard = shards.next();
        SegmentResult result = ReplicaPool.use(setup, replica -> replica.segment(new BarrierExchange(context,
                start.id()), start.value(), shard, segment, fault));
        return List.of(result).iterator();
    }
}
