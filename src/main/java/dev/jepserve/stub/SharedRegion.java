package dev.jepserve.stub;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file both the server and a stub map into memory (under {@code /dev/shm} where there is one). It only ever
 * grows, so a view handed out earlier stays valid after the file grew: a larger mapping replaces the current
 * one for new views, and the old mapping lives as long as its views do.
 */
final class SharedRegion {
    private static final int ZEROS = 1 << 20;

    private final Path file;
    private final FileChannel channel;
    /** Covers [0, capacity) of the file as it was when mapped. */
    private volatile MappedByteBuffer mapped;

    private SharedRegion(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Where region files go: /dev/shm (memory) when usable, else the temporary directory. */
    static Path directory() {
        Path shm = Path.of("/dev/shm");
        return Files.isDirectory(shm) && Files.isWritable(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Creates the file with {@code size} bytes, which fails when it exists. */
    static SharedRegion create(Path file, long size) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        SharedRegion region = new SharedRegion(file, channel);
        try {
            region.growTo(size);
        } catch (IOException e) {
            region.delete();
            throw e;
        }
        return region;
    }

    /** Opens a region the other process created. */
    static SharedRegion open(Path file) throws IOException {
        return new SharedRegion(file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE));
    }

    String key() {
        return file.getFileName().toString();
    }

    Path file() {
        return file;
    }

    long size() throws IOException {
        return channel.size();
    }

    /**
     * Makes the file {@code size} bytes long by writing zeros, so its memory is reserved now: a full
     * {@code /dev/shm} fails here with an IOException, never later as a fault in whoever touches the page.
     */
    synchronized void growTo(long size) throws IOException {
        long position = channel.size();
        ByteBuffer zeros = ByteBuffer.allocateDirect((int) Math.min(ZEROS, Math.max(1, size - position)));
        while (position < size) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), size - position));
            while (zeros.hasRemaining()) {
                position += channel.write(zeros, position);
            }
        }
    }

    /** A direct little-endian view of [offset, offset + length), mapping the grown file when needed. */
    ByteBuffer slice(long offset, int length) throws IOException {
        return mapping(offset + length).slice((int) offset, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The whole current mapping, covering at least [0, needed): the same object until the file grew past it and a
     * caller needed more, so a view of it can be kept and reused.
     */
    MappedByteBuffer mapping(long needed) throws IOException {
        MappedByteBuffer current = mapped;
        return current == null || needed > current.capacity() ? remap(needed) : current;
    }

    private synchronized MappedByteBuffer remap(long needed) throws IOException {
        MappedByteBuffer current = mapped;
        if (current != null && needed <= current.capacity()) {
            return current;
        }
        long size = channel.size();
        if (needed > size) {
            throw new IOException("region '" + key() + "' holds " + size + " bytes, not " + needed);
        }
        current = channel.map(FileChannel.MapMode.READ_WRITE, 0, size);
        mapped = current;
        return current;
    }

    /** Closes the file and removes it; views already handed out stay readable until they are collected. */
    void delete() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // removing it anyway
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // nothing more to do; a leftover file is removed at the next start (StubRegions.removeStale)
        }
    }
}
