package dev.jepserve.http.codec;

import dev.jepserve.inference.TritonException;

import java.util.Arrays;
import java.util.List;

/**
 * The shape a generate input gets, since the request gives only its elements: the model's shape (its config
 * dims, behind a batch dimension when the model batches) with the variable dimensions filled in. The fixed
 * dimensions are divided out of the element count and the rest goes to the innermost variable dimension; every
 * other variable dimension (the batch one included) is 1. Without variable dimensions the shape is the model's,
 * and the server's validation reports a count that does not match it.
 */
final class GenerateShape {
    private GenerateShape() {
    }

    static long[] fit(String input, long count, List<Long> dims, boolean batching) {
        long[] shape = new long[dims.size() + (batching ? 1 : 0)];
        int first = 0;
        if (batching) {
            shape[0] = -1;
            first = 1;
        }
        for (int i = 0; i < dims.size(); i++) {
            shape[first + i] = dims.get(i);
        }
        long fixed = 1;
        int innermostVariable = -1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                innermostVariable = i;
            } else {
                fixed *= shape[i];
            }
        }
        if (innermostVariable < 0) {
            return shape;
        }
        if (fixed == 0 ? count != 0 : count % fixed != 0) {
            throw TritonException.invalidArg("unable to fit " + count + " elements of input '" + input
                    + "' into its shape " + Arrays.toString(shape).replace(" ", ""));
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                shape[i] = i == innermostVariable ? (fixed == 0 ? 0 : count / fixed) : 1;
            }
        }
        return shape;
    }
}
