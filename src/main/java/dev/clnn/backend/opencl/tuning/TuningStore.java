package dev.clnn.backend.opencl.tuning;

import dev.clnn.data.AtomicFiles;
import dev.clnn.device.CachedBinary;
import dev.clnn.device.CodegenIdentity;
import dev.clnn.device.DeviceInfo;
import dev.clnn.device.KernelCacheSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Tuning results kept between runs: one file per device ({@link TuningFile}) in a folder beside the kernel binaries
 * ({@link KernelCacheSettings#tuningDirectory}). Each file maps entry names, a kernel family and a class of shapes
 * such as {@code gemm.large}, to the text form of the configuration chosen for them, so more families can be added
 * without a new format. A file's key hashes the format version and the device's {@link CodegenIdentity}, the same
 * material the binary cache keys on, and appears both in the file's name and inside it: a result is never used on
 * another device, driver or code-generation target. A missing file, one of an older format and a damaged one all
 * mean "no tuning" (the defaults); a damaged one also logs one line saying so. Deleting the folder is always safe.
 */
public final class TuningStore {
    private static final System.Logger LOG = System.getLogger("dev.clnn");
    /** Key digits in a file's name: enough to tell devices apart at a glance; the whole key is inside. */
    private static final int NAME_KEY_DIGITS = 16;

    private final Path dir;

    /** @param dir the folder; it is created when the first file is written */
    public TuningStore(Path dir) {
        this.dir = dir;
    }

    /** The store in the folder the settings name ({@link KernelCacheSettings#tuningDirectory}). */
    public static TuningStore standard() {
        return new TuningStore(KernelCacheSettings.tuningDirectory());
    }

    public Path directory() {
        return dir;
    }

    /** The key of {@code info}'s results: a SHA-256 over the format version and its codegen identity, in hex. */
    public String key(DeviceInfo info) {
        List<String> parts = new ArrayList<>(List.of("tuning format " + TuningFile.FORMAT_VERSION));
        parts.addAll(CodegenIdentity.parts(info));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String part : parts) {
            bytes.writeBytes(part.getBytes(StandardCharsets.UTF_8));
            bytes.write(0);
        }
        return HexFormat.of().formatHex(CachedBinary.sha256(bytes.toByteArray()));
    }

    /** The file of {@code info}'s results, e.g. {@code pthread-haswell-amd-epyc-3f2a9c1d4e5b6a7f.tuning}. */
    public Path file(DeviceInfo info) {
        String name = info.name().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        if (name.length() > 48) {
            name = name.substring(0, 48);
        }
        return dir.resolve(name + "-" + key(info).substring(0, NAME_KEY_DIGITS) + ".tuning");
    }

    /**
     * The entries stored for {@code info}; empty when there is no file, or it is of another format version, or it
     * fails its checks (then one WARNING line names the file and why, and the file is left for the user to see).
     */
    public Map<String, String> load(DeviceInfo info) {
        Path path = file(info);
        try {
            return read(path, key(info));
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (TuningFile.InvalidFileException e) {
            if (e.olderFormat()) {
                LOG.log(Level.DEBUG, "tuning file " + path + " ignored: " + e.getMessage());
            } else {
                LOG.log(Level.WARNING, "tuning file " + path + " ignored (" + e.getMessage() + "); using the default"
                        + " kernel choices: run clnn tune again or delete the file");
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "tuning file " + path + " unreadable (" + e + "); using the default kernel"
                    + " choices");
        }
        return Map.of();
    }

    /**
     * Stores {@code entries} for {@code info}, keeping the valid entries already stored under other names, in one
     * atomic replacement of the file.
     *
     * @return the file written
     * @throws IOException when the folder cannot be created or written
     */
    public Path put(DeviceInfo info, Map<String, String> entries) throws IOException {
        Map<String, String> all = new LinkedHashMap<>(load(info));
        all.putAll(entries);
        byte[] contents = TuningFile.encode(key(info), info.identity(), all);
        Path path = file(info);
        Files.createDirectories(dir);
        AtomicFiles.write(path, out -> out.write(contents));
        return path;
    }

    /**
     * Why nothing can be stored here, in words (e.g. {@code the tuning folder /x is not writable}), or null when the
     * folder, or the nearest folder above it that exists, is writable.
     */
    public String unwritable() {
        Path p = dir.toAbsolutePath();
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        if (p == null || !Files.isDirectory(p) || !Files.isWritable(p)) {
            return "the tuning folder " + dir + " is not writable";
        }
        return null;
    }

    /** Reads and checks one file: only a plain file, never more than {@link TuningFile#MAX_FILE_BYTES}. */
    static Map<String, String> read(Path path, String key) throws IOException, TuningFile.InvalidFileException {
        BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new TuningFile.InvalidFileException("not a regular file", false);
        }
        byte[] file;
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            file = in.readNBytes(TuningFile.MAX_FILE_BYTES + 1);
        }
        return TuningFile.decode(file, key);
    }
}
