package dev.clnn.device;

import static org.jocl.CL.CL_PROGRAM_BINARIES;
import static org.jocl.CL.CL_PROGRAM_BINARY_SIZES;
import static org.jocl.CL.CL_PROGRAM_NUM_DEVICES;
import static org.jocl.CL.clGetProgramInfo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_program;

/**
 * The folder of program binaries kept between runs, one verified file ({@link CachedBinary}) per program. The key
 * hashes the cache format version, the device's {@link CodegenIdentity} (platform, name, driver, version and the
 * driver settings that change generated code), the build options and the full source, so any change to one of
 * them builds afresh. A file that fails verification is deleted. Failing to write is not an error: the cache is an optimisation, and a
 * read-only or full disk must not stop training.
 */
final class ProgramDiskCache {
    private static final System.Logger LOG = System.getLogger("dev.clnn");

    private final DeviceInfo info;
    private final Path dir;

    /** @param dir the folder; it is created when the first entry is written */
    ProgramDiskCache(DeviceInfo info, Path dir) {
        this.info = info;
        this.dir = dir;
    }

    /** The entry's key: a SHA-256 over everything that changes the binary, in hex. */
    String key(String source, String buildOptions) {
        List<String> parts = new ArrayList<>(List.of("format " + CachedBinary.FORMAT_VERSION));
        parts.addAll(CodegenIdentity.parts(info));
        parts.add(buildOptions);
        parts.add(source);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (String part : parts) {
            bytes.writeBytes(part.getBytes(StandardCharsets.UTF_8));
            bytes.write(0);
        }
        return HexFormat.of().formatHex(CachedBinary.sha256(bytes.toByteArray()));
    }

    /** The verified payload stored under {@code key}, or null when there is none or it is not valid (then deleted). */
    byte[] read(String key) {
        Path path = path(key);
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            return CachedBinary.read(path, key);
        } catch (CachedBinary.InvalidEntryException e) {
            discard(key, e.getMessage());
        } catch (IOException e) {
            discard(key, "unreadable: " + e);
        }
        return null;
    }

    /**
     * Stores {@code program}'s binary under {@code key}. On POCL, asking for the binary compiles a generic
     * work-group function for every kernel of the program, about 0.15 s each on a CPU: so this is done when the
     * device closes, not when the program is built.
     */
    void write(cl_program program, String key) {
        Path path = path(key);
        try {
            byte[] binary = Cl.call("reading the program binary", info.name(), () -> CompilerLock.exclusively(() -> {
                // A program of a context shared by several devices lists each of them, with a binary only for
                // the one device it was built for (the others' sizes are 0).
                int[] devices = new int[1];
                clGetProgramInfo(program, CL_PROGRAM_NUM_DEVICES, Sizeof.cl_uint, Pointer.to(devices), null);
                long[] sizes = new long[Math.max(1, devices[0])];
                clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, (long) Sizeof.size_t * sizes.length,
                        Pointer.to(sizes), null);
                int built = -1;
                for (int d = 0; d < sizes.length; d++) {
                    if (sizes[d] > 0) {
                        if (built >= 0) {
                            return null; // built for several devices: which one is ours is not known here
                        }
                        built = d;
                    }
                }
                if (built < 0 || sizes[built] > CachedBinary.MAX_FILE_BYTES) {
                    return null;
                }
                byte[][] bytes = new byte[sizes.length][];
                Pointer[] targets = new Pointer[sizes.length];
                for (int d = 0; d < sizes.length; d++) {
                    bytes[d] = new byte[(int) sizes[d]];
                    targets[d] = Pointer.to(bytes[d]);
                }
                clGetProgramInfo(program, CL_PROGRAM_BINARIES, (long) Sizeof.POINTER * targets.length,
                        Pointer.to(targets), null);
                return bytes[built];
            }));
            if (binary == null) {
                return;
            }
            Files.createDirectories(dir);
            // Whatever sits on the entry's name was found invalid; an empty folder or a link is removed here.
            Files.deleteIfExists(path);
            Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
            try {
                Files.write(tmp, CachedBinary.encode(key, binary));
                moveAtomically(tmp, path);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException | DeviceException e) {
            LOG.log(Level.DEBUG, "kernel cache entry " + path + " not written: " + e);
        }
    }

    /** Deletes the entry of {@code key}, which the driver or the verification rejected. */
    void discard(String key, String why) {
        Path path = path(key);
        LOG.log(Level.DEBUG, "kernel cache entry " + path + " discarded: " + why);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // Not fatal: the entry is rebuilt in memory now, and write() tries to replace it.
            LOG.log(Level.DEBUG, "kernel cache entry " + path + " not deleted: " + e);
        }
    }

    private Path path(String key) {
        return dir.resolve(key + ".bin");
    }

    private static void moveAtomically(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
