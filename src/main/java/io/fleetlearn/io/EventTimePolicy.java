package io.fleetlearn.io;

import io.fleetlearn.event.ParseResult;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.metrics.SourceProgress;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
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
 *       time seen on any partition of the same topic in this JVM, minus the out-of-orderness.
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
  /** Largest event time per (job instance, topic), shared by the partitions read in this JVM. */
  private static final Map<String, AtomicLong> SHARED_MAX = new ConcurrentHashMap<>();

  private final SensorEventParser parser;
  private final long maxDelayMillis;
  private final long idleTimeoutMillis;
  private final AtomicLong sharedMax;
  private final String progressKey;
  private long partitionMax = Long.MIN_VALUE;
  private long lastRecordWallMillis;
  private Instant watermark;

  EventTimePolicy(
      SensorEventParser parser,
      Duration maxDelay,
      Duration idleTimeout,
      String sharedKey,
      String progressKey,
      Optional<Instant> previousWatermark) {
    this.parser = parser;
    this.maxDelayMillis = maxDelay.getMillis();
    this.idleTimeoutMillis = idleTimeout.getMillis();
    this.sharedMax = SHARED_MAX.computeIfAbsent(sharedKey, k -> new AtomicLong(Long.MIN_VALUE));
    this.progressKey = progressKey;
    this.watermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
    this.lastRecordWallMillis = System.currentTimeMillis();
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    lastRecordWallMillis = System.currentTimeMillis();
    ParseResult p = parser.parse(record.getKV().getValue(), record.getTimestamp());
    if (p.isAccepted()) {
      long t = p.event().timestampMillis();
      if (t > partitionMax) {
        partitionMax = t;
        sharedMax.accumulateAndGet(t, Math::max);
      }
      return new Instant(t);
    }
    // Invalid records go to the dead-letter topic, which is not windowed: any stable time will do.
    return partitionMax == Long.MIN_VALUE ? watermark : new Instant(partitionMax);
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    long candidate =
        partitionMax == Long.MIN_VALUE ? Long.MIN_VALUE : partitionMax - maxDelayMillis;
    boolean idle =
        ctx.getMessageBacklog() == 0
            && System.currentTimeMillis() - lastRecordWallMillis >= idleTimeoutMillis;
    if (idle) {
      long shared = sharedMax.get();
      if (shared != Long.MIN_VALUE) {
        candidate = Math.max(candidate, shared - maxDelayMillis);
      }
    }
    if (candidate != Long.MIN_VALUE && candidate > watermark.getMillis()) {
      watermark = new Instant(candidate);
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
