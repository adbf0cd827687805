package dev.jepserve.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.jepserve.config.proto.DataType;
import dev.jepserve.config.proto.ModelConfig;
import dev.jepserve.config.proto.ModelInput;
import dev.jepserve.http.codec.DecodedInferRequest;
import dev.jepserve.http.codec.InferRequestDecoder;
import dev.jepserve.http.codec.InferTarget;
import dev.jepserve.inference.Tensor;
import dev.jepserve.inference.TritonException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The HTTP /infer body decoder on arbitrary bodies: JSON only, and JSON followed by binary tensors
 * (Inference-Header-Content-Length). It may refuse (TritonException) and must otherwise produce tensors whose
 * bytes fit their shapes.
 */
class InferRequestFuzzTest {
    private static final int MAX_INPUT = 1 << 20;
    private static final InferTarget TARGET = new InferTarget("m", -1, ModelConfig.newBuilder().setName("m")
            .addInput(ModelInput.newBuilder().setName("X").setDataType(DataType.TYPE_FP32).addDims(-1)).build());
    private static final InferRequestDecoder DECODER = new InferRequestDecoder(MAX_INPUT);

    @FuzzTest(maxDuration = "30s")
    void jsonBody(byte[] body) {
        decode(body, null);
    }

    @FuzzTest(maxDuration = "30s")
    void binaryExtension(FuzzedDataProvider data) {
        String headerLength = data.consumeBoolean() ? Integer.toString(data.consumeInt(-2, 4096))
                : data.consumeAsciiString(8);
        decode(data.consumeRemainingAsBytes(), headerLength);
    }

    private static void decode(byte[] bytes, String headerLength) {
        ByteBuf body = Unpooled.wrappedBuffer(bytes);
        try {
            DecodedInferRequest decoded = DECODER.decode(TARGET, body, headerLength);
            for (Tensor input : decoded.request().inputs()) {
                input.data(); // every tensor the decoder hands out is readable
            }
        } catch (TritonException refused) {
            // the decoder's refusal: expected
        } finally {
            body.release();
        }
    }
}
