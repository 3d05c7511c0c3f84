package dev.clnn.backend;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.Set;

/**
 * The methods a compiled class calls, read from its constant pool (JVMS §4.4): every Methodref and
 * InterfaceMethodref as {@code owner.name}, with the owner's binary name ({@code dev.clnn.backend.Backend}). Calls in
 * lambdas and method references land in the same pool, so they count too.
 */
final class ClassFileMethodRefs {
    private static final int UTF8 = 1;
    private static final int LONG = 5;
    private static final int DOUBLE = 6;
    private static final int CLASS = 7;
    private static final int METHOD_REF = 10;
    private static final int INTERFACE_METHOD_REF = 11;
    private static final int NAME_AND_TYPE = 12;
    private static final int METHOD_HANDLE = 15;

    private ClassFileMethodRefs() {
    }

    static Set<String> of(Class<?> type) {
        String resource = "/" + type.getName().replace('.', '/') + ".class";
        try (InputStream raw = type.getResourceAsStream(resource)) {
            if (raw == null) {
                throw new IllegalStateException(resource + " is not on the classpath");
            }
            return read(new DataInputStream(raw));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static Set<String> read(DataInputStream in) throws IOException {
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort(); // minor version
        in.readUnsignedShort(); // major version
        int count = in.readUnsignedShort();
        int[] tags = new int[count];
        String[] utf8 = new String[count];
        int[] first = new int[count];
        int[] second = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            tags[i] = tag;
            switch (tag) {
                case UTF8 -> utf8[i] = in.readUTF();
                case CLASS, 8, 16, 19, 20 -> first[i] = in.readUnsignedShort();
                case 3, 4 -> in.readInt();
                case LONG, DOUBLE -> {
                    in.readLong();
                    i++; // 8-byte constants take two slots
                }
                case 9, METHOD_REF, INTERFACE_METHOD_REF, NAME_AND_TYPE, 17, 18 -> {
                    first[i] = in.readUnsignedShort();
                    second[i] = in.readUnsignedShort();
                }
                case METHOD_HANDLE -> {
                    in.readUnsignedByte();
                    in.readUnsignedShort();
                }
                default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
            }
        }
        Set<String> refs = new HashSet<>();
        for (int i = 1; i < count; i++) {
            if (tags[i] == METHOD_REF || tags[i] == INTERFACE_METHOD_REF) {
                String owner = utf8[first[first[i]]].replace('/', '.');
                String name = utf8[first[second[i]]];
                refs.add(owner + "." + name);
            }
        }
        return refs;
    }
}
