package dev.clnn.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.clnn.backend.OpenClTestSupport;
import dev.clnn.backend.Sizes;
import dev.clnn.backend.Tensor;
import dev.clnn.backend.TestArrays;
import dev.clnn.backend.opencl.tuning.KernelTuning;
import dev.clnn.check.SeededData;
import dev.clnn.device.DeviceBuffer;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * weighted_sum_all, the all-reduce's sum, bit for bit against the host's sum in the same order, at the device's
 * SUM_WIDTH and at width 1, over counts around the vector width and a work-group of vectors, 1, odd and prime: every
 * vector whole, a tail shorter than one, none at all. Ranks that only receive the sum start as NaN (an empty shard's
 * gradients): a NaN in any result means one was read. Each buffer is longer than the count by a sentinel run that the
 * kernel must leave alone.
 */
@Tag("opencl")
class WeightedSumAllParityTest {
    private static final int PAST = 40;
    private static final float SENTINEL = 12345f;

    @Test
    void everyWidthGivesTheHostsBitsAndTouchesNothingPastCount() {
        OpenClBackend cl = OpenClTestSupport.backend();
        KernelTuning device = cl.tuning();
        KernelTuning scalar = new KernelTuning(device.elementwiseLocal(), device.reduceLocal(), device.biasLocal(),
                device.gpuGemm(), device.gpuGemmSource(), false, device.gemm(), device.packTile());
        assertEquals(1, scalar.sumWidth());
        for (KernelLauncher launcher : new KernelLauncher[] {cl.launcher(), new KernelLauncher(cl.device(), scalar)}) {
            int width = launcher.tuning().sumWidth();
            for (int count : counts(width, device.elementwiseLocal())) {
                // 2 replicas; 3 with rank 1 empty; 4, all terms.
                check(cl, launcher, count, new int[] {0, 1}, 2);
                check(cl, launcher, count, new int[] {0, 2}, 3);
                check(cl, launcher, count, new int[] {0, 1, 2, 3}, 4);
            }
        }
    }

    private static int[] counts(int width, int local) {
        TreeSet<Integer> counts = new TreeSet<>();
        for (int c : Sizes.ELEMENTS) {
            counts.add(c);
        }
        for (int c : new int[] {7, 97, width - 1, width, width + 1, 3 * width, local * width - 1, local * width + 1,
                4099}) {
            counts.add(Math.max(1, c));
        }
        return counts.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void check(OpenClBackend cl, KernelLauncher launcher, int count, int[] termRanks, int ranks) {
        SplittableRandom random = new SplittableRandom(31L * count + ranks);
        float[][] g = new float[ranks][];
        boolean[] isTerm = new boolean[ranks];
        for (int r : termRanks) {
            isTerm[r] = true;
        }
        for (int r = 0; r < ranks; r++) {
            g[r] = isTerm[r] ? SeededData.uniform(random, count, -1, 1) : SeededData.nan(count);
        }
        float[] weights = new float[termRanks.length];
        for (int k = 0; k < weights.length; k++) {
            weights[k] = (float) random.nextDouble(0.1, 1);
        }
        float[] expected = new float[count];
        for (int i = 0; i < count; i++) {
            float s = weights[0] * g[termRanks[0]][i];
            for (int k = 1; k < termRanks.length; k++) {
                float t = weights[k] * g[termRanks[k]][i];
                s = s + t;
            }
            expected[i] = s;
        }
        Tensor[] tensors = new Tensor[ranks];
        DeviceBuffer[] buffers = new DeviceBuffer[ranks];
        try {
            for (int r = 0; r < ranks; r++) {
                float[] padded = new float[count + PAST];
                System.arraycopy(g[r], 0, padded, 0, count);
                Arrays.fill(padded, count, padded.length, SENTINEL);
                tensors[r] = cl.fromArray(padded, padded.length);
                buffers[r] = ((ClTensor) tensors[r]).buffer;
            }
            DeviceGradientSum.launch(launcher, count, buffers, termRanks, weights);
            for (int r = 0; r < ranks; r++) {
                String what = "weighted_sum_all width " + launcher.tuning().sumWidth() + ", count " + count + ", "
                        + termRanks.length + " terms of " + ranks + ", rank " + r;
                float[] actual = cl.readFloats(tensors[r]);
                TestArrays.assertIdentical(what, Arrays.copyOf(actual, count), expected);
                float[] past = new float[PAST];
                Arrays.fill(past, SENTINEL);
                TestArrays.assertIdentical(what + ", past count", Arrays.copyOfRange(actual, count,
                        actual.length), past);
            }
        } finally {
            for (Tensor t : tensors) {
                if (t != null) {
                    t.close();
                }
            }
        }
    }
}
