package dev.jepserve.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Serialized, flow-controlled writes to one server stream. Any thread may {@link #write} (responses come from
 * model threads); nothing blocks: messages queue, and one drain at a time, on the gRPC executor, hands them to
 * the transport while the client's window has room ({@code isReady}), resuming from the stream's onReady
 * callback. The queue itself is not bounded: a model that outpaces its client holds the backlog in memory.
 *
 * <p>After {@link #finish} (a normal end or an error status, once everything queued before it is written)
 * further writes are dropped. A cancelled stream drops everything.
 */
final class StreamWriter<T> {
    /** What the queue holds: a message, or the end of the stream. */
    private sealed interface Item<T> permits Message, End {
    }

    private record Message<T>(T value) implements Item<T> {
    }

    private record End<T>(Status status) implements Item<T> {
    }

    private final ServerCallStreamObserver<T> call;
    private final Executor executor;
    private final Queue<Item<T>> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean finished = new AtomicBoolean();
    private volatile boolean closed;

    /** Must be created while the call is being started (it registers the call's onReady handler). */
    StreamWriter(ServerCallStreamObserver<T> call, Executor executor) {
        this.call = call;
        this.executor = executor;
        call.setOnReadyHandler(this::scheduleDrain);
    }

    /** Queues a message; dropped once the stream is finishing or gone. */
    void write(T message) {
        if (!finished.get() && !closed) {
            queue.add(new Message<>(message));
            scheduleDrain();
        }
    }

    /** Ends the stream after what is queued: OK completes it, any other status fails it. Only the first counts. */
    void finish(Status status) {
        if (finished.compareAndSet(false, true)) {
            queue.add(new End<>(status));
            scheduleDrain();
        }
    }

    /** The stream is gone (cancelled by the client): drop everything. */
    void cancelled() {
        closed = true;
        queue.clear();
    }

    boolean isFinished() {
        return finished.get();
    }

    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException shuttingDown) {
                draining.set(false);
                cancelled();
            }
        }
    }

    private void drain() {
        while (true) {
            try {
                while (!closed && !queue.isEmpty() && (call.isReady() || queue.peek() instanceof End)) {
                    Item<T> item = queue.poll();
                    if (item instanceof Message<T> message) {
                        call.onNext(message.value());
                    } else if (item instanceof End<T> end) {
                        closed = true;
                        if (end.status().isOk()) {
                            call.onCompleted();
                        } else {
                            call.onError(end.status().asRuntimeException());
                        }
                    }
                }
            } catch (RuntimeException streamGone) {
                // The client cancelled between isReady and the write; the cancel handler cleans up.
                cancelled();
            }
            draining.set(false);
            // A write or onReady that came while this drain was finishing found 'draining' set: look again.
            boolean more = !closed && !queue.isEmpty() && (call.isReady() || queue.peek() instanceof End);
            if (!more || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
