package io.fleetlearn.io;

import io.fleetlearn.event.ParseResult;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.metrics.SourceProgress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.kafka.common.TopicPartition;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Event-time watermarks for one Kafka partition that neither stall on empty partitions nor misfire
 * on replays of old data.
 *
 * <ul>
 *   <li>A partition's watermark is the largest valid event time it has delivered minus the bounded
 *       out-of-orderness.
 *   <li>A partition that is caught up (no backlog) and has delivered nothing for {@code
 *       idleTimeout} of wall-clock time stops holding the others back: it follows the largest event
 *       time seen on any partition of the same topic in this JVM, minus the out-of-orderness. Its
 *       silence counts from its own last record or, if later, from when the topic's data began (in
 *       this JVM, after a silence of the whole topic of at least {@code idleTimeout}, or at the
 *       start): a job waiting on empty topics has every partition silent for long when the first
 *       records arrive, and without this the first partition to deliver would close the windows of
 *       every other partition at once, before their producers (a gateway that reconnects and sends
 *       what it buffered, a batching client) had the idle timeout they get in the middle of a run.
 *       Only event times seen <em>before</em> KafkaIO's latest end-offset check of this partition
 *       count (KafkaIO checks about once a second): records written to this partition after that
 *       check may still be on their way, and a producer that writes in event-time order gives them
 *       event times no older than those.
 *   <li>No partition read in this JVM runs ahead of another: each reports the smallest watermark of
 *       the partitions of the same topic that this JVM reads (those that reported in the last
 *       {@link #STALE_AFTER_MILLIS} ms). Flink's source reader combines only the watermarks of
 *       partitions that have already emitted a record, so without this a partition whose consumer
 *       starts a second later than its neighbour's would find its backlog's windows already closed.
 *   <li>Wall-clock time never enters a watermark, so replaying months-old history closes its
 *       windows in event-time order, and a job that starts before any data arrives fires nothing
 *       early.
 * </ul>
 *
 * Records that fail validation do not move the watermark (a far-future timestamp would otherwise
 * close every open window).
 *
 * <p>Each time the reader asks for the watermark, the policy also leaves the partition's watermark,
 * largest event time and backlog in {@link SourceProgress}, where the workers' lag gauges read
 * them.
 */
final class EventTimePolicy extends TimestampPolicy<byte[], byte[]> {
  /**
   * A partition that has not reported its watermark for this long no longer holds the others back
   * (its reader was closed, or moved to another JVM after a failover). Readers report several times
   * a second.
   */
  static final long STALE_AFTER_MILLIS = 15_000;

  /**
   * How often a partition that keeps delivering tells the others (a shared write per record would
   * make the partitions' threads contend); far below any idle timeout.
   */
  static final long ACTIVITY_REPORT_MILLIS = 100;

  /** Per (job instance, topic): what the partitions read in this JVM share. */
  private static final Map<String, TopicGroup> GROUPS = new ConcurrentHashMap<>();

  private final SensorEventParser parser;
  private final long maxDelayMillis;
  private final long idleTimeoutMillis;
  private final LongSupplier wallClock;
  private final TopicGroup group;
  private final String progressKey;
  private long partitionMax = Long.MIN_VALUE;
  private long lastRecordWallMillis;

  /** When this partition last told the group that data arrived (wall clock). */
  private long lastActivityReport = Long.MIN_VALUE;

  /** The other partitions' largest event time, sampled at the previous watermark request. */
  private long sampleSharedMax = Long.MIN_VALUE;

  private long sampleWallMillis = Long.MAX_VALUE;

  /**
   * The largest event time of the other partitions that is known to precede anything still to come
   * on this partition: sampled before an end-offset check that found this partition caught up.
   */
  private long safeSharedMax = Long.MIN_VALUE;

  /** This partition's own watermark, before the other partitions' are taken into account. */
  private long ownWatermark;

  private Instant watermark;

  EventTimePolicy(
      SensorEventParser parser,
      Duration maxDelay,
      Duration idleTimeout,
      String sharedKey,
      String progressKey,
      Optional<Instant> previousWatermark) {
    this(
        parser,
        maxDelay,
        idleTimeout,
        sharedKey,
        progressKey,
        previousWatermark,
        System::currentTimeMillis);
  }

  EventTimePolicy(
      SensorEventParser parser,
      Duration maxDelay,
      Duration idleTimeout,
      String sharedKey,
      String progressKey,
      Optional<Instant> previousWatermark,
      LongSupplier wallClock) {
    this.parser = parser;
    this.maxDelayMillis = maxDelay.getMillis();
    this.idleTimeoutMillis = idleTimeout.getMillis();
    this.wallClock = wallClock;
    this.group = GROUPS.computeIfAbsent(sharedKey, k -> new TopicGroup());
    this.progressKey = progressKey;
    this.watermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
    this.ownWatermark = watermark.getMillis();
    this.lastRecordWallMillis = wallClock.getAsLong();
    group.report(progressKey, ownWatermark, lastRecordWallMillis);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    lastRecordWallMillis = wallClock.getAsLong();
    ParseResult p = parser.parseRecord(record.getKV().getValue(), record.getTimestamp());
    if (p.isAccepted()) {
      if (lastActivityReport == Long.MIN_VALUE
          || lastRecordWallMillis - lastActivityReport >= ACTIVITY_REPORT_MILLIS) {
        lastActivityReport = lastRecordWallMillis;
        group.delivered(lastRecordWallMillis, idleTimeoutMillis);
      }
      long t = p.event().timestampMillis();
      if (t > partitionMax) {
        partitionMax = t;
        group.max.accumulateAndGet(t, Math::max);
      }
      return new Instant(t);
    }
    // Invalid records go to the dead-letter topic, which is not windowed: any stable time will do.
    return partitionMax == Long.MIN_VALUE ? watermark : new Instant(partitionMax);
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    long now = wallClock.getAsLong();
    long candidate =
        partitionMax == Long.MIN_VALUE ? Long.MIN_VALUE : partitionMax - maxDelayMillis;
    Instant checked = ctx.getBacklogCheckTime();
    long checkedMillis = checked == null ? Long.MIN_VALUE : checked.getMillis();
    if (backlog(ctx) == 0 && checkedMillis >= sampleWallMillis) {
      // Everything written to this partition before the end-offset check has been read, and the
      // check came after the sample: whatever is written here later is newer than the sample.
      safeSharedMax = Math.max(safeSharedMax, sampleSharedMax);
    }
    sampleWallMillis = now;
    sampleSharedMax = group.max.get();
    boolean idle =
        backlog(ctx) == 0
            && now - Math.max(lastRecordWallMillis, group.activeSince) >= idleTimeoutMillis;
    if (idle && safeSharedMax != Long.MIN_VALUE) {
      candidate = Math.max(candidate, safeSharedMax - maxDelayMillis);
    }
    ownWatermark = Math.max(ownWatermark, candidate);
    group.report(progressKey, ownWatermark, now);
    long low = group.lowestWatermark(now);
    if (low > watermark.getMillis()) {
      watermark = new Instant(low);
    }
    SourceProgress.report(
        progressKey,
        watermark.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE)
            ? watermark.getMillis()
            : SourceProgress.UNKNOWN,
        partitionMax,
        backlog(ctx));
    return watermark;
  }

  /**
   * The partition's backlog in records. KafkaIO refreshes a partition's end offset about once a
   * second and reports "unknown" (-1) whenever the reader has meanwhile read past it; once an end
   * offset has been fetched, that means the reader is caught up, so 0.
   */
  static long backlog(PartitionContext ctx) {
    long b = ctx.getMessageBacklog();
    if (b < 0
        && ctx.getBacklogCheckTime() != null
        && ctx.getBacklogCheckTime().isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE)) {
      return 0;
    }
    return b;
  }

  /** The partitions of one topic that one job instance reads in this JVM. */
  private static final class TopicGroup {
    /** Largest valid event time delivered by any of them. */
    final AtomicLong max = new AtomicLong(Long.MIN_VALUE);

    /** Per partition: its own watermark and when it reported it (wall clock). */
    private final Map<String, long[]> reports = new ConcurrentHashMap<>();

    /** When (wall clock) any of them last delivered a valid record. */
    private final AtomicLong lastDelivery = new AtomicLong(Long.MIN_VALUE);

    /**
     * Since when (wall clock) data has been arriving without a pause of the idle timeout; {@code
     * Long.MIN_VALUE} before the first record.
     */
    volatile long activeSince = Long.MIN_VALUE;

    /** A partition delivered a valid record at {@code nowMillis}. */
    void delivered(long nowMillis, long idleTimeoutMillis) {
      long previous = lastDelivery.getAndSet(nowMillis);
      if (previous == Long.MIN_VALUE || nowMillis - previous >= idleTimeoutMillis) {
        activeSince = nowMillis; // the first data, or the first after the whole topic fell silent
      }
    }

    void report(String partition, long ownWatermark, long nowMillis) {
      reports.put(partition, new long[] {ownWatermark, nowMillis});
    }

    /** The smallest own watermark among the partitions that reported recently. */
    long lowestWatermark(long nowMillis) {
      long low = Long.MAX_VALUE;
      for (long[] r : reports.values()) {
        if (nowMillis - r[1] < STALE_AFTER_MILLIS) {
          low = Math.min(low, r[0]);
        }
      }
      return low;
    }
  }

  /** Creates one policy per partition; all policies of one factory share their event-time max. */
  static final class Factory implements TimestampPolicyFactory<byte[], byte[]> {
    private static final long serialVersionUID = 1L;
    private final SensorEventParser parser;
    private final Duration maxDelay;
    private final Duration idleTimeout;
    private final String instanceId;

    Factory(SensorEventParser parser, Duration maxDelay, Duration idleTimeout, String instanceId) {
      this.parser = parser;
      this.maxDelay = maxDelay;
      this.idleTimeout = idleTimeout;
      this.instanceId = instanceId;
    }

    @Override
    public TimestampPolicy<byte[], byte[]> createTimestampPolicy(
        TopicPartition tp, Optional<Instant> previousWatermark) {
      return new EventTimePolicy(
          parser,
          maxDelay,
          idleTimeout,
          instanceId + "/" + tp.topic(),
          instanceId + "/" + tp,
          previousWatermark);
    }
  }
}
