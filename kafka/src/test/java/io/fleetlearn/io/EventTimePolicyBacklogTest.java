package io.fleetlearn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Instant;
import org.junit.jupiter.api.Test;

class EventTimePolicyBacklogTest {
  private static TimestampPolicy.PartitionContext ctx(long backlog, Instant checked) {
    return new TimestampPolicy.PartitionContext() {
      @Override
      public long getMessageBacklog() {
        return backlog;
      }

      @Override
      public Instant getBacklogCheckTime() {
        return checked;
      }
    };
  }

  @Test
  void aReaderAheadOfTheLastFetchedEndOffsetIsCaughtUp() {
    Instant fetched = new Instant(1_800_000_000_000L);
    assertEquals(42, EventTimePolicy.backlog(ctx(42, fetched)));
    assertEquals(0, EventTimePolicy.backlog(ctx(-1, fetched)), "read past the fetched end");
    assertEquals(
        -1,
        EventTimePolicy.backlog(ctx(-1, BoundedWindow.TIMESTAMP_MIN_VALUE)),
        "no end offset fetched yet: unknown");
    assertEquals(-1, EventTimePolicy.backlog(ctx(-1, null)));
  }
}
