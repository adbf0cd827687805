package dev.jepserve.stub;

import dev.jepserve.python.BorderCallbacks;
import dev.jepserve.stub.proto.ModelControlCall;
import dev.jepserve.stub.proto.ModelControlReply;
import dev.jepserve.stub.proto.ToStub;

import java.util.concurrent.Executor;
import java.util.function.BiConsumer;

/**
 * The server's end of a stub's pb_utils model control: runs the call on a thread of its own (a load takes as
 * long as the load; the stub's socket reader must stay free) through the same callbacks in-process models
 * use, and answers the stub that asked.
 */
final class StubModelControlHandler implements BiConsumer<StubModelInstance, ModelControlCall> {
    private final BorderCallbacks callbacks;
    private final Executor executor;

    StubModelControlHandler(BorderCallbacks callbacks, Executor executor) {
        this.callbacks = callbacks;
        this.executor = executor;
    }

    @Override
    public void accept(StubModelInstance instance, ModelControlCall call) {
        executor.execute(() -> {
            String answer;
            try {
                answer = switch (call.getKindCase()) {
                    case LOAD -> orEmpty(callbacks.loadModel(call.getLoad().getName(), call.getLoad().getConfig(),
                            call.getLoad().getFilesJson()));
                    case UNLOAD -> orEmpty(callbacks.unloadModel(call.getUnload().getName(),
                            call.getUnload().getUnloadDependents()));
                    case IS_READY -> callbacks.isModelReady(call.getIsReady().getName(), call.getIsReady().getVersion());
                    default -> "unknown model control call";
                };
            } catch (RuntimeException e) {
                answer = String.valueOf(e.getMessage());
            }
            StubProcess stub = instance.stub();
            if (stub != null) {
                stub.send(ToStub.newBuilder().setModelControlReply(ModelControlReply.newBuilder()
                        .setCallId(call.getCallId()).setAnswer(answer)).build());
            }
        });
    }

    private static String orEmpty(String error) {
        return error == null ? "" : error;
    }
}
