package io.fleetlearn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.event.EventLimits;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.testing.TestEvents;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

/** Watermarks of {@link EventTimePolicy} with a controlled wall clock. */
class EventTimePolicyTest {
  private static final long T0 = 1_700_000_000_000L; // 2023: history, far from the wall clock
  private static final Duration DELAY = Duration.standardSeconds(1);
  private static final Duration IDLE = Duration.standardSeconds(5);
  private static final long MIN = BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis();

  private final SensorEventParser parser =
      new SensorEventParser(FeatureSchema.defaults(), EventLimits.defaults());
  private final AtomicLong wall = new AtomicLong(T0 + 400L * 24 * 3600 * 1000);
  private final String topic = "events-" + UUID.randomUUID();
  private long offset;

  private EventTimePolicy partition(int p) {
    return new EventTimePolicy(
        parser, DELAY, IDLE, topic, topic + "-" + p, Optional.empty(), wall::get);
  }

  /** KafkaIO's context, with the partition's end offset checked just now. */
  private TimestampPolicy.PartitionContext ctx(long backlog) {
    return ctx(backlog, wall.get());
  }

  private static TimestampPolicy.PartitionContext ctx(long backlog, long checkedAt) {
    return new TimestampPolicy.PartitionContext() {
      @Override
      public long getMessageBacklog() {
        return backlog;
      }

      @Override
      public Instant getBacklogCheckTime() {
        return backlog < 0 ? null : new Instant(checkedAt);
      }
    };
  }

  private Instant read(EventTimePolicy policy, String json, long eventTime) {
    KafkaRecord<byte[], byte[]> r =
        new KafkaRecord<>(
            topic,
            0,
            offset++,
            eventTime,
            KafkaTimestampType.CREATE_TIME,
            null,
            KV.of(new byte[] {'m'}, json.getBytes(StandardCharsets.UTF_8)));
    return policy.getTimestampForRecord(ctx(10), r);
  }

  private Instant event(EventTimePolicy policy, long t) {
    return read(policy, TestEvents.json("m1", t, new float[] {1, 2, 3, 4}, false), t);
  }

  private long wm(EventTimePolicy policy, long backlog) {
    return policy.getWatermark(ctx(backlog)).getMillis();
  }

  @Test
  void historyClosesWindowsInEventTimeOrderWithoutTheWallClock() {
    EventTimePolicy a = partition(0);
    assertEquals(MIN, wm(a, 5), "nothing read yet");
    assertEquals(new Instant(T0), event(a, T0));
    event(a, T0 + 10_000);
    event(a, T0 + 4_000); // out of order: does not lower the maximum
    assertEquals(T0 + 9_000, wm(a, 5), "largest event time minus the out-of-orderness");
  }

  @Test
  void invalidRecordsDoNotMoveTheWatermark() {
    EventTimePolicy a = partition(0);
    event(a, T0);
    read(a, "{\"machineId\":\"m1\",\"timestamp\":\"2999-01-01T00:00:00Z\"}", T0);
    read(a, "not json", T0);
    assertEquals(T0 - 1_000, wm(a, 5));
  }

  @Test
  void aPartitionWithoutDataYetHoldsBackItsNeighbour() {
    EventTimePolicy a = partition(0);
    EventTimePolicy b = partition(1);
    event(a, T0 + 60_000);
    // b's consumer has not fetched anything yet (backlog unknown): a must not close windows whose
    // events may still be waiting in b.
    assertEquals(MIN, wm(b, -1));
    assertEquals(MIN, wm(a, 0));
    wall.addAndGet(IDLE.getMillis() * 3);
    assertEquals(MIN, wm(b, -1), "unknown backlog is not idle, however long");
    assertEquals(MIN, wm(a, 0));
    event(a, T0 + 61_000); // a keeps receiving data, so it is not idle
    // b's first records arrive: both advance to the lower of the two.
    event(b, T0 + 20_000);
    assertEquals(T0 + 19_000, wm(b, 3));
    assertEquals(T0 + 19_000, wm(a, 0));
    event(b, T0 + 90_000);
    assertEquals(T0 + 60_000, wm(b, 3));
    assertEquals(T0 + 60_000, wm(a, 0));
  }

  @Test
  void anIdleCaughtUpPartitionFollowsTheOthers() {
    EventTimePolicy a = partition(0);
    EventTimePolicy b = partition(1);
    event(a, T0 + 60_000);
    assertEquals(MIN, wm(b, 0), "caught up, but not idle for long enough yet");
    assertEquals(MIN, wm(a, 0));
    wall.addAndGet(IDLE.getMillis());
    // a has not delivered anything for the idle timeout either, but its own data sets its floor.
    assertEquals(T0 + 59_000, wm(b, 0), "b is idle: it follows the largest event time");
    assertEquals(T0 + 59_000, wm(a, 0));
    event(a, T0 + 70_000);
    wall.addAndGet(IDLE.getMillis());
    assertEquals(T0 + 59_000, wm(b, 0), "a's new maximum came after b's previous sample");
    assertEquals(T0 + 59_000, wm(a, 0), "held back by b");
    assertEquals(T0 + 69_000, wm(b, 0), "b's end offset was checked after it");
    assertEquals(T0 + 69_000, wm(a, 0));
    // A backlog on b means it is not idle: it keeps its watermark but does not advance.
    event(a, T0 + 80_000);
    wm(b, 7);
    assertEquals(T0 + 69_000, wm(b, 7));
    assertEquals(T0 + 69_000, wm(a, 0));
  }

