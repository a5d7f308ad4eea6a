package io.fleetlearn.io.transactional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.jupiter.api.Test;

class ShardProgressTest {
  @Test
  void metadataRoundTrips() {
    ShardProgress p = new ShardProgress("0b6c4f1e-writer", 41_999L);
    assertEquals(Optional.of(p), ShardProgress.parse(p.toMetadata()));
  }

  @Test
  void metadataOfOtherWritersIsIgnored() {
    // What KafkaIO's exactly-once sink leaves in a group of the same name.
    assertEquals(
        Optional.empty(),
        ShardProgress.parse("{\"seq\":12,\"id\":\"5A3F - 2026-11-01 10:00:00\"}"));
    assertEquals(Optional.empty(), ShardProgress.parse(null));
    assertEquals(Optional.empty(), ShardProgress.parse(""));
    assertEquals(Optional.empty(), ShardProgress.parse("fleetlearn-sink/1 writer= seq=3"));
    assertEquals(Optional.empty(), ShardProgress.parse("fleetlearn-sink/1 writer=w seq=x"));
    assertEquals(Optional.empty(), ShardProgress.parse("fleetlearn-sink/1 writer=w"));
  }

  @Test
  void onlyProgressOfTheSameGenerationCounts() {
    Optional<ShardProgress> kafka = Optional.of(new ShardProgress("w1", 10));
    assertEquals(10, ShardProgress.committedFor("w1", kafka, null));
    assertEquals(-1, ShardProgress.committedFor("w2", kafka, null));
    assertEquals(-1, ShardProgress.committedFor("w2", Optional.empty(), null));
  }

  @Test
  void theJobsOwnRecordCoversProgressKafkaLost() {
    ShardProgress state = new ShardProgress("w1", 7);
    assertEquals(7, ShardProgress.committedFor("w1", Optional.empty(), state));
    assertEquals(
        10, ShardProgress.committedFor("w1", Optional.of(new ShardProgress("w1", 10)), state));
    assertEquals(-1, ShardProgress.committedFor("w2", Optional.empty(), state));
  }

  @Test
  void sequencedRecordCoderIsDeterministicAndRoundTrips() throws Exception {
    SequencedRecord r = new SequencedRecord("w", 123_456_789L, "machine-7", new byte[] {1, 2, 3});
    CoderProperties.coderDeterministic(SequencedRecord.Coder.of(), r, r);
    SequencedRecord back = CoderUtils.clone(SequencedRecord.Coder.of(), r);
    assertEquals(r.writer(), back.writer());
    assertEquals(r.seq(), back.seq());
    assertEquals(r.key(), back.key());
    assertArrayEquals(r.value(), back.value());
  }
}
