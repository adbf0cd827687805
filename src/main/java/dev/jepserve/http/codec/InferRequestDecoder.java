package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.InputBufferPool;
import dev.jepserve.inference.InputMemory;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBuf;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns an /infer body into a {@link DecodedInferRequest}, checking it the way Triton's HTTP front end does
 * and in the same order: the JSON header length, the JSON itself, {@code id}, {@code parameters}, every
 * input in order (binary bytes consumed in input order), leftover bytes, then {@code outputs}.
 *
 * <p>The JSON header is read in two passes so that large {@code data} arrays never become tree nodes:
 * {@link InferHeaderReader} checks the syntax of the whole header and builds a tree of everything but the
 * arrays, which it records as byte spans; while the inputs are checked in order, each span is parsed again,
 * now that the input's datatype and shape are known, straight into a direct buffer ({@link JsonTensorData}).
 *
 * <p>Every tensor's bytes are in direct, little-endian buffers the request owns, so the body can be released as
 * soon as this returns: binary inputs share one buffer, each JSON input has its own. Shared-memory parameters
 * are refused.
 */
public final class InferRequestDecoder {
    /** The binary tensor extension's header: the byte length of the JSON at the start of the body. */
    public static final String HEADER_LENGTH = "Inference-Header-Content-Length";

    private final ObjectMapper json;
    private final InferHeaderReader headerReader;
    private final int maxInputSize;
    private final InputBufferPool buffers;

    /** @param maxInputSize the --http-max-input-size limit, also applied to every input decoded from JSON */
    public InferRequestDecoder(int maxInputSize) {
        this(maxInputSize, InputBufferPool.unpooled());
    }

    /** @param buffers where binary inputs are copied to */
    public InferRequestDecoder(int maxInputSize, InputBufferPool buffers) {
        this.buffers = buffers;
        this.json = JsonSupport.requestReader(maxInputSize);
        this.headerReader = new InferHeaderReader(json);
        this.maxInputSize = maxInputSize;
    }

    /**
     * @param target       the addressed model (name for texts, requested version, config for raw requests)
     * @param body         the whole body, already decompressed; read but neither moved nor released
     * @param headerLength the {@value #HEADER_LENGTH} header, or null when absent
     * @throws TritonException with Triton's code and text for anything malformed
     */
    public DecodedInferRequest decode(InferTarget target, ByteBuf body, String headerLength) {
        int bodyLength = body.readableBytes();
        int jsonLength = jsonLength(headerLength, bodyLength);
        if (jsonLength == 0) {
            return RawBinaryInput.decode(target, body);
        }
        JsonHeaderBytes header = new JsonHeaderBytes(body, body.readerIndex(), jsonLength);
        JsonNode root = headerReader.read(header);
        String id = parseId(root);
        RequestParameters parameters = RequestParameters.parse(TritonJson.find(root, "parameters"));
        List<PlannedInput> inputs = planInputs(root, header, target.modelName(), body.readerIndex() + jsonLength,
                bodyLength - jsonLength);
        Map<String, RequestedOutput> outputs = parseOutputs(root);
        InputMemory memory = buffers.lease(binaryTotal(inputs));
        InferenceRequest request = new InferenceRequest(
                target.modelName(),
                target.requestedVersion(),
                id,
                parameters.correlationId(),
                parameters.flags(),
                parameters.timeoutMicros(),
                parameters.custom(),
                materialize(inputs, body, memory.buffer()),
                List.copyOf(outputs.keySet()),
                memory);
        return new DecodedInferRequest(request, new OutputEncoding(outputs, parameters.binaryDataOutput(),
                headerLength != null));
    }

    /** The JSON header's length: the header's value when present (0..body), else the whole body. */
    static int jsonLength(String headerLength, int bodyLength) {
        if (headerLength == null) {
            return bodyLength;
        }
        long value;
        try {
            value = Long.parseLong(headerLength.trim());
        } catch (NumberFormatException e) {
            throw TritonException.invalidArg("Unable to parse " + HEADER_LENGTH + ", got: " + headerLength);
        }
        if (value < 0 || value > bodyLength) {
            throw TritonException.invalidArg("inference header size should be in range (0, " + bodyLength
                    + "), got: " + headerLength);
        }
        return (int) value;
    }

