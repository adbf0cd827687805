package dev.jepserve.config;

import dev.jepserve.config.proto.DataType;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.config.proto.ModelOutput;
import dev.jepserve.config.proto.ModelTensorReshape;
import dev.jepserve.inference.TritonException;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks each configured input and output (Triton's ValidateModelInput/ValidateModelOutput): a name, a data
 * type, dims of positive sizes or -1, a reshape compatible with the dims, and no TensorRT-only options. Messages
 * end with " for <model>" as Triton's do.
 */
final class TensorConfigValidator {
    private static final long WILDCARD = -1;

    private TensorConfigValidator() {
    }

    static void validateInputsAndOutputs(ModelConfig config) {
        String suffix = " for " + config.getName();
        Set<String> inputNames = new HashSet<>();
        for (ModelInput input : config.getInputList()) {
            String prefix = "model input ";
            validateTensor(prefix, input.getName(), input.getDataType(), input.getDimsList(),
                    input.hasReshape() ? input.getReshape() : null, config.getMaxBatchSize(), suffix);
            if ((input.getFormat() == ModelInput.Format.FORMAT_NHWC
                    || input.getFormat() == ModelInput.Format.FORMAT_NCHW) && input.getDimsCount() != 3) {
                throw TritonException.invalidArg("model input NHWC/NCHW require 3 dims" + suffix);
            }
            validateTensorRtOnlyOptions(input.getIsShapeTensor(), input.getIsNonLinearFormatIo(), suffix);
            if (!inputNames.add(input.getName())) {
                throw TritonException.invalidArg(prefix + "'" + input.getName() + "' is specified more than once"
                        + suffix);
            }
        }
        Set<String> outputNames = new HashSet<>();
        for (ModelOutput output : config.getOutputList()) {
            String prefix = "model output ";
            validateTensor(prefix, output.getName(), output.getDataType(), output.getDimsList(),
                    output.hasReshape() ? output.getReshape() : null, config.getMaxBatchSize(), suffix);
            validateTensorRtOnlyOptions(output.getIsShapeTensor(), output.getIsNonLinearFormatIo(), suffix);
            if (!outputNames.add(output.getName())) {
                throw TritonException.invalidArg(prefix + "'" + output.getName() + "' is specified more than once"
                        + suffix);
            }
        }
    }

    private static void validateTensor(String prefix, String name, DataType dataType, List<Long> dims,
                                       ModelTensorReshape reshape, int maxBatchSize, String suffix) {
        if (name.isEmpty()) {
            throw TritonException.invalidArg(prefix + "must specify 'name'" + suffix);
        }
        String named = prefix + "'" + name + "' ";
        if (dataType == DataType.TYPE_INVALID) {
            throw TritonException.invalidArg(named + "must specify 'data_type'" + suffix);
        }
        if (dims.isEmpty()) {
            throw TritonException.invalidArg(named + "must specify 'dims'" + suffix);
        }
        if (reshape != null && reshape.getShapeCount() == 0 && maxBatchSize == 0) {
            throw TritonException.invalidArg(named + "cannot have empty reshape for non-batching model as scalar "
                    + "tensors are not supported" + suffix);
        }
        for (long dim : dims) {
            if (dim < 1 && dim != WILDCARD) {
                throw TritonException.invalidArg(named + "dimension must be integer >= 1, or " + WILDCARD
                        + " to indicate a variable-size dimension" + suffix);
            }
        }
        if (reshape != null) {
            validateReshape(named, dims, reshape.getShapeList(), suffix);
        }
    }

    private static void validateReshape(String named, List<Long> dims, List<Long> shape, String suffix) {
        for (long dim : shape) {
            if (dim < 1 && dim != WILDCARD) {
                throw TritonException.invalidArg(named + "reshape dimensions must be integer >= 1, or " + WILDCARD
                        + " to indicate a variable-size dimension" + suffix);
            }
        }
        long dimsSize = elementCount(dims);
        long reshapeSize = elementCount(shape);
        // An empty reshape (a scalar) is allowed for dims with exactly one element.
        if (dimsSize != reshapeSize && (reshapeSize != 0 || dimsSize != 1)) {
            throw TritonException.invalidArg(named + "has different size for dims and reshape" + suffix);
        }
        if (dimsSize == WILDCARD) {
            // Compare the element counts of the runs between variable-size dimensions.
            List<Long> dimRuns = runsBetweenWildcards(dims);
            List<Long> reshapeRuns = runsBetweenWildcards(shape);
            if (dimRuns.size() != reshapeRuns.size()) {
                throw TritonException.invalidArg(named
                        + "has different number of variable-size dimensions for dims and reshape" + suffix);
            }
            if (!dimRuns.equals(reshapeRuns)) {
                throw TritonException.invalidArg(named + "has different size for dims and reshape" + suffix);
            }
        }
    }

    /** Triton's GetElementCount: -1 when any dimension is variable, 0 for an empty list. */
    private static long elementCount(List<Long> dims) {
        if (dims.isEmpty()) {
            return 0;
        }
        long count = 1;
        for (long dim : dims) {
            if (dim == WILDCARD) {
                return WILDCARD;
            }
            count *= dim;
        }
        return count;
    }

    private static List<Long> runsBetweenWildcards(List<Long> dims) {
        List<Long> runs = new ArrayList<>();
        long current = 1;
        for (long dim : dims) {
            if (dim == WILDCARD) {
                runs.add(current);
                current = 1;
            } else {
                current *= dim;
            }
        }
        runs.add(current);
        return runs;
    }

    private static void validateTensorRtOnlyOptions(boolean isShapeTensor, boolean isNonLinearFormat, String suffix) {
        if (isShapeTensor) {
            throw TritonException.invalidArg("shape tensors are only supported for TensorRT platform" + suffix);
        }
        if (isNonLinearFormat) {
            throw TritonException.invalidArg("Non-linear IO format is only supported for the TensorRT platform"
                    + suffix);
        }
    }
}
