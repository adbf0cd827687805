package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jepserve.http.transport.ContentCoding;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * One response of the generate extension as a flat JSON object: {@code id} (when the request had one),
 * {@code model_name}, {@code model_version}, every response parameter, and every output under its own name
 * (its only element when it has one, else a flat array of all of them). Keys in lexicographic order, as Triton
 * writes them; an output named like one of the other keys wins.
 */
public final class GenerateResponseEncoder {
    private GenerateResponseEncoder() {
    }

    /** The response's JSON text. */
    public static byte[] encode(InferenceResponse response) {
        Map<String, Object> fields = new TreeMap<>();
        if (response.id() != null && !response.id().isEmpty()) {
            fields.put("id", response.id());
        }
        fields.put("model_name", response.modelName());
        fields.put("model_version", response.modelVersion());
        fields.putAll(response.parameters());
        for (Tensor output : response.outputs()) {
            fields.put(output.name(), output);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator gen = JsonSupport.WRITER_FACTORY.createGenerator(out)) {
            gen.writeStartObject();
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                gen.writeFieldName(field.getKey());
                if (field.getValue() instanceof Tensor tensor) {
                    writeOutput(gen, out, tensor);
                } else {
                    InferResponseEncoder.writeParameterValue(gen, field.getValue());
                }
            }
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Roughly how many bytes of JSON encoding writes, as {@link InferResponseEncoder#workEstimate} counts them. */
    public static long workEstimate(InferenceResponse response) {
        return InferResponseEncoder.workEstimate(response, OutputEncoding.JSON, ContentCoding.IDENTITY);
    }

    private static void writeOutput(JsonGenerator gen, ByteArrayOutputStream out, Tensor tensor) throws IOException {
        if (tensor.elementCount() == 1) {
            JsonTensorWriter.writeSingle(gen, tensor);
        } else {
            JsonTensorWriter.writeData(gen, out, tensor);
        }
    }
}