  @Test
  void aPartitionSilentSinceBeforeTheFirstDataGivesItsProducerTheIdleTimeoutToCatchUp() {
    EventTimePolicy a = partition(0);
    EventTimePolicy b = partition(1);
    // The job waits on empty topics for longer than the idle timeout.
    wall.addAndGet(IDLE.getMillis() * 3);
    assertEquals(MIN, wm(b, 0));
    // a's producer starts; b's has buffered the same seconds and sends them a moment later.
    event(a, T0 + 60_000);
    wall.addAndGet(IDLE.getMillis() - 1);
    event(a, T0 + 64_000);
    assertEquals(MIN, wm(b, 0), "b has been silent for long, but the data began only just now");
    assertEquals(MIN, wm(b, 0));
    assertEquals(MIN, wm(a, 0), "b holds a back");
    event(b, T0 + 58_000);
    assertEquals(T0 + 57_000, wm(b, 0), "b's late producer was waited for");
    assertEquals(T0 + 57_000, wm(a, 0));
  }

  @Test
  void aPartitionThatStaysEmptyFollowsTheIdleTimeoutAfterTheDataBegan() {
    EventTimePolicy a = partition(0);
    EventTimePolicy b = partition(1);
    wall.addAndGet(IDLE.getMillis() * 3);
    event(a, T0 + 60_000);
    assertEquals(MIN, wm(b, 0));
    wall.addAndGet(IDLE.getMillis() / 2);
    event(a, T0 + 62_000);
    assertEquals(MIN, wm(b, 0));
    wall.addAndGet(IDLE.getMillis() / 2);
    event(a, T0 + 65_000);
    assertEquals(T0 + 61_000, wm(b, 0), "idle since the data began: b follows a");
    assertEquals(T0 + 61_000, wm(a, 0));
  }

  @Test
  void afterTheWholeTopicFellSilentTheIdleTimeoutCountsFromTheDataResuming() {
    EventTimePolicy a = partition(0);
    EventTimePolicy b = partition(1);
    event(a, T0 + 60_000);
    event(b, T0 + 60_000);
    wm(a, 0);
    assertEquals(T0 + 59_000, wm(b, 0));
    // Nothing anywhere for a long while (a factory's night), then a resumes first.
    wall.addAndGet(IDLE.getMillis() * 10);
    event(a, T0 + 600_000);
    wm(b, 0);
    assertEquals(T0 + 59_000, wm(b, 0), "b's producer gets the idle timeout after the resumption");
    assertEquals(T0 + 59_000, wm(a, 0));
    event(b, T0 + 599_000);
    assertEquals(T0 + 598_000, wm(b, 0));
    assertEquals(T0 + 598_000, wm(a, 0));
  }

  @Test
  void anIdlePartitionDoesNotFollowEventTimesReadAfterItsLastEndOffsetCheck() {
    EventTimePolicy a = partition(0);
    EventTimePolicy b = partition(1);
    long checked = wall.get(); // b's end offset was checked once, before anything was written
    wall.addAndGet(IDLE.getMillis() * 2);
    assertEquals(MIN, b.getWatermark(ctx(0, checked)).getMillis());
    // a's first records arrive; b's records, written at the same time, have not been fetched yet.
    event(a, T0 + 60_000);
    assertEquals(MIN, b.getWatermark(ctx(0, checked)).getMillis());
    assertEquals(MIN, wm(a, 0), "b holds a back");
    wall.addAndGet(IDLE.getMillis());
    assertEquals(MIN, b.getWatermark(ctx(0, checked)).getMillis(), "however long, until checked");
    // b's records arrive.
    event(b, T0 + 30_000);
    assertEquals(T0 + 29_000, wm(b, 0));
    assertEquals(T0 + 29_000, wm(a, 0));
  }

  @Test
  void aPartitionThatStopsReportingNoLongerHoldsTheOthersBack() {
    EventTimePolicy a = partition(0);
    EventTimePolicy b = partition(1);
    event(a, T0 + 60_000);
    assertEquals(MIN, wm(b, -1));
    assertEquals(MIN, wm(a, 0));
    // b's reader is gone (closed, or moved to another JVM after a failover).
    wall.addAndGet(EventTimePolicy.STALE_AFTER_MILLIS);
    assertEquals(T0 + 59_000, wm(a, 0));
  }

  @Test
  void theWatermarkNeverGoesBackWhenAPartitionJoinsLate() {
    EventTimePolicy a = partition(0);
    event(a, T0 + 60_000);
    assertEquals(T0 + 59_000, wm(a, 0));
    EventTimePolicy c = partition(2);
    assertEquals(MIN, wm(c, -1));
    long after = wm(a, 0);
    assertTrue(after >= T0 + 59_000, "a's watermark went back to " + after);
  }

  @Test
  void aRestoredPartitionStartsFromItsCheckpointedWatermark() {
    EventTimePolicy restored =
        new EventTimePolicy(
            parser,
            DELAY,
            IDLE,
            topic,
            topic + "-0",
            Optional.of(new Instant(T0 + 5_000)),
            wall::get);
    assertEquals(T0 + 5_000, wm(restored, -1));
    event(restored, T0 + 3_000);
    assertEquals(T0 + 5_000, wm(restored, 2), "never below the restored watermark");
  }
}
