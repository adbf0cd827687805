package dev.jepserve.inference;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The BYTES tensor layout: every element is a 4-byte little-endian unsigned length followed by that many
 * bytes, elements back to back, no padding. Buffers are read from their position to their limit and are
 * never modified.
 */
public final class BytesElements {
    /** Size of the length prefix in front of every element. */
    public static final int LENGTH_PREFIX = 4;

    private BytesElements() {
    }

    /** Receives one element as a range of the buffer being walked (absolute indices). */
    @FunctionalInterface
    public interface ElementVisitor {
        void visit(ByteBuffer data, int offset, int length);
    }

    /**
     * Walks every element; the whole buffer must be consumed exactly.
     *
     * @return the number of elements
     * @throws IllegalArgumentException when a length prefix or an element runs past the end
     */
    public static int forEach(ByteBuffer data, ElementVisitor visitor) {
        ByteBuffer le = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int offset = le.position();
        int end = le.limit();
        int count = 0;
        while (offset < end) {
            if (end - offset < LENGTH_PREFIX) {
                throw new IllegalArgumentException("BYTES element " + count + " has a truncated length prefix ("
                        + (end - offset) + " of " + LENGTH_PREFIX + " bytes)");
            }
            long length = Integer.toUnsignedLong(le.getInt(offset));
            offset += LENGTH_PREFIX;
            if (length > end - offset) {
                throw new IllegalArgumentException("BYTES element " + count + " claims " + length
                        + " bytes but only " + (end - offset) + " remain");
            }
            visitor.visit(data, offset, (int) length);
            offset += (int) length;
            count++;
        }
        return count;
    }

    /** Number of elements. @throws IllegalArgumentException when malformed */
    public static int count(ByteBuffer data) {
        return forEach(data, (buffer, offset, length) -> { });
    }

    /** Copies every element out. @throws IllegalArgumentException when malformed */
    public static List<byte[]> split(ByteBuffer data) {
        List<byte[]> elements = new ArrayList<>();
        forEach(data, (buffer, offset, length) -> {
            byte[] element = new byte[length];
            buffer.get(offset, element);
            elements.add(element);
        });
        return elements;
    }

    /** Bytes needed to hold these elements with their length prefixes. */
    public static long encodedSize(Collection<byte[]> elements) {
        long size = 0;
        for (byte[] element : elements) {
            size += LENGTH_PREFIX + element.length;
        }
        return size;
    }

    /** Writes one element (prefix and bytes) at the buffer's position, advancing it. */
    public static void put(ByteBuffer destination, byte[] element) {
        ByteOrder order = destination.order();
        destination.order(ByteOrder.LITTLE_ENDIAN).putInt(element.length).order(order);
        destination.put(element);
    }

    /** A new little-endian heap buffer holding these elements, positioned at 0. */
    public static ByteBuffer build(Collection<byte[]> elements) {
        long size = encodedSize(elements);
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("BYTES tensor of " + size + " bytes is too large");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] element : elements) {
            put(buffer, element);
        }
        return buffer.flip();
    }
}
