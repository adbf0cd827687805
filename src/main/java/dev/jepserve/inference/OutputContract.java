package dev.jepserve.inference;

import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelOutput;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a model's responses must hold, from config.pbtxt: each output is configured, appears once, has the
 * configured datatype and a shape that matches the configured dims (-1 matches any size; with max_batch_size
 * above 0 the first dimension is the batch and any size), its bytes fit its shape, and every output the
 * client named is there (a client that named none gets what the model returned). A response that breaks one of these fails its request with an error instead of
 * reaching the client wrong; outputs the request did not ask for are dropped after the checks.
 *
 * <p>Triton checks only the name (its core's "unexpected inference output" text, INVALID_ARG); the other
 * checks are stricter than Triton, whose clients receive whatever the model returned, and answer INTERNAL
 * (a model fault). Outputs with a {@code reshape} are not shape-checked.
 */
public final class OutputContract {
    /** No checks and no pruning: for models without a config (tests, the benchmark floor). */
    public static final OutputContract NONE = new OutputContract("", Map.of(), false);

    private final String modelName;
    private final Map<String, Spec> outputs;
    private final boolean batching;

    private record Spec(DataType type, long[] dims, boolean reshaped) {
    }

    private OutputContract(String modelName, Map<String, Spec> outputs, boolean batching) {
        this.modelName = modelName;
        this.outputs = outputs;
        this.batching = batching;
    }

    /** The contract of a model's config; a config with no outputs declares nothing to check (as NONE). */
    public static OutputContract from(ModelConfig config) {
        Map<String, Spec> outputs = new LinkedHashMap<>();
        for (ModelOutput output : config.getOutputList()) {
            DataType type = DataType.fromConfig(output.getDataType());
            long[] dims = output.getDimsList().stream().mapToLong(Long::longValue).toArray();
            outputs.put(output.getName(), new Spec(type, dims, output.hasReshape()));
        }
        if (outputs.isEmpty()) {
            return NONE;
        }
        return new OutputContract(config.getName(), outputs, config.getMaxBatchSize() > 0);
    }

    /**
     * @return the response with only the requested outputs (the same object when nothing was dropped)
     * @throws TritonException when the response breaks the contract
     */
    public InferenceResponse check(InferenceRequest request, InferenceResponse response) {
        if (outputs.isEmpty()) {
            return response;
        }
        List<String> requested = request.requestedOutputs();
        Set<String> seen = new HashSet<>();
        List<Tensor> kept = new ArrayList<>(response.outputs().size());
        for (Tensor tensor : response.outputs()) {
            String name = tensor.name();
            Spec spec = outputs.get(name);
            if (spec == null) {
                throw TritonException.invalidArg("unexpected inference output '" + name + "' for model '"
                        + modelName + "'");
            }
            if (!seen.add(name)) {
                throw TritonException.internal("output '" + name + "' appears more than once in a response of "
                        + "model '" + modelName + "'");
            }
            if (spec.type() != null && tensor.dataType() != spec.type()) {
                throw TritonException.internal("unexpected datatype " + tensor.dataType().protocolName()
                        + " for inference output '" + name + "' of model '" + modelName + "', expecting "
                        + spec.type().protocolName());
            }
            long[] shape = tensor.shape();
            if (!spec.reshaped() && !matches(shape, spec.dims())) {
                throw TritonException.internal("unexpected shape for output '" + name + "' of model '"
                        + modelName + "'. Expected " + expected(spec.dims()) + ", got " + text(shape));
            }
            if (tensor.dataType().isFixedSize() && !sizeFits(tensor, shape)) {
                throw TritonException.internal("output tensor shape does not match size of output for '"
                        + name + "'");
            }
            if (requested.isEmpty() || requested.contains(name)) {
                kept.add(tensor);
            }
        }
        // When the client named no outputs the server asks for all of them: a model may then leave some out
        // (an output that goes with an optional input), so only outputs a client named must be there.
        boolean named = !requested.equals(List.copyOf(outputs.keySet()));
        for (String name : named ? requested : List.<String>of()) {
            if (!seen.contains(name)) {
                throw TritonException.internal("model '" + modelName + "' returned no output '" + name
                        + "', which the request asked for");
            }
        }
        if (kept.size() == response.outputs().size()) {
            return response;
        }
        InferenceResponse pruned = new InferenceResponse(response.modelName(), response.modelVersion(),
                response.id(), response.parameters(), kept);
        if (response.isBorrowed() && !pruned.isBorrowed()) {
            response.release(); // every borrowed output was dropped: nobody else will give the memory back
        }
        return pruned;
    }

    private boolean matches(long[] shape, long[] dims) {
        int offset = batching ? 1 : 0;
        if (shape.length != dims.length + offset) {
            return false;
        }
        for (long dim : shape) {
            if (dim < 0) {
                return false;
            }
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != -1 && dims[i] != shape[i + offset]) {
                return false;
            }
        }
        return true;
    }

    private static boolean sizeFits(Tensor tensor, long[] shape) {
        long count = 1;
        for (long dim : shape) {
            if (dim != 0 && count > Long.MAX_VALUE / dim) {
                return false;
            }
            count *= dim;
        }
        int width = tensor.dataType().byteSize();
        return count <= Integer.MAX_VALUE / width && tensor.byteSize() == count * width;
    }

    private String expected(long[] dims) {
        StringBuilder text = new StringBuilder("[");
        if (batching) {
            text.append("-1");
        }
        for (int i = 0; i < dims.length; i++) {
            text.append(i > 0 || batching ? "," : "").append(dims[i]);
        }
        return text.append(']').toString();
    }

    private static String text(long[] shape) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            text.append(i > 0 ? "," : "").append(shape[i]);
        }
        return text.append(']').toString();
    }
}
