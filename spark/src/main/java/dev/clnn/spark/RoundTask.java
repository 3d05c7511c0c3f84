package dev.clnn.spark;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;

/**
 * The task of one partition in one round: takes a replica of this executor, trains it from the broadcast state on
 * the partition's shard, and returns the result. A failed task closes its replica, so a retry starts on a clean one
 * (and from the same broadcast state, so it gives the same result).
 */
record RoundTask(TrainingSetup setup, Broadcast<ReplicaState> state, Round round, FaultInjection fault)
        implements Function2<Integer, Iterator<Shard>, Iterator<ReplicaResult>> {

    @Override
    public Iterator<ReplicaResult> call(Integer partition, Iterator<Shard> shards) {
        Shard shard = shards.next();
        ReplicaResult result = ReplicaPool.use(setup, replica -> {
            ReplicaResult r = round.gradientsOnly() ? replica.gradients(state.value(), shard, round)
                    : replica.train(state.value(), shard, round);
            fault.afterTraining(partition, round);
            return r;
        });
        return List.of(result).iterator();
    }
}
