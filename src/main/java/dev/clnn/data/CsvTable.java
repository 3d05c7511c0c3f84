package dev.clnn.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Reads a CSV file (UTF-8, a header row, then one row per example) into {@link TabularData}.
 *
 * <p>Format: fields are separated by commas; a field may be quoted as in RFC 4180 ({@code "a, b"}, {@code "say
 * ""hi"""}, line breaks inside quotes); unquoted fields are trimmed of surrounding spaces and tabs; lines end in
 * {@code \n} or {@code \r\n}; blank lines may follow the last row but not sit between rows; a UTF-8 byte-order mark
 * is skipped. Feature and target cells must be finite float numbers ({@code NaN}, infinities and numbers beyond the
 * float range are errors), and no cell that is read may be empty.
 *
 * <p>Class labels: when every label cell is a whole number, the classes are those integers, which must be ≥ 0, and
 * the class count is the largest plus one ({@code classNames} "0", "1", …); a label column of numbers with any
 * non-integer in it ({@code 1.5}, {@code 1.0}, {@code NaN}) is an error. When any label cell is not a number, every
 * label (numbers included) is a string, and the classes are the distinct strings in sorted ({@link String}
 * natural) order.
 *
 * <p>The file is read line by line and the floats go straight into fixed-size chunks, so the peak memory is about
 * twice the float data (the chunks, then the one array they are copied into), whatever the file's size in bytes.
 * Every error is a {@link DataFileException} whose one line names the file, the line (1-based, in the file) and
 * the column, e.g. {@code data.csv: line 17, column "petal_width": "abc" is not a number}.
 */
public final class CsvTable {
    /** The largest class a numeric label may name; the class count is at most this plus one. */
    public static final int MAX_CLASS = (1 << 20) - 1;
    /** Java's array limit: rows × features and rows × targets stay under it. */
    private static final long MAX_VALUES = Integer.MAX_VALUE - 8;
    private static final int CHUNK = 1 << 20; // floats per chunk: 4 MiB
    private static final int READ_BUFFER = 1 << 16;

    private CsvTable() {
    }

    /**
     * Which columns to read and what they are: exactly one of {@code label} (one column of class labels) or
     * {@code targets} (one or more columns of float targets, e.g. regression values or probability rows), and the
     * feature columns.
     *
     * @param label    the class-label column, or null when {@code targets} are given
     * @param targets  the float-target columns, empty when a {@code label} is given
     * @param features the feature columns in the order the rows will hold them; empty means every column that is
     *                 not the label or a target, in file order
     */
    public record Columns(String label, List<String> targets, List<String> features) {
        /** Checks the names against each other; whether the file has them is checked when it is read. */
        public Columns {
            targets = List.copyOf(targets);
            features = List.copyOf(features);
            if ((label == null) == targets.isEmpty()) {
                throw new IllegalArgumentException("give exactly one of a label column or target columns, got label "
                        + label + " and targets " + targets);
            }
            requireDistinct("target", targets);
            requireDistinct("feature", features);
            for (String t : label == null ? targets : List.of(label)) {
                if (features.contains(t)) {
                    throw new IllegalArgumentException("column \"" + t + "\" is both a "
                            + (label == null ? "target" : "label") + " and a feature");
                }
            }
        }

        /** Classification on column {@code label}, every other column a feature. */
        public static Columns label(String label) {
            return new Columns(Objects.requireNonNull(label, "label"), List.of(), List.of());
        }

        /** Float targets from these columns, every other column a feature. */
        public static Columns targets(String... targets) {
            return new Columns(null, List.of(targets), List.of());
        }

        /** The same label or targets with only these feature columns, in this order. */
        public Columns withFeatures(String... features) {
            return new Columns(label, targets, List.of(features));
        }

        private static void requireDistinct(String what, List<String> names) {
            Set<String> seen = new HashSet<>();
            for (String n : names) {
                if (!seen.add(n)) {
                    throw new IllegalArgumentException(what + " column \"" + n + "\" is named twice in " + names);
                }
            }
        }
    }

    /**
     * Feature rows without targets, as a model's inputs are read for prediction.
     *
     * @param x     rows × features values, row-major
     * @param rows  number of rows, ≥ 1
     * @param names the feature columns, in the order each row holds them
     */
    public record Features(float[] x, int rows, List<String> names) {
        /** Checks that x is whole rows. */
        public Features {
            names = List.copyOf(names);
            if (x.length != (long) rows * names.size()) {
                throw new IllegalArgumentException("x has " + x.length + " values, expected " + rows + " * "
                        + names.size());
            }
        }
    }

    /** Reads {@code file} as described in the class comment. Nothing is written. */
    public static TabularData read(Path file, Columns columns) {
        Objects.requireNonNull(columns, "columns");
        return (TabularData) read(file, new Reading(file, columns.label(), columns.targets(), columns.features(),
                null));
    }

    /**
     * Reads only feature columns, by the rules in the class comment: {@code features} in that order, or, when it is
     * empty, every column except {@code ignored} (null for none) in file order. Cells of other columns are not read.
     *
     * @throws DataFileException as {@link #read}, and when a named column (features or ignored) is not in the file
     */
    public static Features readFeatures(Path file, List<String> features, String ignored) {
        List<String> names = List.copyOf(features);
        Columns.requireDistinct("feature", names);
        return (Features) read(file, new Reading(file, null, List.of(), names, ignored));
    }

    private static Object read(Path file, Reading reading) {
        // Malformed bytes decode to U+FFFD, which nextRecord refuses with its line number (a decoder that throws
        // could only say which buffer of text it was reading).
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        try (BufferedReader in = new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder),
                READ_BUFFER)) {
            return reading.read(in);
        } catch (NoSuchFileException e) {
            throw new DataFileException(file, "no such file");
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot read", e);
        }
    }

    /** The state of one read: the file, the line reached, the columns' roles and the values so far. */
    private static final class Reading {
        private static final int IGNORED = -1;
        private static final int LABEL = -2;

        private final Path file;
        private final String label; // null when there is none
        private final List<String> targets;
        private final List<String> features;
        private final String ignored; // a column to skip, or null
        private final List<String> fields = new ArrayList<>();
        private final StringBuilder unquote = new StringBuilder();
        private int line; // lines read so far, so the current one's number once it is read
        private int recordLine; // where the current record starts (a quoted field may span lines)
        private List<String> header;
        /** For each header column: its index among the features, or among the targets, or IGNORED or LABEL. */
        private int[] featureSlot;
        private int[] targetSlot;
        private boolean[] isLabel;

        Reading(Path file, String label, List<String> targets, List<String> features, String ignored) {
            this.file = file;
            this.label = label;
            this.targets = targets;
            this.features = features;
            this.ignored = ignored;
        }

        /** A {@link TabularData}, or {@link Features} when there is neither a label nor targets. */
        Object read(BufferedReader in) throws IOException {
            if (!nextRecord(in)) {
                throw new DataFileException(file, "empty file: expected a header row");
            }
            readHeader();
            List<String> featureNames = new ArrayList<>();
            List<String> targetNames = targets;
            bindColumns(featureNames);
            int nf = featureNames.size();
            int nt = targetNames.size();
            FloatChunks x = new FloatChunks();
            FloatChunks y = new FloatChunks();
            Labels labels = label == null ? null : new Labels();
            int rows = 0;
            int blankLine = 0;
            while (nextRecord(in)) {
                if (fields.size() == 1 && fields.get(0).isEmpty()) {
                    blankLine = blankLine == 0 ? recordLine : blankLine;
                    continue;
                }
                if (blankLine != 0) {
                    throw new DataFileException(file, "line " + blankLine + ": blank line between data rows");
                }
                if (fields.size() != header.size()) {
                    throw new DataFileException(file, "line " + recordLine + ": expected " + header.size()
                            + " fields as in the header, found " + fields.size());
                }
                if ((long) (rows + 1) * Math.max(nf, nt) > MAX_VALUES) {
                    throw new DataFileException(file, "line " + recordLine + ": too many rows: " + (rows + 1)
                            + " rows of " + Math.max(nf, nt) + " values exceed Java's array limit");
                }
                for (int c = 0; c < fields.size(); c++) {
                    String cell = fields.get(c);
                    if (featureSlot[c] >= 0) {
                        x.add(number(cell, c));
                    } else if (targetSlot[c] >= 0) {
                        y.add(number(cell, c));
                    } else if (isLabel[c]) {
                        if (cell.isEmpty()) {
                            throw cellError(c, "empty cell");
                        }
                        labels.add(cell, recordLine);
                    }
                }
                rows++;
            }
            if (rows == 0) {
                throw new DataFileException(file, "no data rows after the header on line 1");
            }
            float[] values = x.toArray(featureOrder(nf));
            if (labels == null && nt == 0) {
                return new Features(values, rows, featureNames);
            }
            TabularData.Target target = labels != null
                    ? labels.toTarget(this, header.indexOf(label))
                    : new TabularData.FloatTargets(y.toArray(targetOrder(nt)), targetNames);
            return new TabularData(values, rows, featureNames, target);
        }

        private void readHeader() {
            header = List.copyOf(fields);
            Map<String, Integer> seen = new HashMap<>();
            for (int c = 0; c < header.size(); c++) {
                String name = header.get(c);
                if (name.isEmpty()) {
                    throw new DataFileException(file, "line 1, column " + (c + 1) + ": empty column name");
                }
                Integer before = seen.put(name, c);
                if (before != null) {
                    throw new DataFileException(file, "line 1, column " + (c + 1) + ": duplicate column name \""
                            + name + "\" (also column " + (before + 1) + ")");
                }
            }
        }

        /** Gives each header column its role; fills featureNames in the order the rows will hold them. */
        private void bindColumns(List<String> featureNames) {
            int n = header.size();
            featureSlot = new int[n];
            targetSlot = new int[n];
            isLabel = new boolean[n];
            Arrays.fill(featureSlot, IGNORED);
            Arrays.fill(targetSlot, IGNORED);
            for (int t = 0; t < targets.size(); t++) {
                targetSlot[column("target", targets.get(t))] = t;
            }
            if (label != null) {
                isLabel[column("label", label)] = true;
            }
            int skip = ignored == null ? -1 : column("label", ignored);
            if (features.isEmpty()) {
                for (int c = 0; c < n; c++) {
                    if (targetSlot[c] == IGNORED && !isLabel[c] && c != skip) {
                        featureSlot[c] = featureNames.size();
                        featureNames.add(header.get(c));
                    }
                }
                if (featureNames.isEmpty()) {
                    throw new DataFileException(file, "line 1: no feature columns: the header has only "
                            + quoted(header));
                }
            } else {
                for (String f : features) {
                    featureSlot[column("feature", f)] = featureNames.size();
                    featureNames.add(f);
                }
            }
        }

        private int column(String role, String name) {
            int c = header.indexOf(name);
            if (c < 0) {
                throw new DataFileException(file, "line 1: no " + role + " column \"" + name + "\"; the columns are "
                        + quoted(header));
            }
            return c;
        }

        /** For the features: slot k of each row holds header column order[k]. */
        private int[] featureOrder(int nf) {
            return order(featureSlot, nf);
        }

        private int[] targetOrder(int nt) {
            return order(targetSlot, nt);
        }

        /**
         * Cells are stored in file order; slot[c] says where column c belongs in the output row. Returns, for each
         * stored position within a row, the output position.
         */
        private static int[] order(int[] slot, int width) {
            int[] out = new int[width];
            int k = 0;
            for (int s : slot) {
                if (s >= 0) {
                    out[k++] = s;
                }
            }
            return out;
        }

        private float number(String cell, int c) {
            if (cell.isEmpty()) {
                throw cellError(c, "empty cell");
            }
            float v;
            try {
                v = Float.parseFloat(cell);
            } catch (NumberFormatException e) {
                if (isNonFiniteSpelling(cell)) {
                    throw cellError(c, "\"" + cell + "\" is not a finite number (NaN and infinities are not allowed)");
                }
                throw cellError(c, "\"" + cell + "\" is not a number");
            }
            if (!Float.isFinite(v)) {
                throw cellError(c, "\"" + cell + "\" is " + (Float.isNaN(v) || isNonFiniteSpelling(cell)
                        ? "not a finite number (NaN and infinities are not allowed)"
                        : "outside the float range (about ±3.4e38)"));
            }
            return v;
        }

        DataFileException cellError(int c, String problem) {
            return cellError(recordLine, c, problem);
        }

        DataFileException cellError(int atLine, int c, String problem) {
            return new DataFileException(file, "line " + atLine + ", column \"" + header.get(c) + "\": " + problem);
        }

        /**
         * Reads the next record's fields into {@link #fields}; false at the end of the file. A quoted field may
         * continue on the following lines.
         */
        private boolean nextRecord(BufferedReader in) throws IOException {
            String text = readLine(in);
            if (text == null) {
                return false;
            }
            recordLine = line;
            if (line == 1 && !text.isEmpty() && text.charAt(0) == '\uFEFF') {
                text = text.substring(1);
            }
            while (!split(text)) {
                String more = readLine(in);
                if (more == null) {
                    throw new DataFileException(file, "line " + recordLine + ": a quoted field is not closed before"
                            + " the end of the file");
                }
                text = text + "\n" + more;
            }
            return true;
        }

        private String readLine(BufferedReader in) throws IOException {
            String text = in.readLine();
            if (text != null) {
                line++;
                if (text.indexOf('\uFFFD') >= 0) {
                    throw new DataFileException(file, "line " + line + ": not UTF-8 text (or holds U+FFFD)");
                }
            }
            return text;
        }

        /** Splits one record's text into {@link #fields}; false when it ends inside a quoted field. */
        private boolean split(String s) {
            fields.clear();
            int n = s.length();
            int i = 0;
            while (true) {
                while (i < n && isBlank(s.charAt(i))) {
                    i++;
                }
                if (i < n && s.charAt(i) == '"') {
                    i = quotedField(s, i + 1);
                    if (i < 0) {
                        return false;
                    }
                    while (i < n && isBlank(s.charAt(i))) {
                        i++;
                    }
                    if (i < n && s.charAt(i) != ',') {
                        throw new DataFileException(file, "line " + recordLine + ", " + fieldName(fields.size() - 1)
                                + ": unexpected '" + s.charAt(i) + "' after a closing quote");
                    }
                } else {
                    int start = i;
                    int comma = s.indexOf(',', i);
                    i = comma < 0 ? n : comma;
                    int end = i;
                    while (end > start && isBlank(s.charAt(end - 1))) {
                        end--;
                    }
                    fields.add(s.substring(start, end));
                }
                if (i >= n) {
                    return true;
                }
                i++; // past the comma
            }
        }

        /** Reads a quoted field whose text starts at i; returns the index after its closing quote, or -1. */
        private int quotedField(String s, int i) {
            unquote.setLength(0);
            int n = s.length();
            int from = i;
            while (true) {
                int q = s.indexOf('"', i);
                if (q < 0) {
                    return -1;
                }
                if (q + 1 < n && s.charAt(q + 1) == '"') {
                    unquote.append(s, from, q + 1);
                    i = q + 2;
                    from = i;
                    continue;
                }
                unquote.append(s, from, q);
                fields.add(unquote.toString());
                return q + 1;
            }
        }

        private String fieldName(int c) {
            return header != null && c < header.size() ? "column \"" + header.get(c) + "\"" : "column " + (c + 1);
        }
    }

    /** Label cells as they come: a provisional id per distinct string (first-seen order), the line it is first on. */
    private static final class Labels {
        private final Map<String, Integer> ids = new HashMap<>();
        private final List<String> distinct = new ArrayList<>();
        private int[] firstLine = new int[16];
        private int[] perRow = new int[1024];
        private int rows;

        void add(String cell, int line) {
            Integer id = ids.get(cell);
            if (id == null) {
                id = distinct.size();
                ids.put(cell, id);
                distinct.add(cell);
                if (id == firstLine.length) {
                    firstLine = Arrays.copyOf(firstLine, id + (id >> 1));
                }
                firstLine[id] = line;
            }
            if (rows == perRow.length) {
                perRow = Arrays.copyOf(perRow, rows + (rows >> 1));
            }
            perRow[rows++] = id;
        }

        TabularData.ClassLabels toTarget(Reading reading, int column) {
            int[] classOf = new int[distinct.size()];
            List<String> classNames;
            if (distinct.stream().allMatch(ClassCells::isNumber)) {
                int badId = -1;
                String problem = null;
                int max = 0;
                for (int id = 0; id < distinct.size(); id++) {
                    String p = ClassCells.problem(distinct.get(id));
                    if (p != null) {
                        if (badId < 0 || firstLine[id] < firstLine[badId]) {
                            badId = id;
                            problem = p;
                        }
                    } else {
                        classOf[id] = ClassCells.classOf(distinct.get(id));
                        max = Math.max(max, classOf[id]);
                    }
                }
                if (badId >= 0) {
                    throw reading.cellError(firstLine[badId], column, problem);
                }
                List<String> names = new ArrayList<>(max + 1);
                for (int k = 0; k <= max; k++) {
                    names.add(Integer.toString(k));
                }
                classNames = names;
            } else {
                classNames = new ArrayList<>(new TreeSet<>(distinct));
                Map<String, Integer> rank = new HashMap<>();
                for (int k = 0; k < classNames.size(); k++) {
                    rank.put(classNames.get(k), k);
                }
                for (int id = 0; id < distinct.size(); id++) {
                    classOf[id] = rank.get(distinct.get(id));
                }
            }
            int[] labels = new int[rows];
            for (int r = 0; r < rows; r++) {
                labels[r] = classOf[perRow[r]];
            }
            return new TabularData.ClassLabels(labels, classNames);
        }
    }

    /**
     * Floats in file order, in fixed-size chunks so that growing never copies; {@link #toArray} copies them once
     * into the final array, releasing each chunk as it goes.
     */
    private static final class FloatChunks {
        private final List<float[]> full = new ArrayList<>();
        private float[] current = new float[1024];
        private int used;
        private long size;

        void add(float v) {
            if (used == current.length) {
                if (current.length < CHUNK) {
                    current = Arrays.copyOf(current, Math.min(CHUNK, current.length * 2));
                } else {
                    full.add(current);
                    current = new float[CHUNK];
                    used = 0;
                }
            }
            current[used++] = v;
            size++;
        }

        /**
         * The values as one array, with each row's cells moved to their output positions: the stored row position
         * k goes to {@code order[k]}.
         */
        float[] toArray(int[] order) {
            int width = order.length;
            float[] out = new float[(int) size];
            boolean identity = true;
            for (int k = 0; k < width; k++) {
                identity &= order[k] == k;
            }
            long pos = 0;
            for (int i = 0; i <= full.size(); i++) {
                float[] chunk = i < full.size() ? full.get(i) : current;
                int len = i < full.size() ? chunk.length : used;
                if (identity) {
                    System.arraycopy(chunk, 0, out, (int) pos, len);
                } else {
                    for (int j = 0; j < len; j++) {
                        long p = pos + j;
                        int k = (int) (p % width);
                        out[(int) (p - k + order[k])] = chunk[j];
                    }
                }
                pos += len;
                if (i < full.size()) {
                    full.set(i, null);
                }
            }
            current = null;
            return out;
        }
    }

    private static boolean isBlank(char ch) {
        return ch == ' ' || ch == '\t';
    }

    /** NaN and infinity as people write them ("nan", "-inf", "Infinity"), which Java's parser partly rejects. */
    static boolean isNonFiniteSpelling(String s) {
        String t = s.startsWith("+") || s.startsWith("-") ? s.substring(1) : s;
        return t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("inf") || t.equalsIgnoreCase("infinity");
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
    }
}