    private static String parseId(JsonNode root) {
        JsonNode id = TritonJson.find(root, "id");
        return id == null ? "" : TritonJson.asString(id, "Unable to parse 'id'");
    }

    /**
     * One input, checked: either decoded from JSON already ({@code json}) or measured, its binary bytes to be
     * copied later into the request's buffer from {@code bodyIndex}.
     */
    private record PlannedInput(String name, DataType type, long[] shape, long byteSize,
                                int bodyIndex, ByteBuffer json) {
    }

    private List<PlannedInput> planInputs(JsonNode root, JsonHeaderBytes header, String model, int binaryStart,
                                          int binaryLength) {
        JsonNode inputs = TritonJson.memberAsArray(root, "inputs", "Unable to parse 'inputs'");
        List<PlannedInput> planned = new ArrayList<>(inputs.size());
        Set<String> names = new HashSet<>();
        int consumed = 0;
        for (JsonNode input : inputs) {
            validateContentType(input);
            String name = TritonJson.memberAsString(input, "name", "Unable to parse 'name'");
            String datatype = TritonJson.memberAsString(input, "datatype", "Unable to parse 'datatype'");
            long[] shape = parseShape(TritonJson.memberAsArray(input, "shape", "Unable to parse 'shape'"));
            if (!names.add(name)) {
                throw TritonException.invalidArg("input '" + name + "' already exists in request");
            }
            DataType type = DataType.fromProtocolName(datatype);
            if (type == null) {
                throw TritonException.invalidArg("invalid datatype for input " + name);
            }
            JsonNode parameters = TritonJson.find(input, "parameters");
            JsonNode binarySize = TritonJson.find(parameters, "binary_data_size");
            if (binarySize != null) {
                long size = TritonJson.asUInt(binarySize, "Unable to parse 'binary_data_size'");
                long available = binaryLength - consumed;
                if (size < 0 || size > available) {
                    long missing = size < 0 ? Long.MAX_VALUE : size - available;
                    throw TritonException.invalidArg("unexpected size for input '" + name + "', expecting "
                            + Long.toUnsignedString(missing) + " additional bytes for model '" + model + "'");
                }
                planned.add(new PlannedInput(name, type, shape, size, binaryStart + consumed, null));
                consumed += (int) size;
            } else if (TritonJson.find(parameters, "shared_memory_region") != null) {
                throw sharedMemoryUnsupported("input", name);
            } else {
                planned.add(planJsonInput(input, header, name, type, shape));
            }
        }
        if (consumed != binaryLength) {
            throw TritonException.invalidArg("unexpected additional input data for model '" + model + "'");
        }
        return planned;
    }

