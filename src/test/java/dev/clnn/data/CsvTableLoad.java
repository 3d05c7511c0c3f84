package dev.clnn.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Times {@link CsvTable#read} on a file (not a test): {@code java -Xmx600m -cp target/classes:target/test-classes
 * dev.clnn.data.CsvTableLoad FILE.csv [LABEL]}, with FILE.csv from {@code benchmarks/scripts/make_csv.py}. Prints
 * the seconds, MB/s and the heap in use after a GC with the table still held.
 */
final class CsvTableLoad {
    private CsvTableLoad() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        String label = args.length > 1 ? args[1] : "label";
        double mb = Files.size(file) / 1e6;
        for (int run = 0; run < 3; run++) {
            long t0 = System.nanoTime();
            TabularData t = CsvTable.read(file, CsvTable.Columns.label(label));
            double s = (System.nanoTime() - t0) / 1e9;
            System.gc();
            Runtime rt = Runtime.getRuntime();
            long used = rt.totalMemory() - rt.freeMemory();
            System.out.printf("run %d: %d rows x %d features, %.1f MB in %.2f s = %.1f MB/s; heap held after GC %.0f MB"
                    + " (x alone %.0f MB); max heap %.0f MB%n", run, t.rows(), t.features(), mb, s, mb / s,
                    used / 1e6, t.x().length * 4 / 1e6, rt.maxMemory() / 1e6);
        }
    }
}
