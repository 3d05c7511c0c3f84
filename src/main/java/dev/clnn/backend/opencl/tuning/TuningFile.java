package dev.clnn.backend.opencl.tuning;

import dev.clnn.device.CachedBinary;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The file format of one device's tuning results, in the manner of {@link CachedBinary} but as UTF-8 text, so that
 * {@code cat} shows what was chosen. Lines, each ending in a line feed:
 *
 * <pre>
 *   clnn tuning file, format 1       the format version ({@link #FORMAT_VERSION})
 *   key 3f2a…                        the store key the file was written for (its file name starts with it, too)
 *   device pthread-… | …             who it was written for, in words (not read back)
 *   gemm.large = vw16 rm12 wn2 g8    one line per entry: a family and shape class, and a configuration's text
 *   digest 9c1b…                     SHA-256 of every byte before this line, in hex
 * </pre>
 *
 * A file is checked in full before any entry is used: magic and version, digest, key. As with the binary cache, the
 * digest protects against damage (a truncated write, a disk error, a hand edit), not against someone who writes a
 * well-formed file on purpose.
 */
final class TuningFile {
    /** Bump when the layout or the meaning of the entries changes; also part of every store key. */
    static final int FORMAT_VERSION = 1;
    /** Much larger than any real file (a few hundred bytes); only keeps a stray file from being read whole. */
    static final int MAX_FILE_BYTES = 64 << 10;

    private static final String MAGIC = "clnn tuning file, format ";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern DIGEST_LINE = Pattern.compile("digest [0-9a-f]{64}");

    /** Why a file was not used; {@link #olderFormat} tells an outdated file from a damaged one. */
    static final class InvalidFileException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean olderFormat;

        InvalidFileException(String message, boolean olderFormat) {
            super(message);
            this.olderFormat = olderFormat;
        }

        /** True for a well-formed file of another format version: not damage, just out of date. */
        boolean olderFormat() {
            return olderFormat;
        }
    }

    private TuningFile() {
    }

    /**
     * The contents that store {@code entries} under {@code key}.
     *
     * @throws IllegalArgumentException for an entry name outside {@code [a-z0-9._-]} or a value with a line break
     */
    static byte[] encode(String key, String device, Map<String, String> entries) {
        StringBuilder body = new StringBuilder();
        body.append(MAGIC).append(FORMAT_VERSION).append('\n');
        body.append("key ").append(key).append('\n');
        body.append("device ").append(oneLine(device)).append('\n');
        for (Map.Entry<String, String> e : entries.entrySet()) {
            if (!NAME.matcher(e.getKey()).matches()) {
                throw new IllegalArgumentException("tuning entry name '" + e.getKey() + "' is not [a-z0-9._-]+");
            }
            String value = e.getValue().trim();
            if (value.isEmpty() || value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("tuning entry " + e.getKey() + " has an empty or multi-line value");
            }
            body.append(e.getKey()).append(" = ").append(value).append('\n');
        }
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        String digest = "digest " + HexFormat.of().formatHex(CachedBinary.sha256(bytes)) + "\n";
        ByteBuffer out = ByteBuffer.allocate(bytes.length + digest.length());
        out.put(bytes).put(digest.getBytes(StandardCharsets.US_ASCII));
        return out.array();
    }

    /**
     * Checks {@code file} as the results for {@code key}: size, text, magic and version, digest, key, then each entry.
     *
     * @return the entries, in file order
     * @throws InvalidFileException saying which check failed
     */
    static Map<String, String> decode(byte[] file, String key) throws InvalidFileException {
        if (file.length > MAX_FILE_BYTES) {
            throw damaged("more than the " + MAX_FILE_BYTES + " bytes allowed");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(file)).toString();
        } catch (CharacterCodingException e) {
            throw damaged("not UTF-8 text");
        }
        if (!text.startsWith(MAGIC)) {
            throw damaged("not a clnn tuning file (bad first line)");
        }
        int firstEnd = text.indexOf('\n');
        if (firstEnd < 0) {
            throw damaged("truncated after the first line");
        }
        String version = text.substring(MAGIC.length(), firstEnd);
        if (!version.equals(Integer.toString(FORMAT_VERSION))) {
            if (version.matches("[1-9][0-9]{0,8}")) {
                throw new InvalidFileException("format " + version + ", expected " + FORMAT_VERSION, true);
            }
            throw damaged("bad format version '" + version + "'");
        }
        if (!text.endsWith("\n")) {
            throw damaged("truncated (no line feed at the end)");
        }
        int digestStart = text.lastIndexOf('\n', text.length() - 2) + 1;
        String digestLine = text.substring(digestStart, text.length() - 1);
        if (!DIGEST_LINE.matcher(digestLine).matches()) {
            throw damaged("truncated or damaged (the last line is not its digest)");
        }
        byte[] body = text.substring(0, digestStart).getBytes(StandardCharsets.UTF_8);
        byte[] digest = HexFormat.of().parseHex(digestLine.substring("digest ".length()));
        if (!MessageDigest.isEqual(digest, CachedBinary.sha256(body))) {
            throw damaged("digest does not match (damaged or edited)");
        }
        String[] lines = text.substring(0, digestStart).split("\n", -1);
        // lines: magic, key, device, entries..., "" (after the last line feed)
        if (lines.length < 4 || !lines[1].startsWith("key ") || !lines[2].startsWith("device ")) {
            throw damaged("missing key or device line");
        }
        if (!lines[1].substring("key ".length()).equals(key)) {
            throw damaged("written for another device or driver (key " + lines[1].substring("key ".length()) + ")");
        }
        Map<String, String> entries = new LinkedHashMap<>();
        for (int i = 3; i < lines.length - 1; i++) {
            int eq = lines[i].indexOf(" = ");
            String name = eq < 0 ? "" : lines[i].substring(0, eq);
            if (!NAME.matcher(name).matches() || entries.put(name, lines[i].substring(eq + 3).trim()) != null) {
                throw damaged("bad or repeated entry on line " + (i + 1));
            }
        }
        return entries;
    }

    private static InvalidFileException damaged(String why) {
        return new InvalidFileException(why, false);
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ').replace('\r', ' ');
    }
}