    private PlannedInput planJsonInput(JsonNode input, JsonHeaderBytes header, String name, DataType type,
                                       long[] shape) {
        long count = elementCount(shape);
        if (count == 0) {
            return new PlannedInput(name, type, shape, 0, -1, null); // empty tensor: 'data' is ignored
        }
        JsonSpan span = InferHeaderReader.dataSpan(input);
        ByteBuffer data;
        try (JsonParser parser = header.parser(json, span)) {
            data = JsonTensorData.decode(name, type, count, maxInputSize, parser, span.length());
        } catch (JsonProcessingException e) {
            throw InferHeaderReader.malformed(e, span.offset()); // not expected: the first pass read it all
        } catch (CharConversionException notUtf8) {
            throw JsonSyntaxErrors.notUtf8();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new PlannedInput(name, type, shape, data.remaining(), -1, data);
    }

    /** Exactly one of 'data', 'binary_data_size', 'shared_memory_region' (Triton's ValidateInputContentType). */
    private static void validateContentType(JsonNode input) {
        boolean hasData = TritonJson.find(input, "data") != null;
        JsonNode parameters = TritonJson.find(input, "parameters");
        boolean hasBinary = TritonJson.find(parameters, "binary_data_size") != null;
        boolean hasSharedMemory = TritonJson.find(parameters, "shared_memory_region") != null;
        int set = (hasData ? 1 : 0) + (hasBinary ? 1 : 0) + (hasSharedMemory ? 1 : 0);
        if (set == 1) {
            return;
        }
        StringBuilder message = new StringBuilder("Input must set only one of the following fields: 'data', "
                + "'binary_data_size' in 'parameters', 'shared_memory_region' in 'parameters'. But");
        if (set == 0) {
            message.append(" no field is set");
        } else {
            message.append(" set");
            if (hasData) {
                message.append(" 'data'");
            }
            if (hasBinary) {
                message.append(" 'binary_data_size'");
            }
            if (hasSharedMemory) {
                message.append(" 'shared_memory_region'");
            }
        }
        throw TritonException.invalidArg(message.toString());
    }

    private static long[] parseShape(JsonNode shapeJson) {
        long[] shape = new long[shapeJson.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = TritonJson.asUInt(shapeJson.get(i), "Unable to parse 'shape'");
        }
        return shape;
    }

    /**
     * {@link Tensor#elementCount}, once the shape is known to have one: a dim over 2^63 (read back negative) or a
     * product past the long range cannot match any data, so it is the shape-mismatch error, as in Triton.
     */
    private static long elementCount(long[] shape) {
        long room = Long.MAX_VALUE; // the largest product of the remaining dims that still fits
        boolean zero = false;
        for (long dim : shape) {
            if (dim < 0 || !zero && dim > room) {
                throw TritonException.internal(JsonTensorData.SHAPE_MISMATCH);
            }
            if (dim == 0) {
                zero = true;
            } else {
                room /= dim;
            }
        }
        return Tensor.elementCount(shape);
    }

    private static Map<String, RequestedOutput> parseOutputs(JsonNode root) {
        Map<String, RequestedOutput> requested = new LinkedHashMap<>();
        if (TritonJson.find(root, "outputs") == null) {
            return requested;
        }
        for (JsonNode output : TritonJson.memberAsArray(root, "outputs", "Unable to parse 'outputs'")) {
            JsonNode parameters = TritonJson.find(output, "parameters");
            JsonNode binaryData = TritonJson.find(parameters, "binary_data");
            boolean sharedMemory = TritonJson.find(parameters, "shared_memory_region") != null;
            if (sharedMemory) {
                if (TritonJson.find(parameters, "classification") != null) {
                    throw TritonException.invalidArg(
                            "Output can't set both 'shared_memory_region' and 'classification'");
                }
                if (binaryData != null && TritonJson.asBool(binaryData, "Unable to set 'binary_data'")) {
                    throw TritonException.invalidArg("Output can't set both 'shared_memory_region' and 'binary_data'");
                }
            }
            String name = TritonJson.memberAsString(output, "name", "Unable to parse 'name'");
            JsonNode classification = TritonJson.find(parameters, "classification");
            long classes = classification == null ? 0
                    : TritonJson.asUInt(classification, "Unable to set 'classification'");
            if (sharedMemory) {
                throw sharedMemoryUnsupported("output", name);
            }
            boolean binary = binaryData != null && TritonJson.asBool(binaryData, "Unable to parse 'binary_data'");
            int classCount = classes < 0 || classes > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) classes;
            requested.put(name, new RequestedOutput(name, binary, classCount));
        }
        return requested;
    }

    private static TritonException sharedMemoryUnsupported(String kind, String name) {
        return TritonException.invalidArg(kind + " '" + name + "' sets 'shared_memory_region', but shared memory "
                + "is not supported by this server; send the data in the request body");
    }

    /** The binary inputs' bytes (all in the body, so the total fits an int). */
    private static int binaryTotal(List<PlannedInput> inputs) {
        int binaryTotal = 0;
        for (PlannedInput input : inputs) {
            if (input.json() == null) {
                binaryTotal += (int) input.byteSize();
            }
        }
        return binaryTotal;
    }

    /**
     * Copies the binary inputs into {@code binary} (exactly filling it), sliced per input; JSON inputs keep the
     * buffers they were decoded into.
     */
    private static List<Tensor> materialize(List<PlannedInput> inputs, ByteBuf body, ByteBuffer binary) {
        List<Tensor> tensors = new ArrayList<>(inputs.size());
        int offset = 0;
        for (PlannedInput input : inputs) {
            ByteBuffer data = input.json();
            if (data == null) {
                int size = (int) input.byteSize();
                data = binary.slice(offset, size).order(ByteOrder.LITTLE_ENDIAN);
                if (size > 0) {
                    body.getBytes(input.bodyIndex(), data.duplicate());
                }
                offset += size;
            }
            tensors.add(new Tensor(input.name(), input.type(), input.shape(), data));
        }
        return tensors;
    }
}
