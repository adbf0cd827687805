package dev.jepserve.stub;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Unpacks a {@code .tar.gz} (ustar, GNU long names, pax path headers: what conda-pack and Python's tarfile
 * write) into a directory, refusing archives that would write outside it: a member path that is absolute or
 * contains {@code ..} (Triton's texts), or one that leads through a link out of the directory.
 */
final class SafeTarGz {
    private static final int BLOCK = 512;

    private SafeTarGz() {
    }

    /** Thrown for an archive that is refused; the message is the reason. */
    static final class RefusedArchiveException extends IOException {
        RefusedArchiveException(String message) {
            super(message);
        }
    }

    static void extract(Path archive, Path target) throws IOException {
        Files.createDirectories(target);
        Path root = target.toRealPath();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(archive), 1 << 16)) {
            String longName = null;
            String longLink = null;
            byte[] header = new byte[BLOCK];
            while (readFully(in, header)) {
                if (isZero(header)) {
                    break;
                }
                String name = longName != null ? longName : headerName(header);
                String link = longLink != null ? longLink : text(header, 157, 100);
                longName = null;
                longLink = null;
                long size = octal(header, 124, 12);
                char type = (char) header[156];
                switch (type) {
                    case 'L' -> longName = stripNul(new String(readData(in, size), StandardCharsets.UTF_8));
                    case 'K' -> longLink = stripNul(new String(readData(in, size), StandardCharsets.UTF_8));
                    case 'x' -> {
                        String[] pax = paxPaths(readData(in, size));
                        longName = pax[0];
                        longLink = pax[1];
                    }
                    case 'g' -> skip(in, size);
                    default -> {
                        Path destination = checked(root, name);
                        int mode = (int) octal(header, 100, 8);
                        if (!destination.equals(root)) {
                            insideRoot(root, destination.getParent(), name);
                            Files.createDirectories(destination.getParent());
                        }
                        switch (type) {
                            case '5' -> Files.createDirectories(destination);
                            case '2' -> {
                                Files.deleteIfExists(destination);
                                Files.createSymbolicLink(destination, Path.of(link));
                            }
                            case '1' -> {
                                Path source = checked(root, link);
                                Files.copy(source, destination);
                            }
                            case '0', '\0', '7' -> {
                                Files.deleteIfExists(destination);
                                try (OutputStream out = Files.newOutputStream(destination)) {
                                    copy(in, out, size);
                                }
                                skip(in, padding(size));
                                setMode(destination, mode);
                                continue;
                            }
                            default -> {
                                // devices, fifos: an environment has none worth keeping
                            }
                        }
                        skip(in, size + padding(size));
                    }
                }
            }
        }
    }

    /** The member's place under root, or a refusal with Triton's text. */
    private static Path checked(Path root, String name) throws IOException {
        String relative = name;
        if (relative.startsWith("/")) {
            throw new RefusedArchiveException("Path is absolute: '" + name + "'");
        }
        for (String part : relative.split("/")) {
            if (part.equals("..")) {
                throw new RefusedArchiveException("Path contains '..': '" + name + "'");
            }
        }
        while (relative.startsWith("./")) {
            relative = relative.substring(2);
        }
        Path destination = root.resolve(relative).normalize();
        if (!destination.startsWith(root)) {
            throw new RefusedArchiveException("Path is outside the environment: '" + name + "'");
        }
        return destination;
    }

    /**
     * Nothing may be written through a link that leads out of the environment: the nearest existing ancestor
     * of the member's directory, links followed, must be inside it (checked before anything is created).
     */
    private static void insideRoot(Path root, Path directory, String name) throws IOException {
        Path existing = directory;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !existing.toRealPath().startsWith(root)) {
            throw new RefusedArchiveException("Path leads outside the environment through a link: '" + name + "'");
        }
    }

    private static void setMode(Path file, int mode) {
        Set<PosixFilePermission> permissions = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ ... OTHERS_EXECUTE, high to low
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (1 << (8 - i))) != 0) {
                permissions.add(bits[i]);
            }
        }
        try {
            if (!Files.isSymbolicLink(file)) {
                Files.setPosixFilePermissions(file, permissions);
            }
        } catch (IOException | UnsupportedOperationException ignored) {
            // the default permissions will do
        }
    }

    private static String headerName(byte[] header) {
        String name = text(header, 0, 100);
        String prefix = new String(header, 257, 5, StandardCharsets.US_ASCII).equals("ustar") ? text(header, 345, 155) : "";
        return prefix.isEmpty() ? name : prefix + "/" + name;
    }

    /** path and linkpath of a pax extended header ("<len> key=value\n" records). */
    private static String[] paxPaths(byte[] data) {
        String[] found = new String[2];
        String text = new String(data, StandardCharsets.UTF_8);
        int at = 0;
        while (at < text.length()) {
            int space = text.indexOf(' ', at);
            if (space < 0) {
                break;
            }
            int length = Integer.parseInt(text.substring(at, space));
            String record = text.substring(space + 1, Math.min(text.length(), at + length - 1));
            if (record.startsWith("path=")) {
                found[0] = record.substring(5);
            } else if (record.startsWith("linkpath=")) {
                found[1] = record.substring(9);
            }
            at += length;
        }
        return found;
    }

    private static String text(byte[] header, int offset, int length) {
        int end = offset;
        while (end < offset + length && header[end] != 0) {
            end++;
        }
        return new String(header, offset, end - offset, StandardCharsets.UTF_8);
    }

    private static String stripNul(String text) {
        int nul = text.indexOf('\0');
        return nul < 0 ? text : text.substring(0, nul);
    }

    private static long octal(byte[] header, int offset, int length) throws IOException {
        if ((header[offset] & 0x80) != 0) { // GNU base-256 for large sizes
            long value = header[offset] & 0x7f;
            for (int i = 1; i < length; i++) {
                value = (value << 8) | (header[offset + i] & 0xff);
            }
            return value;
        }
        String digits = text(header, offset, length).trim();
        try {
            return digits.isEmpty() ? 0 : Long.parseLong(digits, 8);
        } catch (NumberFormatException e) {
            throw new RefusedArchiveException("not a tar archive");
        }
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static long padding(long size) {
        return (BLOCK - size % BLOCK) % BLOCK;
    }

    private static byte[] readData(InputStream in, long size) throws IOException {
        if (size > 1 << 20) {
            throw new RefusedArchiveException("a tar header is too large");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size);
        copy(in, out, size);
        skip(in, padding(size));
        return out.toByteArray();
    }

    private static void copy(InputStream in, OutputStream out, long size) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = size;
        while (left > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (read < 0) {
                throw new RefusedArchiveException("the archive ends inside a member");
            }
            out.write(buffer, 0, read);
            left -= read;
        }
    }

    private static void skip(InputStream in, long size) throws IOException {
        copy(in, OutputStream.nullOutputStream(), size);
    }

    private static boolean readFully(InputStream in, byte[] block) throws IOException {
        int at = 0;
        while (at < block.length) {
            int read = in.read(block, at, block.length - at);
            if (read < 0) {
                return false;
            }
            at += read;
        }
        return true;
    }
}
