package io.fleetlearn.io.transactional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void theGenerationBeforeTheLastIsKept() {
    ShardProgress first = new ShardProgress("run-1", 41);
    ShardProgress second = first.after("run-2", 3);
    assertEquals(new ShardProgress("run-2", 3, "run-1", 41), second);
    assertEquals(new ShardProgress("run-2", 9, "run-1", 41), second.after("run-2", 9));
    assertEquals(new ShardProgress("run-3", 0, "run-2", 3), second.after("run-3", 0));
    assertEquals(Optional.of(second), ShardProgress.parse(second.toMetadata()));
    // A job restored from a savepoint replays records its predecessor numbered: they are skipped
    // by the previous generation's progress while the new one commits its own.
    assertEquals(41, ShardProgress.committedFor("run-1", Optional.of(second), null));
    assertEquals(3, ShardProgress.committedFor("run-2", Optional.of(second), null));
    assertEquals(-1, ShardProgress.committedFor("run-0", Optional.of(second), null));
  }

  @Test
  void theOwnerOfTheIdTravelsWithTheProgress() {
    ShardProgress p = new ShardProgress("run-2", 3, "run-1", 41, "run-2", "run-1");
    assertEquals(Optional.of(p), ShardProgress.parse(p.toMetadata()));
    assertEquals(new ShardProgress("run-2", 9, "run-1", 41, "run-2", "run-1"), p.after("run-2", 9));
    assertEquals(new ShardProgress("run-3", 0, "run-2", 3, "run-2", "run-1"), p.after("run-3", 0));
    assertEquals(
        new ShardProgress("run-2", 3, "run-1", 41, "run-3", "run-2"), p.claimedBy("run-3"));
    assertEquals(p, p.claimedBy("run-2"));
    ShardProgress fresh = ShardProgress.claim("run-4");
    assertEquals(Optional.of(fresh), ShardProgress.parse(fresh.toMetadata()));
    assertEquals(-1, ShardProgress.committedFor("run-4", Optional.of(fresh), null));
    assertEquals(Optional.empty(), ShardProgress.parse("fleetlearn-sink/1 writer=w seq=1 from=x"));
    assertEquals(Optional.empty(), ShardProgress.parse("fleetlearn-sink/1 writer=w seq=1 owner="));
  }

  @Test
  void generationsSayWhichJobStartedFirst() {
    assertTrue(WriterGenerations.older("1000-a", "2000-b"));
    assertTrue(!WriterGenerations.older("2000-b", "1000-a"));
    // A generation from before they carried a time counts as the oldest.
    assertTrue(WriterGenerations.older("0b6c4f1e-9d1a-4c1e-8e39-2f7e3c1d5a10", "1000-a"));
    String next = WriterGenerations.next();
    assertTrue(WriterGenerations.startMillis(next) > 0, next);
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
    assertEquals(Optional.empty(), ShardProgress.parse("fleetlearn-sink/1 writer=w seq=1 prev=x"));
    assertEquals(Optional.empty(), ShardProgress.parse("fleetlearn-sink/1 writer=w seq=1 old=x:1"));
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
  void aCounterRestoredFromAnEarlierSubmissionStartsAgainAtZero() {
    // Failover within the job: same generation, the counter continues.
    assertEquals(7, SequenceRecordsFn.numberFor("job-b", "job-b", 7L));
    // Restored from a savepoint of job A by job B: B's numbers start at 0 under B's generation,
    // so they cannot collide with what A committed after that savepoint.
    assertEquals(0, SequenceRecordsFn.numberFor("job-b", "job-a", 7_000L));
    assertEquals(0, SequenceRecordsFn.numberFor("job-b", null, null));
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
