package io.fleetlearn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.io.RetentionCheck.TopicRetention;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionCheckTest {
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private static final long WEEK_MS = Duration.ofDays(7).toMillis();
  private static final Instant MONTHS_AGO = NOW.minus(Duration.ofDays(90));

  @Test
  void recordsOlderThanTheRetentionByTheirOwnTimestampsAreWarnedAbout() {
    Optional<String> w =
        RetentionCheck.assess(
            new TopicRetention("events", "delete", WEEK_MS, "CreateTime", MONTHS_AGO), NOW);
    assertTrue(w.isPresent());
    assertTrue(
        w.get().startsWith("warning: topic events keeps records for retention.ms="), w.get());
    assertTrue(w.get().contains("(7 days)") && w.get().contains("(90 days ago)"), w.get());
    // compact,delete deletes by time too
    assertTrue(
        RetentionCheck.assess(
                new TopicRetention("events", "compact,delete", WEEK_MS, "CreateTime", MONTHS_AGO),
                NOW)
            .isPresent());
  }

  @Test
  void noWarningWhenNothingIsDeletedByTheRecordsTimestamps() {
    for (TopicRetention t :
        new TopicRetention[] {
          new TopicRetention("kept", "delete", -1, "CreateTime", MONTHS_AGO),
          new TopicRetention("compacted", "compact", WEEK_MS, "CreateTime", MONTHS_AGO),
          new TopicRetention("appended", "delete", WEEK_MS, "LogAppendTime", MONTHS_AGO),
          new TopicRetention("recent", "delete", WEEK_MS, "CreateTime", NOW.minusSeconds(60)),
          new TopicRetention("empty", "delete", WEEK_MS, "CreateTime", null)
        }) {
      assertEquals(Optional.empty(), RetentionCheck.assess(t, NOW), t.toString());
    }
  }
}
