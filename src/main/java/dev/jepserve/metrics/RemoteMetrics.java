package dev.jepserve.metrics;

/**
 * The metrics backend pb_utils.MetricFamily calls inside a stub process: the same methods as
 * {@link CustomMetrics}, backed by the server's registry through a {@link MetricsLink}. Updates are checked
 * here first (a local series of the same kind applies the same rules and texts), so a wrong update fails in
 * the model at once, and a right one costs no round trip. A counter or gauge whose value is in the server's
 * shared {@link MetricCells} table is updated and read there, with no message at all.
 */
public final class RemoteMetrics {
    private final MetricsLink link;
    /** The server's shared table, once the stub mapped it; null before (and when the server has none). */
    private volatile MetricCells cells;

    public RemoteMetrics(MetricsLink link) {
        this.link = link;
    }

    /** Series created from now on use the server's table for their cells. */
    public void attachCells(MetricCells table) {
        this.cells = table;
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
            MetricsLink.NewSeries series = link.newSeries(id, labelNames, labelValues, buckets,
                    owner == null ? "" : owner);
            MetricCells table = cells;
            ValueCell cell = series.cell() >= 0 && table != null ? table.cell(series.cell()) : null;
            return new Handle(series.id(), localRules(kind, buckets), cell);
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
        /** The shared value, or null when updates and reads are messages. */
        private final ValueCell cell;
        private volatile boolean released;

        private Handle(long id, Series rules, ValueCell cell) {
            this.id = id;
            this.rules = rules;
            this.cell = cell;
        }

        public void increment(double amount) {
            live().increment(amount);
            if (cell != null) {
                cell.add(amount);
            } else {
                link.update(id, MetricsLink.UpdateKind.INCREMENT, amount);
            }
        }

        public void set(double value) {
            live().set(value);
            if (cell != null) {
                cell.set(value);
            } else {
                link.update(id, MetricsLink.UpdateKind.SET, value);
            }
        }

        public void observe(double value) {
            live().observe(value);
            link.update(id, MetricsLink.UpdateKind.OBSERVE, value);
        }

        public double value() {
            live().value();
            return cell != null ? cell.get() : link.value(id);
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
