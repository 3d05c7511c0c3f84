package dev.clnn.spark;

import dev.clnn.data.DataFileException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;

/**
 * One Spark job over a table's label column alone (a Parquet reader reads no other column): the rows of each
 * partition, the distinct label cells with the row each first occurs on, and, when asked, every row's label as a small
 * int. The driver gets the rows' count and labels, never their features.
 *
 * @param partitionRows rows per partition of the table as Spark reads it, in partition order
 * @param firstRow      each distinct label cell with its first 0-based row; empty without a label column
 * @param labels        each row's class by {@code numbering}, or null when not asked for
 * @param numbering     the label column's classes, or null without one
 */
record LabelPass(long[] partitionRows, Map<String, Long> firstRow, int[] labels, ClassNumbering numbering) {

    long rows() {
        return Arrays.stream(partitionRows).sum();
    }

    /**
     * Counts the table's rows and reads its labels.
     *
     * @param column     the label column's position, or -1 to count rows only
     * @param withLabels whether to bring every row's class back (for a split)
     * @throws DataFileException naming the first row with an empty or ill-formed label
     */
    static LabelPass of(org.apache.spark.sql.Dataset<Row> frame, TableColumns columns, boolean withLabels) {
        int column = columns.label;
        String name = column >= 0 ? columns.header.get(column) : columns.header.get(columns.features[0]);
        org.apache.spark.sql.Dataset<Row> one = frame.select(functions.col("`" + name.replace("`", "``") + "`"));
        List<Part> parts = one.javaRDD().mapPartitionsWithIndex((p, rows) -> {
            Part part = new Part(p);
            while (rows.hasNext()) {
                Row row = rows.next();
                if (column >= 0) {
                    part.add(TableRows.labelCell(row, 0), withLabels);
                } else {
                    part.rows++;
                }
            }
            return List.of(part).iterator();
        }, false).collect();
        long[] partitionRows = new long[parts.size()];
        long offset = 0;
        Map<String, Long> firstRow = new LinkedHashMap<>();
        for (Part part : parts) {
            partitionRows[part.partition] = part.rows;
            if (part.firstEmpty >= 0) {
                throw new DataFileException(columns.file, "row " + (offset + part.firstEmpty + 1) + ", column \""
                        + name + "\": empty cell");
            }
            for (Map.Entry<String, Long> e : part.firstRow.entrySet()) {
                firstRow.putIfAbsent(e.getKey(), offset + e.getValue());
            }
            offset += part.rows;
        }
        if (column < 0) {
            return new LabelPass(partitionRows, Map.of(), null, null);
        }
        ClassNumbering numbering = ClassNumbering.of(firstRow, columns.file, name);
        int[] labels = null;
        if (withLabels) {
            labels = new int[Math.toIntExact(offset)];
            int r = 0;
            for (Part part : parts) {
                int[] classOf = new int[part.distinct.size()];
                for (int id = 0; id < classOf.length; id++) {
                    classOf[id] = numbering.classOf().get(part.distinct.get(id));
                }
                for (int i = 0; i < part.rows; i++) {
                    labels[r++] = classOf[part.ids[i]];
                }
            }
        }
        return new LabelPass(partitionRows, firstRow, labels, numbering);
    }

    /** What one partition saw: its rows, its distinct cells in first-seen order, and each row's cell as their id. */
    private static final class Part implements Serializable {
        private static final long serialVersionUID = 1L;

        final int partition;
        long rows;
        long firstEmpty = -1;
        final Map<String, Long> firstRow = new HashMap<>();
        final List<String> distinct = new ArrayList<>();
        final Map<String, Integer> idOf = new HashMap<>();
        int[] ids = new int[0];

        Part(int partition) {
            this.partition = partition;
        }

        void add(String cell, boolean keepIds) {
            if (cell == null) {
                if (firstEmpty < 0) {
                    firstEmpty = rows;
                }
                rows++;
                return;
            }
            Integer id = idOf.get(cell);
            if (id == null) {
                id = distinct.size();
                idOf.put(cell, id);
                distinct.add(cell);
                firstRow.put(cell, rows);
            }
            if (keepIds) {
                if (rows == ids.length) {
                    ids = Arrays.copyOf(ids, Math.max(1024, ids.length + (ids.length >> 1)));
                }
                ids[(int) rows] = id;
            }
            rows++;
        }
    }
}
