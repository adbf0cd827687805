package dev.jepserve.metrics;

/**
 * Where one counter or gauge series keeps its value: on the heap, or in a {@link MetricCells} table that stub
 * processes map too. Every operation is atomic and lock-free.
 */
interface ValueCell {
    double get();

    void add(double amount);

    void set(double value);

    /** The series is gone: a shared cell goes back to its table (a heap cell has nothing to give back). */
    default void free() {
    }

    /** A heap cell: the double's bits in an AtomicLong, so that set and add never race. */
    final class Heap implements ValueCell {
        private final java.util.concurrent.atomic.AtomicLong bits =
                new java.util.concurrent.atomic.AtomicLong(Double.doubleToRawLongBits(0.0));

        @Override
        public double get() {
            return Double.longBitsToDouble(bits.get());
        }

        @Override
        public void add(double amount) {
            long current;
            do {
                current = bits.get();
            } while (!bits.compareAndSet(current, Double.doubleToRawLongBits(Double.longBitsToDouble(current) + amount)));
        }

        @Override
        public void set(double value) {
            bits.set(Double.doubleToRawLongBits(value));
        }
    }
}
