package dev.jepserve.inference;

import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Whether two requests may share one execute() call: the same inputs with equal shapes (beyond the batch
 * dimension), except inputs declared allow_ragged_batch, as Triton's dynamic batcher requires.
 */
final class BatchShapes {
    private final Set<String> raggedInputs;
    private final boolean hasBatchDimension;

    BatchShapes(Set<String> raggedInputs, boolean hasBatchDimension) {
        this.raggedInputs = raggedInputs;
        this.hasBatchDimension = hasBatchDimension;
    }

    boolean compatible(InferenceRequest first, InferenceRequest other) {
        List<Tensor> inputs = first.inputs();
        if (inputs.size() != other.inputs().size()) {
            return false;
        }
        for (Tensor input : inputs) {
            Tensor match = other.input(input.name());
            if (match == null) {
                return false;
            }
            if (!raggedInputs.contains(input.name()) && !sameItemShape(input.shape(), match.shape())) {
                return false;
            }
        }
        return true;
    }

    private boolean sameItemShape(long[] a, long[] b) {
        int skip = hasBatchDimension ? 1 : 0;
        if (a.length != b.length || a.length < skip) {
            return false;
        }
        return Arrays.equals(a, skip, a.length, b, skip, b.length);
    }
}
