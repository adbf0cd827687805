package dev.jepserve.inference;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInput;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Checks an inference request against the model's config the way Triton's core does before scheduling
 * (InferenceRequest::Normalize and its input validation), in Triton's order and with Triton's texts. Errors are
 * INVALID_ARG. Like Triton, messages built by the request carry a {@code [request id: <id>] } prefix, while the
 * two that come from the model's name lookups (unknown input, unknown output) do not.
 */
public final class RequestValidator {
    private static final long WILDCARD = -1;
    private static final int BYTES_LENGTH_PREFIX = 4;

    private RequestValidator() {
    }

    /** @throws TritonException INVALID_ARG describing the first problem found */
    public static void validate(InferenceRequest request, ModelConfig config) {
        new Check(request, config).run();
    }

    /**
     * The request's batch size: 1 for models without batching (max_batch_size 0), otherwise the first dimension
     * of its first input (1 when it has no input). Meaningful for a request that passed {@link #validate}.
     */
    public static int batchSize(InferenceRequest request, ModelConfig config) {
        if (config.getMaxBatchSize() == 0 || request.inputs().isEmpty()) {
            return 1;
        }
        long[] shape = request.inputs().get(0).shape();
        return shape.length == 0 ? 1 : (int) Math.max(1, Math.min(shape[0], Integer.MAX_VALUE));
    }

    /** One validation run; holds what every step needs. */
    private static final class Check {
        private final InferenceRequest request;
        private final ModelConfig config;
        private final String model;
        private final String prefix;
        private final Map<String, ModelInput> inputsByName = new HashMap<>();

        Check(InferenceRequest request, ModelConfig config) {
            this.request = request;
            this.config = config;
            this.model = config.getName();
            this.prefix = "[request id: " + (request.id().isEmpty() ? "<id_unknown>" : request.id()) + "] ";
            for (ModelInput input : config.getInputList()) {
                inputsByName.putIfAbsent(input.getName(), input);
            }
        }

        void run() {
            checkNoDuplicateInputs();
            checkRequestedOutputs();
            checkInputCount();
            if (config.getMaxBatchSize() > 0) {
                checkBatchSize();
            }
            for (Tensor input : request.inputs()) {
                checkDataTypeAndShape(input);
            }
            for (Tensor input : request.inputs()) {
                checkByteSize(input);
            }
        }

        private TritonException error(String message) {
            return TritonException.invalidArg(prefix + message);
        }

        private void checkNoDuplicateInputs() {
            Set<String> seen = new HashSet<>();
            for (Tensor input : request.inputs()) {
                if (!seen.add(input.name())) {
                    throw error("input '" + input.name() + "' already exists in request");
                }
            }
        }

        private void checkRequestedOutputs() {
            Set<String> outputs = new HashSet<>();
            config.getOutputList().forEach(output -> outputs.add(output.getName()));
            for (String name : request.requestedOutputs()) {
                if (!outputs.contains(name)) {
                    throw TritonException.invalidArg(
                            "unexpected inference output '" + name + "' for model '" + model + "'");
                }
            }
        }

        private void checkInputCount() {
            List<String> missing = new ArrayList<>();
            int required = 0;
            for (ModelInput input : config.getInputList()) {
                if (!input.getOptional()) {
                    required++;
                    if (request.input(input.getName()) == null) {
                        missing.add(input.getName());
                    }
                }
            }
            int given = request.inputs().size();
            int declared = config.getInputCount();
            if (given <= declared && missing.isEmpty()) {
                return;
            }
            String expected = required == declared
                    ? "expected " + declared + " inputs"
                    : "expected number of inputs between " + required + " and " + declared;
            throw error(expected + " but got " + given + " inputs for model '" + model + "'. Got input(s) "
                    + quotedList(request.inputs().stream().map(Tensor::name).toList())
                    + ", but missing required input(s) " + missingList(missing)
                    + ". Please provide all required input(s).");
        }

        private static String quotedList(List<String> names) {
            StringJoiner joiner = new StringJoiner(",", "[", "]");
            names.forEach(name -> joiner.add("'" + name + "'"));
            return joiner.toString();
        }

        /** Triton builds this list by trimming a trailing comma, which eats the '[' when nothing is missing. */
        private static String missingList(List<String> missing) {
            return missing.isEmpty() ? "]" : quotedList(missing);
        }

        private ModelInput configOf(Tensor input) {
            ModelInput inputConfig = inputsByName.get(input.name());
            if (inputConfig == null) {
                throw TritonException.invalidArg(
                        "unexpected inference input '" + input.name() + "' for model '" + model + "'");
            }
            return inputConfig;
        }

