package dev.clnn.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The barrier exchange's bytes give back every part of a result, nulls and NaNs included. */
class ResultCodecTest {
    @Test
    void aGradientResultComesBackWhole() {
        ReplicaResult sent = new ReplicaResult(2, new int[] {17}, new double[] {3.25}, new ReplicaState(null, null,
                new ModelBuffers(new float[][] {{1, 2}, null}, new long[] {0, 41})),
                new float[][] {{Float.NaN, -0f, Float.MIN_VALUE}, {}, {7}}, "pthread-é");
        ReplicaResult back = ResultCodec.decode(ResultCodec.encode(sent));
        assertEquals(2, back.partition());
        assertArrayEquals(new int[] {17}, back.stepRows());
        assertArrayEquals(new double[] {3.25}, back.stepLossSums());
        assertNull(back.state().weights());
        assertNull(back.state().momentum());
        assertArrayEquals(new float[] {1, 2}, back.state().buffers().values()[0]);
        assertNull(back.state().buffers().values()[1]);
        assertArrayEquals(new long[] {0, 41}, back.state().buffers().counts());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(sent.gradients()[i], back.gradients()[i], "gradient " + i); // NaN and -0 by bits
        }
        assertEquals("pthread-é", back.device());
    }

    @Test
    void aLocalStepsResultAndAnEmptyOneComeBackWhole() {
        ReplicaResult sent = new ReplicaResult(0, new int[] {5, 0, 4}, new double[] {1, 0, 2.5},
                new ReplicaState(new float[][] {{1, 2, 3}}, new float[][] {null}, null), "cpu");
        ReplicaResult back = ResultCodec.decode(ResultCodec.encode(sent));
        assertArrayEquals(new int[] {5, 0, 4}, back.stepRows());
        assertArrayEquals(new float[] {1, 2, 3}, back.state().weights()[0]);
        assertNull(back.state().momentum()[0]);
        assertNull(back.state().buffers());
        assertNull(back.gradients());
        ReplicaResult empty = ResultCodec.decode(ResultCodec.encode(new ReplicaResult(1, new int[1], new double[1],
                null, null, "cpu")));
        assertNull(empty.state());
        assertEquals(0, empty.rows());
    }
}
