package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.jepserve.http.transport.ContentCoding;
import dev.jepserve.inference.Classification;
import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.Tensor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Encodes an inference response as Triton's HTTP reply: the JSON header ({@code id} when non-empty,
 * {@code model_name}, {@code model_version}, {@code parameters} when non-empty, {@code outputs}), then the raw
 * bytes of every binary output with data, in output order. With any bytes appended the reply is
 * {@code application/octet-stream} with {@code Inference-Header-Content-Length}; otherwise {@code application/json}.
 * The whole body may then be compressed; the header length stays the uncompressed JSON length.
 */
public final class InferResponseEncoder {

    /**
     * @param encoding how the client asked for each output
     * @param batching the model batches (max_batch_size > 0), which classification needs
     * @param coding   the response compression chosen from Accept-Encoding
     */
    public FullHttpResponse encode(InferenceResponse response, OutputEncoding encoding, boolean batching,
                                   ContentCoding coding, ByteBufAllocator alloc) {
        List<EncodedOutput> outputs = new ArrayList<>(response.outputs().size());
        long bodyBytes = 0; // JSON data where its size is predictable (binary outputs are not copied)
        for (Tensor tensor : response.outputs()) {
            RequestedOutput spec = encoding.forOutput(tensor.name());
            Tensor encoded = spec.isClassification() ? Classification.topK(tensor, spec.classificationCount(), batching)
                    : tensor;
            // Values JSON cannot carry go as binary data when the client reads it, else writing them refuses.
            boolean binary = spec.binary() || encoding.binaryAllowed() && !JsonTensorWriter.canCarry(encoded);
            outputs.add(new EncodedOutput(encoded, binary));
            bodyBytes += binary ? 0 : JsonTensorWriter.sizeHint(encoded);
        }
        // The JSON header in a buffer of its own; binary outputs follow as views of the tensors' memory (no copy).
        ByteBuf json = alloc.buffer((int) Math.min(Integer.MAX_VALUE - 8, 512 + 128L * outputs.size() + bodyBytes));
        CompositeByteBuf body = alloc.compositeBuffer(1 + outputs.size());
        try {
            writeJson(json, response, outputs);
            body.addComponent(true, json); // after writing: the composite takes the bytes readable now
            int jsonLength = json.readableBytes();
            for (EncodedOutput output : outputs) {
                if (output.binary && output.tensor.byteSize() > 0) {
                    body.addComponent(true, TensorBytes.wrap(output.tensor));
                }
            }
            boolean hasBinary = body.readableBytes() > jsonLength;
            return reply(body, jsonLength, hasBinary, coding, alloc);
        } catch (IOException e) {
            releaseBoth(json, body);
            throw new IllegalStateException("writing the response JSON failed", e);
        } catch (RuntimeException e) {
            releaseBoth(json, body);
            throw e;
        }
    }

    /** Releases the body, and the JSON buffer too when it was not part of the body yet. */
    private static void releaseBoth(ByteBuf json, CompositeByteBuf body) {
        boolean added = body.numComponents() > 0;
        body.release();
        if (!added) {
            json.release();
        }
    }

    /** JSON text per byte of tensor data, roughly (an FP32 prints as up to 15 characters and a comma). */
    private static final int JSON_BYTES_PER_DATA_BYTE = 4;
    /** Deflating costs more per byte than writing JSON. */
    private static final int COMPRESSED_WORK_FACTOR = 4;

    /**
     * Roughly how much work {@link #encode} has on this response, in bytes of output it writes: binary outputs at
     * their size, JSON ones several times it, all of it again several times when compressed. Endpoints use it to
     * decide whether encoding may stay on the event loop.
     */
    public static long workEstimate(InferenceResponse response, OutputEncoding encoding, ContentCoding coding) {
        long work = 0;
        for (Tensor tensor : response.outputs()) {
            // Uncompressed binary outputs are not copied (views of the tensors), so they cost nothing to encode.
            work += encoding.forOutput(tensor.name()).binary() ? (coding == ContentCoding.IDENTITY ? 0 : tensor.byteSize())
                    : (long) tensor.byteSize() * JSON_BYTES_PER_DATA_BYTE;
        }
        return coding == ContentCoding.IDENTITY ? work : work * COMPRESSED_WORK_FACTOR;
    }

    private record EncodedOutput(Tensor tensor, boolean binary) {
    }

    private static void writeJson(ByteBuf body, InferenceResponse response, List<EncodedOutput> outputs)
            throws IOException {
        OutputStream out = new ByteBufOutputStream(body);
        try (JsonGenerator gen = JsonSupport.WRITER_FACTORY.createGenerator(out)) {
            gen.writeStartObject();
            if (response.id() != null && !response.id().isEmpty()) {
                gen.writeStringField("id", response.id());
            }
            gen.writeStringField("model_name", response.modelName());
            gen.writeStringField("model_version", response.modelVersion());
            if (!response.parameters().isEmpty()) {
                gen.writeObjectFieldStart("parameters");
                for (Map.Entry<String, Object> parameter : response.parameters().entrySet()) {
                    gen.writeFieldName(parameter.getKey());
                    writeParameterValue(gen, parameter.getValue());
                }
                gen.writeEndObject();
            }
            gen.writeArrayFieldStart("outputs");
            for (EncodedOutput output : outputs) {
                writeOutput(gen, out, output);
            }
            gen.writeEndArray();
            gen.writeEndObject();
        }
    }

    /** @param out the stream {@code gen} writes to, for the tensor data */
    private static void writeOutput(JsonGenerator gen, OutputStream out, EncodedOutput output) throws IOException {
        Tensor tensor = output.tensor;
        gen.writeStartObject();
        gen.writeStringField("name", tensor.name());
        gen.writeStringField("datatype", tensor.dataType().protocolName());
        gen.writeArrayFieldStart("shape");
        for (long dim : tensor.shape()) {
            gen.writeNumber(dim);
        }
        gen.writeEndArray();
        if (output.binary) {
            gen.writeObjectFieldStart("parameters");
            gen.writeNumberField("binary_data_size", tensor.byteSize());
            gen.writeEndObject();
        } else {
            gen.writeFieldName("data");
            JsonTensorWriter.writeData(gen, out, tensor);
        }
        gen.writeEndObject();
    }

    static void writeParameterValue(JsonGenerator gen, Object value) throws IOException {
        if (value instanceof Boolean flag) {
            gen.writeBoolean(flag);
        } else if (value instanceof Double || value instanceof Float) {
            gen.writeNumber(((Number) value).doubleValue());
        } else if (value instanceof Number number) {
            gen.writeNumber(number.longValue());
        } else {
            gen.writeString(String.valueOf(value));
        }
    }

    private static FullHttpResponse reply(ByteBuf body, int jsonLength, boolean hasBinary, ContentCoding coding,
                                          ByteBufAllocator alloc) {
        ByteBuf content = body;
        if (coding != ContentCoding.IDENTITY) {
            content = coding.compress(body, alloc);
            body.release();
        }
        FullHttpResponse reply = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
        if (hasBinary) {
            reply.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
            reply.headers().setInt(InferRequestDecoder.HEADER_LENGTH, jsonLength);
        } else {
            reply.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        if (coding != ContentCoding.IDENTITY) {
            reply.headers().set(HttpHeaderNames.CONTENT_ENCODING, coding.token());
        }
        reply.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return reply;
    }
}
