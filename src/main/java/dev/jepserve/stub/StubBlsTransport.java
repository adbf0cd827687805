package dev.jepserve.stub;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.jepserve.bls.BlsReceiver;
import dev.jepserve.bls.BlsTransport;
import dev.jepserve.inference.RequestHandle;
import dev.jepserve.stub.proto.BlsAnswer;
import dev.jepserve.stub.proto.BlsCall;
import dev.jepserve.stub.proto.BlsCancel;
import dev.jepserve.stub.proto.FromStub;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** BLS calls from inside a stub: sent to the server over the stub's socket, answers matched back by call id. */
final class StubBlsTransport implements BlsTransport {
    private final StubForwarder forwarder;
    private final AtomicLong nextCall = new AtomicLong();
    private final Map<Long, BlsReceiver> open = new ConcurrentHashMap<>();

    StubBlsTransport(StubForwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    public RequestHandle start(String requestJson, List<ByteBuffer> inputs, BlsReceiver receiver) {
        long callId = nextCall.incrementAndGet();
        open.put(callId, receiver);
        BlsCall.Builder call = BlsCall.newBuilder().setCallId(callId).setRequestJson(requestJson);
        for (ByteBuffer input : inputs) {
            // The bytes are the call's own (Jep made them for this call): sent as they are, not copied again.
            call.addBuffers(UnsafeByteOperations.unsafeWrap(input.duplicate()));
        }
        forwarder.write(FromStub.newBuilder().setBlsCall(call).build());
        return () -> {
            if (open.containsKey(callId)) {
                forwarder.write(FromStub.newBuilder().setBlsCancel(BlsCancel.newBuilder().setCallId(callId)).build());
            }
        };
    }

    /** An answer from the server (on the socket's reader thread). */
    void onAnswer(BlsAnswer answer) {
        BlsReceiver receiver = answer.getFinal() ? open.remove(answer.getCallId()) : open.get(answer.getCallId());
        if (receiver == null) {
            return;
        }
        List<ByteBuffer> outputs = new ArrayList<>(answer.getBuffersCount());
        for (ByteString bytes : answer.getBuffersList()) {
            outputs.add(bytes.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN));
        }
        receiver.onAnswer(answer.getAnswerJson(), outputs, answer.getFinal());
    }
}