        private void checkBatchSize() {
            long batchSize = 0;
            for (Tensor input : request.inputs()) {
                configOf(input);
                long[] shape = input.shape();
                if (shape.length == 0) {
                    throw error("input '" + input.name() + "' has no shape but model requires batch dimension for '"
                            + model + "'");
                }
                if (shape[0] < 1) {
                    throw error("inference request batch-size must be >= 1 for '" + model + "'");
                }
                if (batchSize == 0) {
                    batchSize = shape[0];
                } else if (shape[0] != batchSize) {
                    throw error("input '" + input.name() + "' batch size does not match other inputs for '"
                            + model + "'");
                }
            }
            if (batchSize > config.getMaxBatchSize()) {
                throw error("inference request batch-size must be <= " + config.getMaxBatchSize() + " for '"
                        + model + "'");
            }
        }

        private void checkDataTypeAndShape(Tensor input) {
            ModelInput inputConfig = configOf(input);
            DataType expected = DataType.fromConfig(inputConfig.getDataType());
            if (input.dataType() != expected) {
                throw error("inference input '" + input.name() + "' data-type is '" + protocolName(input.dataType())
                        + "', but model '" + model + "' expects '" + protocolName(expected) + "'");
            }
            long[] shape = input.shape();
            int batchDims = config.getMaxBatchSize() > 0 ? 1 : 0;
            List<Long> configDims = inputConfig.getDimsList();
            boolean matches = shape.length - batchDims == configDims.size();
            for (int i = 0; matches && i < configDims.size(); i++) {
                long dim = shape[i + batchDims];
                if (dim == WILDCARD) {
                    throw error("All input dimensions should be specified for input '" + input.name()
                            + "' for model '" + model + "', got " + dimsText(shape));
                }
                matches = configDims.get(i) == WILDCARD || configDims.get(i) == dim;
            }
            if (!matches) {
                throw error("unexpected shape for input '" + input.name() + "' for model '" + model + "'. Expected "
                        + expectedDimsText(configDims) + ", got " + dimsText(shape) + ". " + batchNote());
            }
        }

        private String expectedDimsText(List<Long> configDims) {
            StringJoiner joiner = new StringJoiner(",", "[", "]");
            if (config.getMaxBatchSize() > 0) {
                joiner.add(Long.toString(WILDCARD));
            }
            configDims.forEach(dim -> joiner.add(Long.toString(dim)));
            return joiner.toString();
        }

        private String batchNote() {
            if (config.getMaxBatchSize() == 0) {
                return "";
            }
            return "NOTE: Setting a non-zero max_batch_size in the model config requires a batch dimension to be "
                    + "prepended to each input shape. If you want to specify the full shape including the batch dim "
                    + "in your input dims config, try setting max_batch_size to zero. See the model configuration "
                    + "docs for more info on max_batch_size.";
        }

        private void checkByteSize(Tensor input) {
            if (input.dataType() == DataType.BYTES) {
                checkBytesElements(input);
                return;
            }
            long expected = saturatedByteSize(input.shape(), input.dataType().byteSize());
            if (expected != input.byteSize()) {
                throw error("input byte size mismatch for input '" + input.name() + "' for model '" + model
                        + "'. Expected " + expected + ", got " + input.byteSize());
            }
        }

        /** Walks the 4-byte little-endian length prefixes of a BYTES tensor and counts its elements. */
        private void checkBytesElements(Tensor input) {
            long expectedCount = Tensor.elementCount(input.shape());
            ByteBuffer data = input.data().order(ByteOrder.LITTLE_ENDIAN);
            String where = " for inference input '" + input.name() + "' for model '" + model + "'";
            long count = 0;
            while (data.hasRemaining()) {
                if (data.remaining() < BYTES_LENGTH_PREFIX) {
                    throw error("incomplete string length indicator" + where + ", expecting " + BYTES_LENGTH_PREFIX
                            + " bytes but only " + data.remaining() + " bytes available. Please make sure the "
                            + "string length indicator is in one buffer.");
                }
                long length = Integer.toUnsignedLong(data.getInt());
                count++;
                if (count > expectedCount) {
                    throw error("unexpected number of string elements " + count + where + ", expecting "
                            + expectedCount);
                }
                if (length > data.remaining()) {
                    throw error("incomplete string data" + where + ", expecting string of length " + length
                            + " but only " + data.remaining() + " bytes available");
                }
                data.position(data.position() + (int) length);
            }
            if (count != expectedCount) {
                throw error("expected " + expectedCount + " string elements" + where + ", got " + count);
            }
        }
    }

    private static String protocolName(DataType type) {
        return type == null ? "<invalid>" : type.protocolName();
    }

    private static String dimsText(long[] dims) {
        StringJoiner joiner = new StringJoiner(",", "[", "]");
        for (long dim : dims) {
            joiner.add(Long.toString(dim));
        }
        return joiner.toString();
    }

    /** Element count times element size, capped at Long.MAX_VALUE (an absurd shape must not wrap around). */
    private static long saturatedByteSize(long[] shape, int elementSize) {
        for (long dim : shape) {
            if (dim == 0) {
                return 0;
            }
        }
        try {
            long bytes = elementSize;
            for (long dim : shape) {
                bytes = Math.multiplyExact(bytes, dim);
            }
            return bytes;
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}
