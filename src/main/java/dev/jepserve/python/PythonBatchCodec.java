package dev.jepserve.python;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jepserve.inference.BatchResult;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.RequestOutcome;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import jep.DirectNDArray;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a batch of domain requests into the plain values {@code jepserve_runtime.execute} takes, and its
 * return value back into outcomes. Request metadata crosses as one JSON text (one conversion instead of a
 * Jep crossing per field: measured 13 → 7 µs per request); input bytes reach numpy as views over direct
 * buffers (no copy); outputs come back as Python bytes.
 */
final class PythonBatchCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> PARAMETERS = new TypeReference<>() { };

    private PythonBatchCodec() {
    }

    /** A batch as jepserve_runtime.execute takes it: the metadata JSON and the input buffers it indexes. */
    record Encoded(String metadata, Object[] buffers) {
    }

    /**
     * Metadata: {@code [[id, correlation_id, flags, timeout_us, parameters_json, [requested outputs],
     * [[input name, dtype code, [shape], buffer index], ...]], ...]}.
     */
    static Encoded encode(List<InferenceRequest> batch) {
        int inputCount = batch.stream().mapToInt(request -> request.inputs().size()).sum();
        Object[] buffers = new Object[inputCount];
        StringBuilder json = new StringBuilder(128 * batch.size()).append('[');
        int buffer = 0;
        for (int r = 0; r < batch.size(); r++) {
            InferenceRequest request = batch.get(r);
            json.append(r == 0 ? "[" : ",[");
            appendString(json, request.id()).append(',');
            if (request.correlationId() instanceof String text) {
                appendString(json, text);
            } else {
                json.append(((Number) request.correlationId()).longValue());
            }
            json.append(',').append(request.flags()).append(',').append(request.timeoutMicros()).append(',');
            appendString(json, parametersJson(request.parameters())).append(",[");
            for (int o = 0; o < request.requestedOutputs().size(); o++) {
                appendString(o == 0 ? json : json.append(','), request.requestedOutputs().get(o));
            }
            json.append("],[");
            for (int i = 0; i < request.inputs().size(); i++) {
                Tensor tensor = request.inputs().get(i);
                appendString(i == 0 ? json.append('[') : json.append(",["), tensor.name());
                json.append(',').append(tensor.dataType().code()).append(",[");
                long[] shape = tensor.shape();
                for (int d = 0; d < shape.length; d++) {
                    json.append(d == 0 ? "" : ",").append(shape[d]);
                }
                json.append("],").append(buffer).append(']');
                buffers[buffer++] = numpyView(tensor);
            }
            json.append("]]");
        }
        return new Encoded(json.append(']').toString(), buffers);
    }

    private static StringBuilder appendString(StringBuilder json, String text) {
        return json.append('"').append(JsonStringEncoder.getInstance().quoteAsString(text)).append('"');
    }

    /** A DirectNDArray that Jep hands to Python as a uint8 numpy array over the same memory. */
    private static Object numpyView(Tensor tensor) {
        ByteBuffer data = tensor.data();
        int size = data.limit();
        if (size == 0) {
            return null;
        }
        ByteBuffer direct;
        if (data.isDirect()) {
            direct = data.slice(0, size);
        } else {
            direct = ByteBuffer.allocateDirect(size).order(ByteOrder.LITTLE_ENDIAN);
            direct.put(data).flip();
        }
        return new DirectNDArray<>(direct, true, size);
    }

    private static String parametersJson(Map<String, Object> parameters) {
        if (parameters.isEmpty()) {
            return "{}";
        }
        try {
            return JSON.writeValueAsString(parameters);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static BatchResult decode(List<?> result, String modelName, String modelVersion, List<InferenceRequest> batch) {
        List<?> perRequest = (List<?>) result.get(0);
        List<RequestOutcome> outcomes = new ArrayList<>(perRequest.size());
        for (int i = 0; i < perRequest.size(); i++) {
            outcomes.add(decodeOutcome((List<?>) perRequest.get(i), modelName, modelVersion, batch.get(i)));
        }
        return new BatchResult(outcomes, asLong(result.get(1)), asLong(result.get(2)), asLong(result.get(3)));
    }

    private static RequestOutcome decodeOutcome(List<?> item, String modelName, String modelVersion,
                                                InferenceRequest request) {
        if (!Boolean.TRUE.equals(item.get(0))) {
            return RequestOutcome.failure(new TritonException(codeOf((int) asLong(item.get(1))), String.valueOf(item.get(2))));
        }
        List<?> outputs = (List<?>) item.get(1);
        List<Tensor> tensors = new ArrayList<>(outputs.size());
        for (Object output : outputs) {
            List<?> fields = (List<?>) output;
            String name = (String) fields.get(0);
            DataType type = DataType.fromCode((int) asLong(fields.get(1)));
            if (type == null) {
                return RequestOutcome.failure(TritonException.internal(
                        "output '" + name + "' of model '" + modelName + "' has an unsupported data type code " + fields.get(1)));
            }
            List<?> dims = (List<?>) fields.get(2);
            long[] shape = new long[dims.size()];
            for (int d = 0; d < shape.length; d++) {
                shape[d] = asLong(dims.get(d));
            }
            byte[] bytes = (byte[]) fields.get(3);
            tensors.add(new Tensor(name, type, shape, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN)));
        }
        return RequestOutcome.success(new InferenceResponse(modelName, modelVersion, request.id(),
                parseParameters((String) item.get(2)), tensors));
    }

    private static Map<String, Object> parseParameters(String json) {
        if (json == null || json.equals("{}")) {
            return Map.of();
        }
        try {
            return JSON.readValue(json, PARAMETERS);
        } catch (IOException e) {
            throw new IllegalStateException("model returned malformed response parameters: " + json, e);
        }
    }

    /** TritonError codes from Python (pb_utils.TritonError values follow TRITONSERVER_Error_Code order). */
    private static TritonCode codeOf(int pythonCode) {
        TritonCode[] codes = TritonCode.values();
        return pythonCode >= 0 && pythonCode < codes.length ? codes[pythonCode] : TritonCode.INTERNAL;
    }

    private static long asLong(Object value) {
        return ((Number) value).longValue();
    }
}
