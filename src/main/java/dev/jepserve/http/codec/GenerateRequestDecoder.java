package dev.jepserve.http.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.inference.BytesElements;
import dev.jepserve.inference.DataType;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;

import java.io.CharConversionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The body of a generate request: one JSON object of flat fields. A field named like a model input is that
 * input (a scalar or a flat array; its datatype from the config, its shape fitted to the config's, see
 * {@link GenerateShape}); {@code id} is the request id; {@code parameters}, when an object, holds more fields
 * under the same rules; every other field is a request parameter (string, integer, boolean or number). Read in
 * one streaming pass, so duplicate inputs are found and every error names the first offending field.
 */
public final class GenerateRequestDecoder {
    private static final String PARAMETERS = "parameters";

    private final ObjectMapper json;
    private final int maxInputSize;

    /** @param maxInputSize the --http-max-input-size limit, also applied to every input's decoded bytes */
    public GenerateRequestDecoder(int maxInputSize) {
        this.json = JsonSupport.requestReader(maxInputSize);
        this.maxInputSize = maxInputSize;
    }

    /**
     * @param model            the model name from the URL
     * @param requestedVersion the version from the URL, or -1
     * @param config           the resolved version's config: input names, datatypes and shapes
     * @param body             the JSON body; read, neither moved nor released
     * @throws TritonException with Triton's texts where it has them
     */
    public InferenceRequest decode(String model, long requestedVersion, ModelConfig config, ByteBuf body) {
        Fields fields = new Fields(config);
        try (JsonParser parser = json.createParser((InputStream) new ByteBufInputStream(body.slice()))) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw TritonException.invalidArg("generate request body must be a JSON object");
            }
            readObject(parser, fields, false);
            if (parser.nextToken() != null) {
                throw TritonException.invalidArg("generate request body has data after its JSON object");
            }
        } catch (JsonProcessingException e) {
            throw InferHeaderReader.malformed(e, 0);
        } catch (CharConversionException notUtf8) {
            throw JsonSyntaxErrors.notUtf8();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new InferenceRequest(model, requestedVersion, fields.id, 0L, 0, 0, fields.parameters,
                fields.inputs, List.of());
    }

    /** What the fields have added up to so far. */
    private static final class Fields {
        final Map<String, ModelInput> modelInputs = new LinkedHashMap<>();
        final boolean batching;
        final List<Tensor> inputs = new ArrayList<>();
        final Map<String, Object> parameters = new LinkedHashMap<>();
        String id = "";

        Fields(ModelConfig config) {
            for (ModelInput input : config.getInputList()) {
                modelInputs.put(input.getName(), input);
            }
            batching = config.getMaxBatchSize() > 0;
        }
    }

    /** The members of an object whose START_OBJECT was just read; leaves the parser at its END_OBJECT. */
    private void readObject(JsonParser parser, Fields fields, boolean nested) throws IOException {
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
            JsonToken value = parser.nextToken();
            ModelInput input = fields.modelInputs.get(name);
            if (input != null) {
                addInput(parser, value, input, fields);
            } else if (!nested && name.equals(PARAMETERS)) {
                if (value != JsonToken.START_OBJECT) {
                    throw TritonException.invalidArg("Expected JSON object for keyword: 'parameters'");
                }
                readObject(parser, fields, true);
            } else if (!nested && name.equals("id")) {
                fields.id = TritonJson.asString(json.readTree(parser), "Unable to parse 'id'");
            } else {
                JsonNode parameter = json.readTree(parser);
                try {
                    fields.parameters.put(name, RequestParameters.customValue(name, parameter));
                } catch (TritonException invalid) {
                    throw nested ? TritonException.invalidArg("Converting keyword: 'parameters': "
                            + invalid.getMessage()) : invalid;
                }
            }
        }
    }

    private void addInput(JsonParser parser, JsonToken value, ModelInput input, Fields fields) throws IOException {
        String name = input.getName();
        for (Tensor existing : fields.inputs) {
            if (existing.name().equals(name)) {
                throw TritonException.invalidArg("input '" + name + "' already exists in request");
            }
        }
        DataType type = DataType.fromConfig(input.getDataType());
        if (type == null) {
            throw TritonException.invalidArg("invalid datatype for input " + name);
        }
        ByteBuffer data = type == DataType.BYTES ? readStrings(parser, value, name)
                : readFixedWidth(parser, value, type, name);
        long count = type == DataType.BYTES ? BytesElements.count(data) : data.limit() / type.byteSize();
        long[] shape = GenerateShape.fit(name, count, input.getDimsList(), fields.batching);
        fields.inputs.add(new Tensor(name, type, shape, data));
    }

    /** A scalar or a flat array of numbers or booleans, in wire layout in a new direct buffer. */
    private ByteBuffer readFixedWidth(JsonParser parser, JsonToken value, DataType type, String name)
            throws IOException {
        if (type == DataType.FP16 || type == DataType.BF16) {
            throw TritonException.invalidArg("receiving " + type.protocolName() + " data via JSON is not supported. "
                    + "Please use the binary data format for input " + name);
        }
        List<Long> bits = new ArrayList<>();
        if (value == JsonToken.START_ARRAY) {
            for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
                bits.add(JsonElement.bits(parser, element, type));
                checkSize(name, (long) bits.size() * type.byteSize());
            }
        } else {
            bits.add(JsonElement.bits(parser, value, type));
        }
        ByteBuffer data = ByteBuffer.allocateDirect(bits.size() * type.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
        for (long element : bits) {
            switch (type.byteSize()) {
                case 1 -> data.put((byte) element);
                case 2 -> data.putShort((short) element);
                case 4 -> data.putInt((int) element);
                default -> data.putLong(element);
            }
        }
        return data.flip();
    }

    /** A string or a flat array of strings, as length-prefixed elements in a new direct buffer. */
    private ByteBuffer readStrings(JsonParser parser, JsonToken value, String name) throws IOException {
        List<byte[]> strings = new ArrayList<>();
        if (value == JsonToken.START_ARRAY) {
            for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
                strings.add(string(parser, element));
                checkSize(name, BytesElements.encodedSize(strings));
            }
        } else {
            strings.add(string(parser, value));
        }
        ByteBuffer data = ByteBuffer.allocateDirect((int) BytesElements.encodedSize(strings))
                .order(ByteOrder.LITTLE_ENDIAN);
        for (byte[] element : strings) {
            BytesElements.put(data, element);
        }
        return data.flip();
    }

    private static byte[] string(JsonParser parser, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw TritonJson.failure("Unable to parse 'data'", TritonJson.NOT_STRING);
        }
        return parser.getText().getBytes(StandardCharsets.UTF_8);
    }

    private void checkSize(String name, long bytes) {
        if (bytes > maxInputSize) {
            throw TritonException.invalidArg("Input '" + name + "' decoded from JSON has more than " + maxInputSize
                    + " bytes, the maximum allowed value. Use --http-max-input-size to increase the limit.");
        }
    }
}
