package io.fleetlearn.metrics;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where the Kafka partitions read in this JVM stand: their watermark, their largest event time and
 * their backlog, as the source's timestamp policy last reported them. The runner does not let a
 * DoFn read a watermark, but the source computes one per partition; this is where it leaves it for
 * {@link PipelineMetrics}' lag gauges.
 *
 * <p>Static and per JVM (per class loader): the partitions a JVM reads are the ones it can report.
 * A partition not reported for {@link #STALE_AFTER_MILLIS} (reassigned, or its job cancelled) no
 * longer counts, and is forgotten after ten times that.
 */
public final class SourceProgress {
  /** A partition silent for this long (wall clock) no longer counts. */
  public static final long STALE_AFTER_MILLIS = 60_000;

  /** Marks an unknown watermark or event time. */
  public static final long UNKNOWN = Long.MIN_VALUE;

  private static final Map<String, Partition> PARTITIONS = new ConcurrentHashMap<>();

  private SourceProgress() {}

  private static final class Partition {
    volatile long watermarkMillis = UNKNOWN;
    volatile long maxEventMillis = UNKNOWN;
    volatile long backlog = -1;
    volatile long reportedAtMillis;
  }

  /**
   * Records one partition's state.
   *
   * @param key identifies the partition and the job instance reading it
   * @param watermarkMillis the partition's watermark, or {@link #UNKNOWN}
   * @param maxEventMillis its largest valid event time so far, or {@link #UNKNOWN}
   * @param backlog records between the read position and the partition's end, or negative when
   *     unknown
   */
  public static void report(String key, long watermarkMillis, long maxEventMillis, long backlog) {
    report(key, watermarkMillis, maxEventMillis, backlog, System.currentTimeMillis());
  }

  static void report(
      String key, long watermarkMillis, long maxEventMillis, long backlog, long nowMillis) {
    Partition p = PARTITIONS.computeIfAbsent(key, k -> new Partition());
    p.watermarkMillis = watermarkMillis;
    p.maxEventMillis = maxEventMillis;
    p.backlog = backlog;
    p.reportedAtMillis = nowMillis;
  }

  /** The partitions reported within {@link #STALE_AFTER_MILLIS} before {@code nowMillis}. */
  static Snapshot snapshot(long nowMillis) {
    long minWatermark = Long.MAX_VALUE;
    long maxEvent = UNKNOWN;
    long backlog = 0;
    int partitions = 0;
    int withoutWatermark = 0;
    int withBacklog = 0;
    for (Iterator<Partition> it = PARTITIONS.values().iterator(); it.hasNext(); ) {
      Partition p = it.next();
      long age = nowMillis - p.reportedAtMillis;
      if (age > 10 * STALE_AFTER_MILLIS) {
        it.remove();
        continue;
      }
      if (age > STALE_AFTER_MILLIS) {
        continue;
      }
      partitions++;
      if (p.watermarkMillis != UNKNOWN) {
        minWatermark = Math.min(minWatermark, p.watermarkMillis);
      } else {
        withoutWatermark++;
      }
      maxEvent = Math.max(maxEvent, p.maxEventMillis);
      if (p.backlog >= 0) {
        backlog += p.backlog;
        withBacklog++;
      }
    }
    return new Snapshot(
        partitions,
        withoutWatermark,
        minWatermark == Long.MAX_VALUE ? UNKNOWN : minWatermark,
        maxEvent,
        withBacklog == 0 ? -1 : backlog);
  }

  /** Forgets every partition (tests). */
  static void clear() {
    PARTITIONS.clear();
  }

  /** The JVM's partitions summed up. */
  static final class Snapshot {
    final int partitions;
    final int withoutWatermark;
    final long minWatermarkMillis;
    final long maxEventMillis;
    final long backlog;

    Snapshot(
        int partitions,
        int withoutWatermark,
        long minWatermarkMillis,
        long maxEventMillis,
        long backlog) {
      this.partitions = partitions;
      this.withoutWatermark = withoutWatermark;
      this.minWatermarkMillis = minWatermarkMillis;
      this.maxEventMillis = maxEventMillis;
      this.backlog = backlog;
    }

    /** Seconds from {@code millis} to {@code nowMillis}; NaN when unknown. */
    static double lagSeconds(long nowMillis, long millis) {
      return millis == UNKNOWN ? Double.NaN : (nowMillis - millis) / 1000.0;
    }
  }
}
