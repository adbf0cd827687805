package dev.jepserve.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jepserve.grpc.InferRequestReader;
import dev.jepserve.grpc.proto.ModelInferRequest;
import dev.jepserve.inference.TritonException;

/** gRPC's ModelInferRequest on arbitrary bytes: protobuf may refuse them, the reader may refuse the message. */
class GrpcRequestFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void modelInferRequest(byte[] bytes) {
        ModelInferRequest message;
        try {
            message = ModelInferRequest.parseFrom(bytes);
        } catch (InvalidProtocolBufferException notProtobuf) {
            return;
        }
        try {
            InferRequestReader.read(message, -1);
        } catch (TritonException refused) {
            // expected
        }
    }
}
