package dev.clnn.spark;

import java.io.Serializable;
import java.util.Iterator;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * A Spark barrier stage from Java: every partition's task starts together and the tasks can exchange messages
 * ({@link BarrierTaskContext#allGather}) through the driver's barrier coordinator, so one job can hold a whole run of
 * synchronous steps. If any task fails, Spark restarts all of them.
 */
final class BarrierJob {
    private BarrierJob() {
    }

    /** The work of one task of a barrier stage. */
    @FunctionalInterface
    interface Task<T, R> extends Serializable {
        Iterator<R> call(BarrierTaskContext context, Iterator<T> rows) throws Exception;
    }

    /** The barrier stage of {@code task} over {@code rdd}'s partitions; lazy, as any transformation. */
    static <T, R> JavaRDD<R> map(JavaRDD<T> rdd, Task<T, R> task, Class<R> type) {
        ClassTag<R> tag = ClassTag$.MODULE$.apply(type);
        return new JavaRDD<>(rdd.rdd().barrier().mapPartitions(new Adapter<>(task), false, tag), tag);
    }

    private static final class Adapter<T, R>
            extends AbstractFunction1<scala.collection.Iterator<T>, scala.collection.Iterator<R>>
            implements Serializable {
        private final Task<T, R> task;

        Adapter(Task<T, R> task) {
            this.task = task;
        }

        @Override
        public scala.collection.Iterator<R> apply(scala.collection.Iterator<T> rows) {
            try {
                return CollectionConverters.asScala(task.call(BarrierTaskContext.get(),
                        CollectionConverters.asJava(rows)));
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}
