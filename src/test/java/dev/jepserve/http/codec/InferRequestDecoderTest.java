package dev.jepserve.http.codec;

import dev.jepserve.config.proto.DataType;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.http.EchoModel;
import dev.jepserve.inference.BytesElements;
import dev.jepserve.inference.InferenceRequest;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonCode;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class InferRequestDecoderTest {
    private static final InferTarget TARGET = new InferTarget("m", -1, EchoModel.config("m", 8));
    private final InferRequestDecoder decoder = new InferRequestDecoder(1 << 20);

    // ---- helpers -------------------------------------------------------------------------------------------

    private DecodedInferRequest decode(String json) {
        return decoder.decode(TARGET, body(json, new byte[0]), null);
    }

    private DecodedInferRequest decodeBinary(String json, byte[] binary) {
        return decoder.decode(TARGET, body(json, binary), Integer.toString(utf8(json).length));
    }

    private static ByteBuf body(String json, byte[] binary) {
        return Unpooled.wrappedBuffer(utf8(json), binary);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static TritonException failure(ThrowingCallable call) {
        TritonException e = catchThrowableOfType(TritonException.class, call);
        assertThat(e).as("expected a TritonException").isNotNull();
        return e;
    }

    private static void assertFailure(ThrowingCallable call, TritonCode code, String message) {
        TritonException e = failure(call);
        assertThat(e.getMessage()).isEqualTo(message);
        assertThat(e.code()).isEqualTo(code);
    }

    private static String input(String name, String datatype, String shape, String data) {
        return "{\"inputs\":[{\"name\":\"" + name + "\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape
                + ",\"data\":" + data + "}]}";
    }

    private static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static byte[] bytesOf(Tensor tensor) {
        ByteBuffer data = tensor.data();
        byte[] out = new byte[data.remaining()];
        data.get(out);
        return out;
    }

    private static Tensor only(DecodedInferRequest decoded) {
        assertThat(decoded.request().inputs()).hasSize(1);
        return decoded.request().inputs().get(0);
    }

    // ---- JSON data -----------------------------------------------------------------------------------------

    @Test
    void jsonDataForEveryFixedSizeType() {
        assertThat(bytesOf(only(decode(input("X", "BOOL", "[3]", "[true,false,true]"))))).containsExactly(1, 0, 1);
        assertThat(bytesOf(only(decode(input("X", "UINT8", "[2]", "[255,0]"))))).containsExactly(0xff, 0);
        assertThat(bytesOf(only(decode(input("X", "INT8", "[2]", "[-1,127]"))))).containsExactly(0xff, 0x7f);
        assertThat(bytesOf(only(decode(input("X", "UINT16", "[1]", "[65535]"))))).containsExactly(0xff, 0xff);
        assertThat(bytesOf(only(decode(input("X", "INT16", "[1]", "[-2]"))))).containsExactly(0xfe, 0xff);
        assertThat(bytesOf(only(decode(input("X", "UINT32", "[1]", "[4294967295]")))))
                .containsExactly(0xff, 0xff, 0xff, 0xff);
        assertThat(bytesOf(only(decode(input("X", "INT32", "[2]", "[1,-1]")))))
                .containsExactly(1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff);
        assertThat(bytesOf(only(decode(input("X", "UINT64", "[1]", "[18446744073709551615]")))))
                .containsExactly(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
        assertThat(bytesOf(only(decode(input("X", "INT64", "[1]", "[-9223372036854775808]")))))
                .containsExactly(0, 0, 0, 0, 0, 0, 0, 0x80);
        assertThat(bytesOf(only(decode(input("X", "FP32", "[2]", "[1.5,-2]")))))
                .containsExactly(le(8).putFloat(1.5f).putFloat(-2f).array());
        assertThat(bytesOf(only(decode(input("X", "FP64", "[1]", "[0.1]")))))
                .containsExactly(le(8).putDouble(0.1).array());
    }

    @Test
    void jsonBytesBecomeLengthPrefixedUtf8() {
        Tensor tensor = only(decode(input("S", "BYTES", "[2]", "[\"ab\",\"\u00fc\"]")));
        assertThat(tensor.dataType()).isEqualTo(dev.jepserve.inference.DataType.BYTES);
        assertThat(BytesElements.split(tensor.data())).containsExactly(utf8("ab"), utf8("\u00fc"));
    }

    @Test
    void nestedDataIsFlattenedRowMajor() {
        Tensor tensor = only(decode(input("X", "INT8", "[2,2]", "[[1,2],[3,4]]")));
        assertThat(tensor.shape()).containsExactly(2, 2);
        assertThat(bytesOf(tensor)).containsExactly(1, 2, 3, 4);
    }

    @Test
    void nanAndInfinityLiteralsAreAccepted() {
        ByteBuffer data = only(decode(input("X", "FP64", "[2]", "[NaN,-Infinity]"))).data().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(data.getDouble(0)).isNaN();
        assertThat(data.getDouble(8)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @Test
    void zeroElementShapeIgnoresData() {
        Tensor tensor = only(decode(input("X", "INT32", "[0,3]", "[1,2,3]")));
        assertThat(tensor.byteSize()).isZero();
        assertThat(tensor.shape()).containsExactly(0, 3);
    }

    @Test
    void tooManyElementsForTheShape() {
        assertFailure(() -> decode(input("X", "INT32", "[2]", "[1,2,3]")), TritonCode.INTERNAL,
                "Unable to parse 'data': Shape does not match true shape of 'data' field");
    }

    @Test
    void tooFewElementsForTheShape() {
        assertFailure(() -> decode(input("X", "FP32", "[1,4]", "[1,2,3]")), TritonCode.INTERNAL,
                "Unable to parse 'data': Shape does not match true shape of 'data' field");
    }

    @Test
    void bytesElementCountMustMatchTheShapeToo() {
        assertFailure(() -> decode(input("S", "BYTES", "[3]", "[\"a\",\"b\"]")), TritonCode.INTERNAL,
                "Unable to parse 'data': Shape does not match true shape of 'data' field");
    }

    @Test
    void wrongJsonElementTypes() {
        assertFailure(() -> decode(input("X", "INT32", "[1]", "[1.0]")), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-signed-integer as signed-integer");
        assertFailure(() -> decode(input("X", "UINT8", "[1]", "[-1]")), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-unsigned-integer as unsigned-integer");
        assertFailure(() -> decode(input("X", "BOOL", "[1]", "[1]")), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-boolean as boolean");
        assertFailure(() -> decode(input("X", "FP32", "[1]", "[\"1\"]")), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-number as double");
        assertFailure(() -> decode(input("S", "BYTES", "[1]", "[1]")), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-string as string");
        assertFailure(() -> decode(input("X", "INT64", "[1]", "[9223372036854775808]")), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-signed-integer as signed-integer");
    }

    @Test
    void dataMustBeAnArray() {
        assertFailure(() -> decode(input("X", "INT32", "[1]", "5")), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-array as array");
    }

    @Test
    void halfPrecisionCannotComeAsJson() {
        assertFailure(() -> decode(input("H", "FP16", "[1]", "[1.0]")), TritonCode.INVALID_ARG,
                "receiving FP16 data via JSON is not supported. Please use the binary data format for input H");
        assertFailure(() -> decode(input("B", "BF16", "[1]", "[1.0]")), TritonCode.INVALID_ARG,
                "receiving BF16 data via JSON is not supported. Please use the binary data format for input B");
    }

    @Test
    void unknownDatatype() {
        assertFailure(() -> decode(input("X", "FLOAT", "[1]", "[1.0]")), TritonCode.INVALID_ARG,
                "invalid datatype for input X");
    }

    @Test
    void jsonDecodedInputLargerThanTheLimit() {
        InferRequestDecoder small = new InferRequestDecoder(16);
        TritonException e = failure(() -> small.decode(TARGET, body(input("X", "INT64", "[3]", "[1,2,3]"),
                new byte[0]), null));
        assertThat(e.code()).isEqualTo(TritonCode.INVALID_ARG);
        assertThat(e.getMessage()).contains("exceeds the maximum allowed value of 16 bytes")
                .contains("--http-max-input-size");
    }

    // ---- binary data ---------------------------------------------------------------------------------------

    @Test
    void binaryInputsAreTakenInInputOrderIntoOneDirectBuffer() {
        String json = "{\"inputs\":["
                + "{\"name\":\"A\",\"datatype\":\"INT32\",\"shape\":[2],\"parameters\":{\"binary_data_size\":8}},"
                + "{\"name\":\"J\",\"datatype\":\"INT8\",\"shape\":[1],\"data\":[7]},"
                + "{\"name\":\"B\",\"datatype\":\"UINT8\",\"shape\":[3],\"parameters\":{\"binary_data_size\":3}}]}";
        byte[] binary = {1, 0, 0, 0, 2, 0, 0, 0, 9, 8, 7};
        ByteBuf body = body(json, binary);

        DecodedInferRequest decoded = decoder.decode(TARGET, body, Integer.toString(utf8(json).length));
        body.setByte(body.writerIndex() - 1, 0x55); // the request must not alias the body

        List<Tensor> inputs = decoded.request().inputs();
        assertThat(inputs).extracting(Tensor::name).containsExactly("A", "J", "B");
        assertThat(bytesOf(inputs.get(0))).containsExactly(1, 0, 0, 0, 2, 0, 0, 0);
        assertThat(bytesOf(inputs.get(1))).containsExactly(7);
        assertThat(bytesOf(inputs.get(2))).containsExactly(9, 8, 7);
        for (Tensor tensor : inputs) {
            assertThat(tensor.data().isDirect()).isTrue();
        }
        assertThat(body.refCnt()).as("the decoder does not release the body").isEqualTo(1);
    }

    @Test
    void binaryDataSizeZeroIsAnEmptyTensor() {
        String json = "{\"inputs\":[{\"name\":\"E\",\"datatype\":\"FP32\",\"shape\":[0],"
                + "\"parameters\":{\"binary_data_size\":0}}]}";
        assertThat(only(decodeBinary(json, new byte[0])).byteSize()).isZero();
    }

    @Test
    void tooFewBinaryBytes() {
        String json = "{\"inputs\":[{\"name\":\"A\",\"datatype\":\"FP32\",\"shape\":[4],"
                + "\"parameters\":{\"binary_data_size\":16}}]}";
        assertFailure(() -> decodeBinary(json, new byte[10]), TritonCode.INVALID_ARG,
                "unexpected size for input 'A', expecting 6 additional bytes for model 'm'");
    }

    @Test
    void leftOverBinaryBytes() {
        String json = "{\"inputs\":[{\"name\":\"A\",\"datatype\":\"UINT8\",\"shape\":[2],"
                + "\"parameters\":{\"binary_data_size\":2}}]}";
        assertFailure(() -> decodeBinary(json, new byte[3]), TritonCode.INVALID_ARG,
                "unexpected additional input data for model 'm'");
    }

    @Test
    void bytesAfterTheHeaderWithoutBinaryInputsAreLeftOver() {
        assertFailure(() -> decodeBinary(input("X", "INT8", "[1]", "[1]"), new byte[] {1}), TritonCode.INVALID_ARG,
                "unexpected additional input data for model 'm'");
    }

    // ---- Inference-Header-Content-Length -----------------------------------------------------------------

    @Test
    void headerLengthLargerThanTheBody() {
        String json = input("X", "INT8", "[1]", "[1]");
        int length = utf8(json).length;
        assertFailure(() -> decoder.decode(TARGET, body(json, new byte[0]), Integer.toString(length + 1)),
                TritonCode.INVALID_ARG,
                "inference header size should be in range (0, " + length + "), got: " + (length + 1));
    }

    @Test
    void negativeHeaderLength() {
        assertFailure(() -> decoder.decode(TARGET, body("{}", new byte[0]), "-1"), TritonCode.INVALID_ARG,
                "inference header size should be in range (0, 2), got: -1");
    }

    @Test
    void nonNumericHeaderLength() {
        assertFailure(() -> decoder.decode(TARGET, body("{}", new byte[0]), "abc"), TritonCode.INVALID_ARG,
                "Unable to parse Inference-Header-Content-Length, got: abc");
    }

    @Test
    void headerLengthEqualToTheBodyIsAllJson() {
        String json = input("X", "INT8", "[1]", "[5]");
        assertThat(bytesOf(only(decodeBinary(json, new byte[0])))).containsExactly(5);
    }

    @Test
    void headerLengthZeroIsARawBinaryRequest() {
        ModelConfig config = ModelConfig.newBuilder().setName("raw").setMaxBatchSize(4)
                .addInput(ModelInput.newBuilder().setName("IN").setDataType(DataType.TYPE_FP32).addDims(-1))
                .build();
        byte[] raw = le(12).putFloat(1).putFloat(2).putFloat(3).array();

        DecodedInferRequest decoded = decoder.decode(new InferTarget("raw", 2, config), Unpooled.wrappedBuffer(raw), "0");

        Tensor tensor = only(decoded);
        assertThat(tensor.name()).isEqualTo("IN");
        assertThat(tensor.shape()).containsExactly(1, 3);
        assertThat(bytesOf(tensor)).containsExactly(raw);
        assertThat(tensor.data().isDirect()).isTrue();
        assertThat(decoded.request().modelVersion()).isEqualTo(2);
        assertThat(decoded.encoding().forOutput("anything").binary()).isTrue();
    }

    @Test
    void rawBinaryBytesInputGetsItsLengthPrefix() {
        ModelConfig config = ModelConfig.newBuilder().setName("raw")
                .addInput(ModelInput.newBuilder().setName("TEXT").setDataType(DataType.TYPE_STRING).addDims(1))
                .build();
        Tensor tensor = only(decoder.decode(new InferTarget("raw", -1, config),
                Unpooled.wrappedBuffer(utf8("hello")), "0"));
        assertThat(tensor.shape()).containsExactly(1);
        assertThat(BytesElements.split(tensor.data())).containsExactly(utf8("hello"));
    }

    @Test
    void rawBinaryNeedsExactlyOneInput() {
        assertFailure(() -> decoder.decode(TARGET, Unpooled.wrappedBuffer(new byte[4]), "0"), TritonCode.INVALID_ARG,
                "Raw request must only have 1 input (found 1) to be deduced but got 2 inputs in 'm' model configuration");
    }

    // ---- malformed JSON and structure -------------------------------------------------------------------

    @Test
    void malformedJson() {
        TritonException e = failure(() -> decode("{\"inputs\":[}"));
        assertThat(e.code()).isEqualTo(TritonCode.INTERNAL);
        assertThat(e.getMessage()).startsWith("failed to parse the request JSON buffer: ").containsPattern(" at \\d+$");
    }

    @Test
    void trailingGarbageIsMalformed() {
        TritonException e = failure(() -> decode("{\"inputs\":[]} x"));
        assertThat(e.code()).isEqualTo(TritonCode.INTERNAL);
        assertThat(e.getMessage()).startsWith("failed to parse the request JSON buffer: ");
    }

    @Test
    void emptyJsonHeaderWithBinaryAfterIt() {
        assertFailure(() -> decoder.decode(TARGET, body(" ", new byte[0]), null), TritonCode.INTERNAL,
                "failed to parse the request JSON buffer: The document is empty. at 0");
    }

    @Test
    void missingInputs() {
        assertFailure(() -> decode("{}"), TritonCode.INTERNAL,
                "Unable to parse 'inputs': attempt to access non-existing object member 'inputs'");
        assertFailure(() -> decode("[1]"), TritonCode.INTERNAL,
                "Unable to parse 'inputs': attempt to access non-existing object member 'inputs'");
        assertFailure(() -> decode("{\"inputs\":{}}"), TritonCode.INTERNAL,
                "Unable to parse 'inputs': attempt to access JSON non-array as array");
    }

    @Test
    void inputNameAndDatatypeAndShapeAreRequired() {
        assertFailure(() -> decode("{\"inputs\":[{\"datatype\":\"INT8\",\"shape\":[1],\"data\":[1]}]}"),
                TritonCode.INTERNAL, "Unable to parse 'name': attempt to access non-existing object member 'name'");
        assertFailure(() -> decode("{\"inputs\":[{\"name\":3,\"datatype\":\"INT8\",\"shape\":[1],\"data\":[1]}]}"),
                TritonCode.INTERNAL, "Unable to parse 'name': attempt to access JSON non-string as string");
        assertFailure(() -> decode("{\"inputs\":[{\"name\":\"X\",\"shape\":[1],\"data\":[1]}]}"),
                TritonCode.INTERNAL, "Unable to parse 'datatype': attempt to access non-existing object member 'datatype'");
        assertFailure(() -> decode("{\"inputs\":[{\"name\":\"X\",\"datatype\":\"INT8\",\"data\":[1]}]}"),
                TritonCode.INTERNAL, "Unable to parse 'shape': attempt to access non-existing object member 'shape'");
        assertFailure(() -> decode(input("X", "INT8", "[-1]", "[1]")), TritonCode.INTERNAL,
                "Unable to parse 'shape': attempt to access JSON non-unsigned-integer as unsigned-integer");
    }

    @Test
    void idMustBeAString() {
        assertThat(decode("{\"id\":\"42\",\"inputs\":[]}").request().id()).isEqualTo("42");
        assertThat(decode("{\"inputs\":[]}").request().id()).isEmpty();
        assertFailure(() -> decode("{\"id\":42,\"inputs\":[]}"), TritonCode.INTERNAL,
                "Unable to parse 'id': attempt to access JSON non-string as string");
    }

    @Test
    void exactlyOneContentFieldPerInput() {
        String prefix = "Input must set only one of the following fields: 'data', 'binary_data_size' in "
                + "'parameters', 'shared_memory_region' in 'parameters'. But";
        assertFailure(() -> decode("{\"inputs\":[{\"name\":\"X\",\"datatype\":\"INT8\",\"shape\":[1]}]}"),
                TritonCode.INVALID_ARG, prefix + " no field is set");
        assertFailure(() -> decode("{\"inputs\":[{\"name\":\"X\",\"datatype\":\"INT8\",\"shape\":[1],\"data\":[1],"
                        + "\"parameters\":{\"binary_data_size\":1}}]}"),
                TritonCode.INVALID_ARG, prefix + " set 'data' 'binary_data_size'");
    }

    @Test
    void duplicateInputNames() {
        assertFailure(() -> decode("{\"inputs\":[{\"name\":\"X\",\"datatype\":\"INT8\",\"shape\":[1],\"data\":[1]},"
                        + "{\"name\":\"X\",\"datatype\":\"INT8\",\"shape\":[1],\"data\":[2]}]}"),
                TritonCode.INVALID_ARG, "input 'X' already exists in request");
    }

    @Test
    void sharedMemoryIsRefused() {
        TritonException in = failure(() -> decode("{\"inputs\":[{\"name\":\"X\",\"datatype\":\"INT8\",\"shape\":[1],"
                + "\"parameters\":{\"shared_memory_region\":\"r\",\"shared_memory_byte_size\":1}}]}"));
        assertThat(in.code()).isEqualTo(TritonCode.INVALID_ARG);
        assertThat(in.getMessage()).contains("shared memory is not supported");

        TritonException out = failure(() -> decode("{\"inputs\":[],\"outputs\":[{\"name\":\"Y\","
                + "\"parameters\":{\"shared_memory_region\":\"r\",\"shared_memory_byte_size\":4}}]}"));
        assertThat(out.code()).isEqualTo(TritonCode.INVALID_ARG);
        assertThat(out.getMessage()).contains("output 'Y'").contains("shared memory is not supported");
    }

    // ---- request parameters -----------------------------------------------------------------------------

    @Test
    void sequenceParametersBecomeCorrelationIdAndFlags() {
        InferenceRequest request = decode("{\"parameters\":{\"sequence_id\":7,\"sequence_start\":true,"
                + "\"sequence_end\":true},\"inputs\":[]}").request();
        assertThat(request.correlationId()).isEqualTo(7L);
        assertThat(request.flags()).isEqualTo(3);

        InferenceRequest stringId = decode("{\"parameters\":{\"sequence_id\":\"abc\",\"sequence_end\":true,"
                + "\"sequence_start\":false},\"inputs\":[]}").request();
        assertThat(stringId.correlationId()).isEqualTo("abc");
        assertThat(stringId.flags()).isEqualTo(2);

        assertThat(decode("{\"inputs\":[]}").request().correlationId()).isEqualTo(0L);
    }

    @Test
    void timeoutAndPriorityAreReservedNotCustom() {
        InferenceRequest request = decode("{\"parameters\":{\"timeout\":1500,\"priority\":2},\"inputs\":[]}").request();
        assertThat(request.timeoutMicros()).isEqualTo(1500);
        assertThat(request.parameters()).isEmpty();
    }

    @Test
    void wronglyTypedReservedParameters() {
        assertFailure(() -> decode("{\"parameters\":{\"sequence_id\":true},\"inputs\":[]}"), TritonCode.INTERNAL,
                "Unable to parse 'sequence_id': attempt to access JSON non-string as string");
        assertFailure(() -> decode("{\"parameters\":{\"sequence_start\":1},\"inputs\":[]}"), TritonCode.INTERNAL,
                "Unable to parse 'sequence_start': attempt to access JSON non-boolean as boolean");
        assertFailure(() -> decode("{\"parameters\":{\"timeout\":-1},\"inputs\":[]}"), TritonCode.INTERNAL,
                "Unable to parse 'timeout': attempt to access JSON non-unsigned-integer as unsigned-integer");
        assertFailure(() -> decode("{\"parameters\":{\"priority\":\"high\"},\"inputs\":[]}"), TritonCode.INTERNAL,
                "Unable to parse 'priority': attempt to access JSON non-unsigned-integer as unsigned-integer");
        assertFailure(() -> decode("{\"parameters\":{\"binary_data_output\":\"yes\"},\"inputs\":[]}"),
                TritonCode.INTERNAL, "Unable to parse 'binary_data_output': attempt to access JSON non-boolean as boolean");
        assertFailure(() -> decode("{\"parameters\":[],\"inputs\":[]}"), TritonCode.INTERNAL,
                "failed to get request params.: attempt to get members for non-object");
    }

    @Test
    void tritonPrefixIsReserved() {
        assertFailure(() -> decode("{\"parameters\":{\"triton_x\":1},\"inputs\":[]}"), TritonCode.INVALID_ARG,
                "parameter keys starting with 'triton_' are reserved for Triton usage and should not be specified.");
    }

    @Test
    void customParametersKeepTheirTypesAndOrder() {
        Map<String, Object> parameters = decode("{\"parameters\":{\"s\":\"v\",\"i\":-3,\"b\":false,\"d\":0.5,"
                + "\"big\":18446744073709551615},\"inputs\":[]}").request().parameters();
        assertThat(parameters).containsExactly(Map.entry("s", "v"), Map.entry("i", -3L), Map.entry("b", false),
                Map.entry("d", 0.5), Map.entry("big", 1.8446744073709552E19));
    }

    @Test
    void customParameterOfAnotherType() {
        assertFailure(() -> decode("{\"parameters\":{\"o\":{}},\"inputs\":[]}"), TritonCode.INVALID_ARG,
                "parameter 'o' has invalid type. It should be either 'int', 'bool', or 'string'.");
        assertFailure(() -> decode("{\"parameters\":{\"n\":null},\"inputs\":[]}"), TritonCode.INVALID_ARG,
                "parameter 'n' has invalid type. It should be either 'int', 'bool', or 'string'.");
    }

    // ---- outputs -------------------------------------------------------------------------------------------

    @Test
    void outputsListedAndDefaults() {
        DecodedInferRequest decoded = decode("{\"parameters\":{\"binary_data_output\":true},\"inputs\":[],"
                + "\"outputs\":[{\"name\":\"B\",\"parameters\":{\"binary_data\":true}},{\"name\":\"J\"},"
                + "{\"name\":\"C\",\"parameters\":{\"classification\":3,\"binary_data\":false}}]}");

        assertThat(decoded.request().requestedOutputs()).containsExactly("B", "J", "C");
        OutputEncoding encoding = decoded.encoding();
        assertThat(encoding.forOutput("B").binary()).isTrue();
        assertThat(encoding.forOutput("J").binary()).as("listed without binary_data: JSON").isFalse();
        assertThat(encoding.forOutput("C").classificationCount()).isEqualTo(3);
        assertThat(encoding.forOutput("UNLISTED").binary()).as("binary_data_output").isTrue();
    }

    @Test
    void noOutputsMeansEveryOutputAsJsonByDefault() {
        DecodedInferRequest decoded = decode("{\"inputs\":[]}");
        assertThat(decoded.request().requestedOutputs()).isEmpty();
        assertThat(decoded.encoding().forOutput("any").binary()).isFalse();
    }

    @Test
    void malformedOutputs() {
        assertFailure(() -> decode("{\"inputs\":[],\"outputs\":{}}"), TritonCode.INTERNAL,
                "Unable to parse 'outputs': attempt to access JSON non-array as array");
        assertFailure(() -> decode("{\"inputs\":[],\"outputs\":[{}]}"), TritonCode.INTERNAL,
                "Unable to parse 'name': attempt to access non-existing object member 'name'");
        assertFailure(() -> decode("{\"inputs\":[],\"outputs\":[{\"name\":\"Y\",\"parameters\":{\"binary_data\":1}}]}"),
                TritonCode.INTERNAL, "Unable to parse 'binary_data': attempt to access JSON non-boolean as boolean");
        assertFailure(() -> decode("{\"inputs\":[],\"outputs\":[{\"name\":\"Y\",\"parameters\":{\"classification\":-2}}]}"),
                TritonCode.INTERNAL,
                "Unable to set 'classification': attempt to access JSON non-unsigned-integer as unsigned-integer");
    }

    @Test
    void requestCarriesModelAndRequestedVersion() {
        InferenceRequest request = decoder.decode(new InferTarget("m", 3, TARGET.config()),
                body("{\"inputs\":[]}", new byte[0]), null).request();
        assertThat(request.modelName()).isEqualTo("m");
        assertThat(request.modelVersion()).isEqualTo(3);
    }

    // ---- JSON data read in two passes ----------------------------------------------------------------------

    @Test
    void dataMayComeBeforeDatatypeAndShape() {
        Tensor tensor = only(decode("{\"inputs\":[{\"data\":[[1,2],[3,-4]],\"name\":\"X\",\"shape\":[2,2],"
                + "\"datatype\":\"INT16\"}]}"));
        assertThat(tensor.shape()).containsExactly(2, 2);
        assertThat(bytesOf(tensor)).containsExactly(1, 0, 2, 0, 3, 0, 0xfc, 0xff);
    }

    @Test
    void theLastOfDuplicateMembersCounts() {
        String prefix = "{\"inputs\":[{\"name\":\"X\",\"datatype\":\"INT8\",\"shape\":[2],";
        assertThat(bytesOf(only(decode(prefix + "\"data\":[1,2],\"data\":[3,4]}]}")))).containsExactly(3, 4);
        assertFailure(() -> decode(prefix + "\"data\":[1,2],\"data\":5}]}"), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-array as array");
    }

    @Test
    void jsonInputsAreDecodedIntoDirectBuffersOfTheirOwn() {
        String json = "{\"inputs\":[{\"name\":\"A\",\"datatype\":\"INT32\",\"shape\":[2],\"data\":[1,2]},"
                + "{\"name\":\"B\",\"datatype\":\"BOOL\",\"shape\":[1],\"data\":[true]}]}";
        List<Tensor> inputs = decode(json).request().inputs();
        assertThat(inputs.get(0).data().isDirect()).isTrue();
        assertThat(inputs.get(0).data().capacity()).isEqualTo(8);
        assertThat(inputs.get(1).data().isDirect()).isTrue();
        assertThat(bytesOf(inputs.get(1))).containsExactly(1);
    }

    @Test
    void spansAreFoundWhereverTheHeaderStartsInTheBody() {
        String json = input("X", "FP64", "[3]", "[0.5, -1e300, 7]");
        byte[] expected = le(24).putDouble(0.5).putDouble(-1e300).putDouble(7).array();
        byte[] padded = utf8("pad" + json + "tail");
        ByteBuf offsetInArray = Unpooled.wrappedBuffer(padded).slice(3, utf8(json).length);
        ByteBuf readerIndexMoved = Unpooled.wrappedBuffer(padded, 0, 3 + utf8(json).length).skipBytes(3);
        ByteBuf direct = Unpooled.directBuffer().writeBytes(padded, 0, 3 + utf8(json).length).skipBytes(3);
        for (ByteBuf body : List.of(offsetInArray, readerIndexMoved, direct)) {
            assertThat(bytesOf(only(decoder.decode(TARGET, body, null)))).as(body.toString()).containsExactly(expected);
        }
        direct.release();
    }

    @Test
    void integersOutsideTheirDatatypeAreRefusedNotWrapped() {
        for (String[] c : new String[][] {{"INT8", "128"}, {"INT8", "-129"}, {"UINT8", "256"}, {"INT16", "32768"},
                {"UINT16", "65536"}, {"INT32", "2147483648"}, {"INT32", "-2147483649"}, {"UINT32", "4294967296"}}) {
            assertFailure(() -> decode(input("X", c[0], "[1]", "[" + c[1] + "]")), TritonCode.INVALID_ARG,
                    "Unable to parse 'data': value " + c[1] + " is out of range for " + c[0]);
        }
        assertThat(bytesOf(only(decode(input("X", "INT32", "[2]", "[2147483647,-2147483648]")))))
                .containsExactly(0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0x80);
    }

    @Test
    void numbersPastTheFloatRangeAreRefusedButSpelledOutInfinityIsKept() {
        assertFailure(() -> decode(input("X", "FP64", "[1]", "[1e400]")), TritonCode.INVALID_ARG,
                "failed to parse the request JSON buffer: Number too big to be stored in double. at 'data' value 1e400");
        assertFailure(() -> decode(input("X", "FP32", "[1]", "[1e39]")), TritonCode.INVALID_ARG,
                "Unable to parse 'data': value 1e39 is out of range for FP32");
        assertThat(only(decode(input("X", "FP32", "[2]", "[Infinity,NaN]"))).data().order(ByteOrder.LITTLE_ENDIAN)
                .getFloat(0))
                .isEqualTo(Float.POSITIVE_INFINITY);
    }

    @Test
    void raggedNestedArraysAreRefusedRegularOnesPass() {
        assertFailure(() -> decode(input("X", "INT32", "[4]", "[[1,2],[3],[4]]")), TritonCode.INVALID_ARG,
                NestingCheck.RAGGED);
        assertFailure(() -> decode(input("X", "INT32", "[3]", "[1,[2,3]]")), TritonCode.INVALID_ARG,
                NestingCheck.RAGGED);
        assertFailure(() -> decode(input("X", "BYTES", "[3]", "[[\"a\"],[\"b\",\"c\"]]")), TritonCode.INVALID_ARG,
                NestingCheck.RAGGED);
        assertThat(only(decode(input("X", "INT32", "[2,2]", "[[1,2],[3,4]]"))).byteSize()).isEqualTo(16);
        assertThat(only(decode(input("X", "INT32", "[4]", "[[1,2],[3,4]]"))).byteSize()).isEqualTo(16);
    }

    @Test
    void aBodyWithZeroBytesAtItsStartIsMalformedJsonNotAnEncodingFailure() {
        // Found by InferRequestFuzzTest: Jackson took such a body for UTF-32 and failed with an IOException.
        byte[] body = {'{', 0, 0, 0, (byte) 0x8c, 'n', 'p', 'u', 't', 's'};
        assertFailure(() -> decoder.decode(TARGET, Unpooled.wrappedBuffer(body), null), TritonCode.INTERNAL,
                "failed to parse the request JSON buffer: Invalid value. at 0");
    }

    @Test
    void syntaxErrorsNameNoParserInternals() {
        for (String body : List.of("{\"inputs\":[}", "{\"inputs\" []}", "{inputs:[]}", "{\"inputs\":[]",
                "{\"id\":\"a\\q\"}", "{\"id\":tru}", "[1 2]", "{\"a\":1]")) {
            assertThatThrownBy(() -> decode(body)).isInstanceOf(TritonException.class)
                    .hasMessageStartingWith("failed to parse the request JSON buffer: ")
                    .hasMessageNotContaining("Source").hasMessageNotContaining("jackson")
                    .hasMessageNotContaining("JsonNode").hasMessageNotContaining("Unexpected character");
        }
    }

    @Test
    void syntaxErrorsInDataComeFirstWithTheirOffsetInTheHeader() {
        assertFailure(() -> decode("{\"id\":5,\"inputs\":[{\"name\":\"X\",\"datatype\":\"FP32\",\"shape\":[2],"
                + "\"data\":[01,2]}]}"), TritonCode.INTERNAL,
                "failed to parse the request JSON buffer: Invalid value. at 69");
    }

    @Test
    void trailingTokensAfterTheHeader() {
        assertFailure(() -> decode("{\"inputs\":[]} 1"), TritonCode.INTERNAL,
                "failed to parse the request JSON buffer: The document root must not be followed by other values. "
                        + "at 14");
        assertFailure(() -> decode("[1]{"), TritonCode.INTERNAL,
                "failed to parse the request JSON buffer: The document root must not be followed by other values. "
                        + "at 3");
    }

    @Test
    void aWrongElementTypeComesBeforeTheSizeLimit() {
        InferRequestDecoder small = new InferRequestDecoder(16);
        TritonException e = failure(() -> small.decode(TARGET, body(input("X", "INT64", "[3]", "[1,2,true]"),
                new byte[0]), null));
        assertThat(e.code()).isEqualTo(TritonCode.INTERNAL);
        assertThat(e.getMessage()).isEqualTo(
                "Unable to parse 'data': attempt to access JSON non-signed-integer as signed-integer");
    }

    @Test
    void aShapeLargerThanTheDataCanHold() {
        for (String shape : List.of("[100000]", "[100000000000]", "[4294967296,4294967296]")) {
            assertFailure(() -> decode(input("X", "INT64", shape, "[1]")), TritonCode.INTERNAL,
                    "Unable to parse 'data': Shape does not match true shape of 'data' field");
        }
    }

    @Test
    void elementCountAndTypeAreCheckedInTheOrderTheyWereBefore() {
        // Fixed-width elements: the count as elements arrive; BYTES: every element's type, then the count.
        assertFailure(() -> decode(input("X", "INT8", "[1]", "[1,2,\"x\"]")), TritonCode.INTERNAL,
                "Unable to parse 'data': Shape does not match true shape of 'data' field");
        assertFailure(() -> decode(input("S", "BYTES", "[1]", "[\"a\",\"b\",1]")), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-string as string");
        assertFailure(() -> decode(input("X", "INT8", "[3]", "[1,{\"a\":[2]},3]")), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-signed-integer as signed-integer");
        assertFailure(() -> decode(input("X", "FP32", "[2]", "[1,null]")), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-number as double");
    }

    @Test
    void integersBecomeFloatingPointThroughDouble() {
        ByteBuffer fp32 = only(decode(input("X", "FP32", "[3]", "[16777217,18446744073709551617,-0]"))).data()
                .order(ByteOrder.LITTLE_ENDIAN);
        assertThat(fp32.getFloat(0)).isEqualTo(16777216f);
        assertThat(fp32.getFloat(4)).isEqualTo((float) 18446744073709551617.0);
        assertThat(Float.floatToRawIntBits(fp32.getFloat(8))).as("integer -0 is +0.0").isZero();
        ByteBuffer fp64 = only(decode(input("X", "FP64", "[2]", "[9007199254740993,123456789012345678901234567890]")))
                .data().order(ByteOrder.LITTLE_ENDIAN);
        assertThat(fp64.getDouble(0)).isEqualTo(9007199254740992.0);
        assertThat(fp64.getDouble(8)).isEqualTo(new java.math.BigInteger("123456789012345678901234567890").doubleValue());
    }

    @Test
    void unsignedAndSignedRanges() {
        assertFailure(() -> decode(input("X", "UINT64", "[1]", "[18446744073709551616]")), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-unsigned-integer as unsigned-integer");
        assertFailure(() -> decode(input("X", "INT8", "[1]", "[NaN]")), TritonCode.INTERNAL,
                "Unable to parse 'data': attempt to access JSON non-signed-integer as signed-integer");
        // Triton keeps the low bytes of these (0, 0); jepserve refuses a value that would change.
        assertFailure(() -> decode(input("X", "UINT16", "[2]", "[65536,9223372036854775808]")),
                TritonCode.INVALID_ARG, "Unable to parse 'data': value 65536 is out of range for UINT16");
    }
}
