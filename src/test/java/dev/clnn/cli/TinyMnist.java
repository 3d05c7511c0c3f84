package dev.clnn.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes a small, learnable MNIST-format data set: the digit d lights up row 2·d of a 28×28 image. */
final class TinyMnist {
    private TinyMnist() {
    }

    static Path write(Path dir, int train, int test) throws IOException {
        writeSplit(dir, "train", train);
        writeSplit(dir, "t10k", test);
        return dir;
    }

    private static void writeSplit(Path dir, String prefix, int n) throws IOException {
        ByteBuffer images = ByteBuffer.allocate(16 + n * 784).putInt(2051).putInt(n).putInt(28).putInt(28);
        ByteBuffer labels = ByteBuffer.allocate(8 + n).putInt(2049).putInt(n);
        for (int i = 0; i < n; i++) {
            int digit = i % 10;
            byte[] pixels = new byte[784];
            for (int c = 0; c < 28; c++) {
                pixels[2 * digit * 28 + c] = (byte) 200;
                pixels[(i * 7 + c * 3) % 784] = (byte) 60; // noise
            }
            images.put(pixels);
            labels.put((byte) digit);
        }
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte"), images.array());
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), labels.array());
    }
}
