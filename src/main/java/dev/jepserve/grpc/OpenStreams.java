package dev.jepserve.grpc;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The ModelStreamInfer streams of one server that are still open, so that stopping can wind them down. */
final class OpenStreams {
    private final Set<InferStream> streams = ConcurrentHashMap.newKeySet();

    void add(InferStream stream) {
        streams.add(stream);
    }

    void remove(InferStream stream) {
        streams.remove(stream);
    }

    /** Every open stream stops taking requests and completes once its requests in flight are answered. */
    void shutdown() {
        for (InferStream stream : List.copyOf(streams)) {
            stream.shutdown();
        }
    }

    int size() {
        return streams.size();
    }
}
