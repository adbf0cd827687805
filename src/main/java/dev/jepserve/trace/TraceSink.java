package dev.jepserve.trace;

/** Where complete traces go (Triton's trace file or OTLP spans). */
interface TraceSink extends AutoCloseable {
    /** A trace is complete: the core ended the request and the front end sent its answer. Must not block long. */
    void complete(CollectedTrace trace);

    /** Writes or exports what is still held; called once, at shutdown. */
    @Override
    void close();

    /** Drops every trace (tracing configured off, or tests). */
    TraceSink NONE = new TraceSink() {
        @Override
        public void complete(CollectedTrace trace) {
        }

        @Override
        public void close() {
        }
    };
}
