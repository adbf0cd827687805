package dev.jepserve.stub;

import dev.jepserve.python.ModelControlPort;
import dev.jepserve.stub.proto.FromStub;
import dev.jepserve.stub.proto.IsModelReady;
import dev.jepserve.stub.proto.LoadModel;
import dev.jepserve.stub.proto.ModelControlCall;
import dev.jepserve.stub.proto.ModelControlReply;
import dev.jepserve.stub.proto.UnloadModel;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The stub's end of pb_utils' model control: each call goes to the server as a ModelControlCall and the
 * model's thread waits for the ModelControlReply (a load waits as long as the load takes).
 */
final class StubModelControl implements ModelControlPort {
    private final StubForwarder forwarder;
    private final AtomicLong nextCall = new AtomicLong();
    private final Map<Long, CompletableFuture<String>> calls = new ConcurrentHashMap<>();

    StubModelControl(StubForwarder forwarder) {
        this.forwarder = forwarder;
    }

    @Override
    public String load(String name, String config, String filesJson) {
        String answer = call(ModelControlCall.newBuilder().setLoad(LoadModel.newBuilder().setName(name)
                .setConfig(config == null ? "" : config).setFilesJson(filesJson == null ? "" : filesJson)));
        return answer.isEmpty() ? null : answer;
    }

    @Override
    public String unload(String name, boolean unloadDependents) {
        String answer = call(ModelControlCall.newBuilder().setUnload(UnloadModel.newBuilder().setName(name)
                .setUnloadDependents(unloadDependents)));
        return answer.isEmpty() ? null : answer;
    }

    @Override
    public String isReady(String name, String version) {
        return call(ModelControlCall.newBuilder().setIsReady(IsModelReady.newBuilder().setName(name)
                .setVersion(version == null ? "" : version)));
    }

    void onReply(ModelControlReply reply) {
        CompletableFuture<String> call = calls.remove(reply.getCallId());
        if (call != null) {
            call.complete(reply.getAnswer());
        }
    }

    private String call(ModelControlCall.Builder call) {
        long id = nextCall.incrementAndGet();
        CompletableFuture<String> answer = new CompletableFuture<>();
        calls.put(id, answer);
        forwarder.write(FromStub.newBuilder().setModelControlCall(call.setCallId(id)).build());
        return answer.join();
    }
}
