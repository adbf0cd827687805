package dev.jepserve.metrics;

/**
 * The metrics backend pb_utils.MetricFamily calls inside a stub process: the same methods as
 * {@link CustomMetrics}, backed by the server's registry through a {@link MetricsLink}. Updates are checked
 * here first (a local series of the same kind applies the same rules and texts), so a wrong update fails in
 * the model at once, and a right one costs no round trip.
 */
public final class RemoteMetrics {
    private final MetricsLink link;

    public RemoteMetrics(MetricsLink link) {
        this.link = link;
    }

    /** @see CustomMetrics#family */
    public Family family(String name, String description, int kind) {
        MetricKind metricKind = MetricKind.fromCode(kind);
        return new Family(link.newFamily(name, description, kind), metricKind);
    }

    /** A family as the stub's Python sees it. */
    public final class Family {
        private final long id;
        private final MetricKind kind;

        private Family(long id, MetricKind kind) {
            this.id = id;
            this.kind = kind;
        }

        /** @see CustomFamily#series */
        public Handle series(String[] labelNames, String[] labelValues, double[] buckets, String owner) {
            long series = link.newSeries(id, labelNames, labelValues, buckets, owner == null ? "" : owner);
            return new Handle(series, localRules(kind, buckets));
        }
    }

    private static Series localRules(MetricKind kind, double[] buckets) {
        LabelSet none = LabelSet.of(new String[0], new String[0]);
        return switch (kind) {
            case COUNTER -> new CounterSeries(none);
            case GAUGE -> new GaugeSeries(none);
            case HISTOGRAM -> new HistogramSeries(none, buckets);
        };
    }

    /** One series reference held by one Python Metric object; @see CustomSeries. */
    public final class Handle {
        private final long id;
        private final Series rules;
        private volatile boolean released;

        private Handle(long id, Series rules) {
            this.id = id;
            this.rules = rules;
        }

        public void increment(double amount) {
            live().increment(amount);
            link.update(id, MetricsLink.UpdateKind.INCREMENT, amount);
        }

        public void set(double value) {
            live().set(value);
            link.update(id, MetricsLink.UpdateKind.SET, value);
        }

        public void observe(double value) {
            live().observe(value);
            link.update(id, MetricsLink.UpdateKind.OBSERVE, value);
        }

        public double value() {
            live().value();
            return link.value(id);
        }

        public synchronized void release() {
            if (!released) {
                released = true;
                link.update(id, MetricsLink.UpdateKind.RELEASE, 0);
            }
        }

        public boolean isReleased() {
            return released;
        }

        private Series live() {
            if (released) {
                throw new IllegalStateException(CustomSeries.RELEASED_MESSAGE);
            }
            return rules;
        }
    }
}
