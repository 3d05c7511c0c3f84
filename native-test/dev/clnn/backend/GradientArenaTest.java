package dev.clnn.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.opencl.GradientArena;
import dev.clnn.backend.opencl.OpenClBackend;
import dev.clnn.check.SeededData;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The gradients of a {@link GradientArena} are slices of one buffer: each starts zeroed at a multiple of the
 * device's sub-buffer alignment, in the order of the shapes, the gaps between them are zero, and what is written
 * through the whole buffer is what each slice holds. Shapes of 1, odd, prime and larger-than-a-group sizes.
 */
@Tag("opencl")
class GradientArenaTest {
    private static final List<int[]> SHAPES = List.of(new int[] {1}, new int[] {7, 3}, new int[] {97},
            new int[] {4099}, new int[] {2, 5});

    @Test
    void slicesLieInOrderAtAlignedOffsetsWithZeroGaps() {
        OpenClBackend cl = OpenClTestSupport.backend();
        long alignFloats = cl.device().subBufferAlignment() / Float.BYTES;
        SplittableRandom random = new SplittableRandom(11);
        try (GradientArena arena = new GradientArena(cl, SHAPES)) {
            List<Tensor> slices = arena.gradients();
            List<float[]> written = new ArrayList<>();
            for (int i = 0; i < SHAPES.size(); i++) {
                Tensor g = slices.get(i);
                assertArrayEquals(SHAPES.get(i), g.shape());
                assertArrayEquals(new float[g.size()], cl.readFloats(g), "a fresh slice is zero");
                float[] values = SeededData.uniform(random, g.size(), -1, 1);
                cl.write(g, values);
                written.add(values);
            }
            float[] whole = cl.readFloats(arena.whole());
            float[] expected = new float[whole.length];
            long offset = 0;
            for (float[] values : written) {
                offset = (offset + alignFloats - 1) / alignFloats * alignFloats;
                System.arraycopy(values, 0, expected, (int) offset, values.length);
                offset += values.length;
            }
            assertEquals(offset, whole.length, "the buffer ends with the last slice");
            assertArrayEquals(expected, whole, "slices in order, aligned, zero gaps");

            float[] through = SeededData.uniform(random, whole.length, -1, 1);
            cl.write(arena.whole(), through);
            offset = 0;
            for (int i = 0; i < SHAPES.size(); i++) {
                offset = (offset + alignFloats - 1) / alignFloats * alignFloats;
                int n = slices.get(i).size();
                float[] slice = new float[n];
                System.arraycopy(through, (int) offset, slice, 0, n);
                assertArrayEquals(slice, cl.readFloats(slices.get(i)), "slice " + i + " sees the whole buffer");
                offset += n;
            }
            slices.forEach(Tensor::close);
        }
    }
}
