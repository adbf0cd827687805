package dev.jepserve.http.codec;

import dev.jepserve.inference.TritonException;

import java.util.Arrays;

/**
 * Checks that a JSON {@code data} array is rectangular while it is streamed: every array at one depth has the
 * same length and every value sits at the same depth. A flat array and any regular nesting pass (Triton only
 * counts the values, so {@code [[1,2],[3],[4]]} passed for shape [4]); a ragged one is refused.
 */
final class NestingCheck {
    static final String RAGGED = "Unable to parse 'data': the nested arrays are ragged (arrays of one depth differ "
            + "in length, or values sit at different depths), so their shape does not match the input's shape";

    private int[] lengthAt = new int[8];
    private int[] countAt = new int[8];
    private int leafDepth = -1;

    NestingCheck() {
        Arrays.fill(lengthAt, -1);
    }

    /** An array opened; {@code depth} counts it (the outermost array is depth 1). */
    void open(int depth) {
        grow(depth);
        if (depth > 1) {
            element(depth - 1);
        }
        countAt[depth] = 0;
    }

    /** A value at {@code depth}. */
    void value(int depth) {
        if (leafDepth < 0) {
            leafDepth = depth;
        } else if (leafDepth != depth) {
            throw ragged();
        }
        element(depth);
    }

    /** The array at {@code depth} closed. */
    void close(int depth) {
        if (lengthAt[depth] < 0) {
            lengthAt[depth] = countAt[depth];
        } else if (lengthAt[depth] != countAt[depth]) {
            throw ragged();
        }
    }

    private void element(int depth) {
        countAt[depth]++;
    }

    private void grow(int depth) {
        if (depth >= lengthAt.length) {
            int size = Math.max(depth + 1, lengthAt.length * 2);
            int old = lengthAt.length;
            lengthAt = Arrays.copyOf(lengthAt, size);
            countAt = Arrays.copyOf(countAt, size);
            Arrays.fill(lengthAt, old, size, -1);
        }
    }

    private static TritonException ragged() {
        return TritonException.invalidArg(RAGGED);
    }
}
