package dev.jepserve.bls;

import dev.jepserve.inference.InferenceResponse;
import dev.jepserve.inference.ResponseSink;
import dev.jepserve.inference.TritonException;

/**
 * The sink of a direct BLS call: the answer the caller's thread delivers while it {@link #capture captures}
 * stays here (its outputs are still Python objects, which never cross into Java); any other answer (one sent
 * later by a response sender, a rescheduled request's, shutdown's last word) goes on to the call's ordinary
 * answers, which the caller then waits for.
 */
public final class CapturingSink implements ResponseSink {
    /** What {@link #capture} caught: a response (null for an empty one) or an error. */
    public record Captured(InferenceResponse response, TritonException error) {
    }

    private final ResponseSink forward;
    private volatile Thread capturing;
    private Captured captured;

    CapturingSink(ResponseSink forward) {
        this.forward = forward;
    }

    /** Runs {@code deliver} on this thread; returns the answer it delivered to this sink, or null for none. */
    public Captured capture(Runnable deliver) {
        captured = null;
        capturing = Thread.currentThread();
        try {
            deliver.run();
        } finally {
            capturing = null;
        }
        return captured;
    }

    @Override
    public void send(InferenceResponse response, boolean isFinal) {
        if (capturing == Thread.currentThread()) {
            captured = new Captured(response, null);
        } else {
            forward.send(response, isFinal);
        }
    }

    @Override
    public void fail(TritonException error, boolean isFinal) {
        if (capturing == Thread.currentThread()) {
            captured = new Captured(null, error);
        } else {
            forward.fail(error, isFinal);
        }
    }
}
