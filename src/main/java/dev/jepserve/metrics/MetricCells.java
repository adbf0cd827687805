package dev.jepserve.metrics;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;

/**
 * A table of 8-byte metric values in a file that the server and every stub process map: the value of each custom
 * counter or gauge series lives in one cell, so a stub's {@code increment()}, {@code set()} and {@code value()}
 * are atomic operations on shared memory, with no message and no round trip, and a series shared by several
 * stubs has one value that all of them see at once (a compare-and-set on the same physical memory is atomic
 * across processes).
 *
 * <p>The server allocates cells (one per series) and frees them when a series is gone. Freed cells are reused
 * oldest first, so a cell is never handed out again while a late write to its previous series could still be on
 * its way.
 */
public final class MetricCells implements AutoCloseable {
    /** The default table: 128 Ki series (1 MiB); series beyond it keep their value on the server's heap. */
    public static final int DEFAULT_CAPACITY = 128 * 1024;

    private static final VarHandle CELLS = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final long ZERO_BITS = Double.doubleToRawLongBits(0.0);

    private final Path file;
    private final ByteBuffer table;
    private final int capacity;
    /** Server side only: cells never handed out start at {@code nextUnused}; freed ones queue here. */
    private final ArrayDeque<Integer> freed = new ArrayDeque<>();
    private int nextUnused;

    private MetricCells(Path file, ByteBuffer table) {
        this.file = file;
        this.table = table;
        this.capacity = table.capacity() / Long.BYTES;
    }

    /** Creates the table file (server side); it must not exist. */
    public static MetricCells create(Path file, int capacity) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(1), (long) capacity * Long.BYTES - 1);
            return new MetricCells(file, channel.map(FileChannel.MapMode.READ_WRITE, 0, (long) capacity * Long.BYTES));
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        }
    }

    /** Maps a table the server created (stub side). */
    public static MetricCells open(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return new MetricCells(file, channel.map(FileChannel.MapMode.READ_WRITE, 0, channel.size()));
        }
    }

    public Path file() {
        return file;
    }

    /** A cell at 0 for a new series, or null when the table is full. */
    synchronized Cell allocate() {
        int index;
        if (nextUnused < capacity) {
            index = nextUnused++;
        } else if (!freed.isEmpty()) {
            index = freed.poll();
        } else {
            return null;
        }
        CELLS.setVolatile(table, offset(index), ZERO_BITS);
        return new Cell(index);
    }

    /** The cell the server allocated at {@code index} (stub side). */
    public Cell cell(long index) {
        if (index < 0 || index >= capacity) {
            throw new IllegalArgumentException("no metric cell " + index);
        }
        return new Cell((int) index);
    }

    private synchronized void free(int index) {
        freed.add(index);
    }

    private static int offset(int index) {
        return index * Long.BYTES;
    }

    /** Removes the file; mappings already made stay valid until the processes holding them exit. */
    @Override
    public void close() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a leftover file is removed by the next server's start
        }
    }

    /** One series' value in the table. */
    public final class Cell implements ValueCell {
        private final int index;

        private Cell(int index) {
            this.index = index;
        }

        /** Its position, which names it to a stub. */
        public int index() {
            return index;
        }

        @Override
        public double get() {
            return Double.longBitsToDouble((long) CELLS.getVolatile(table, offset(index)));
        }

        @Override
        public void add(double amount) {
            int at = offset(index);
            long current;
            do {
                current = (long) CELLS.getVolatile(table, at);
            } while (!CELLS.compareAndSet(table, at, current,
                    Double.doubleToRawLongBits(Double.longBitsToDouble(current) + amount)));
        }

        @Override
        public void set(double value) {
            CELLS.setVolatile(table, offset(index), Double.doubleToRawLongBits(value));
        }

        @Override
        public void free() {
            MetricCells.this.free(index);
        }
    }
}
