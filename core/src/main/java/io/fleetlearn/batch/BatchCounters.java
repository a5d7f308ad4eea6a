package io.fleetlearn.batch;

import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.metrics.MetricsFilter;

/**
 * Names of the batch pipeline's Beam counters (namespace {@value #NAMESPACE}); the summary reads
 * them back from the finished job. Rejections count once in {@code rows_rejected} and once under
 * their reason, {@code rows_rejected_<REASON>}.
 */
public final class BatchCounters {
  public static final String NAMESPACE = "fleetlearn_batch";
  public static final String ROWS_READ = "rows_read";
  public static final String ROWS_FILTERED_OUT = "rows_filtered_out";
  public static final String ROWS_ENCODED = "rows_encoded";
  public static final String ROWS_UNLABELLED = "rows_unlabelled";
  public static final String ROWS_REJECTED = "rows_rejected";
  public static final String REJECTED_PREFIX = "rows_rejected_";
  public static final String MODELS_TRAINED = "models_trained";
  public static final String MODELS_SKIPPED = "models_skipped";

  private BatchCounters() {}

  public static Counter counter(String name) {
    return Metrics.counter(NAMESPACE, name);
  }

  /**
   * Totals of this namespace's counters in a finished job's metrics (attempted values: what every
   * runner reports), by counter name.
   */
  public static Map<String, Long> totals(MetricResults results) {
    Map<String, Long> totals = new TreeMap<>();
    MetricQueryResults q =
        results.queryMetrics(
            MetricsFilter.builder().addNameFilter(MetricNameFilter.inNamespace(NAMESPACE)).build());
    for (MetricResult<Long> c : q.getCounters()) {
      totals.merge(c.getName().getName(), c.getAttempted(), Long::sum);
    }
    return totals;
  }

  /** Counts one rejected row, in total and under its reason. */
  static void countRejected(RowRejectReason reason) {
    counter(ROWS_REJECTED).inc();
    counter(REJECTED_PREFIX + reason.name()).inc();
  }
}
