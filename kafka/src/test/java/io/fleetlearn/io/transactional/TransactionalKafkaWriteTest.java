package io.fleetlearn.io.transactional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RoundRobinPartitioner;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sink's sequencing and skipping on the direct runner, over Kafka's {@link MockProducer}
 * (transactions included). The real broker and runner: {@code FaultToleranceIT} (broker killed, job
 * failed and restored) and {@code RetrainingOnFlinkIT}.
 */
class TransactionalKafkaWriteTest {
  private static final String TOPIC = "model-updates";
  private static final String GROUP = "sink-group";

  /** Per test run: the producers the fake opened, by shard, and the progress it reports. */
  static final Map<String, Fake> FAKES = new ConcurrentHashMap<>();

  private final String id = "fake-" + System.nanoTime();

  @AfterEach
  void forget() {
    FAKES.remove(id);
  }

  static final class Fake {
    final int partitions;
    final Map<Integer, ShardProgress> progress = new ConcurrentHashMap<>();
    final Map<Integer, List<MockProducer<String, byte[]>>> producers = new ConcurrentHashMap<>();
    volatile RuntimeException commitFailure;

    Fake(int partitions) {
      this.partitions = partitions;
    }

    List<ProducerRecord<String, byte[]>> committed(int shard) {
      List<ProducerRecord<String, byte[]>> all = new ArrayList<>();
      for (MockProducer<String, byte[]> p : producers.getOrDefault(shard, List.of())) {
        all.addAll(p.history());
      }
      return all;
    }

    /**
     * The highest progress committed with a transaction of the shard. (The direct runner may hand
     * one key's bundles to several instances of the writer, each with its own producer.)
     */
    Optional<ShardProgress> lastCommittedProgress(int shard) {
      Optional<ShardProgress> last = Optional.empty();
      for (MockProducer<String, byte[]> p : producers.getOrDefault(shard, List.of())) {
        for (Map<String, Map<TopicPartition, OffsetAndMetadata>> c :
            p.consumerGroupOffsetsHistory()) {
          OffsetAndMetadata o = c.get(GROUP).get(new TopicPartition(TOPIC, shard));
          Optional<ShardProgress> next = ShardProgress.parse(o.metadata());
          if (last.isEmpty() || later(next.orElseThrow(), last.get())) {
            last = next;
          }
        }
      }
      return last;
    }

    /** Progress of a later generation, or of the same one further on. */
    private static boolean later(ShardProgress a, ShardProgress b) {
      return a.writer().equals(b.writer())
          ? a.seq() > b.seq()
          : WriterGenerations.older(b.writer(), a.writer());
    }

    int transactions(int shard) {
      return producers.getOrDefault(shard, List.of()).stream()
          .mapToInt(p -> (int) p.commitCount())
          .sum();
    }
  }

  /** Serializable handle; the state stays in {@link #FAKES}. */
  record FakeClients(String id) implements ShardClients {
    @Override
    public Producer<String, byte[]> openProducer(int shard) {
      Fake f = FAKES.get(id);
      List<PartitionInfo> parts = new ArrayList<>();
      Node n = new Node(0, "localhost", 9092);
      for (int i = 0; i < f.partitions; i++) {
        parts.add(new PartitionInfo(TOPIC, i, n, new Node[] {n}, new Node[] {n}));
      }
      MockProducer<String, byte[]> p =
          new MockProducer<>(
              new Cluster("c", List.of(n), parts, Set.of(), Set.of()),
              true,
              new RoundRobinPartitioner(),
              new StringSerializer(),
              new ByteArraySerializer());
      p.initTransactions();
      if (f.commitFailure != null) {
        p.commitTransactionException = f.commitFailure;
      }
      f.producers.computeIfAbsent(shard, s -> new ArrayList<>()).add(p);
      return p;
    }

    @Override
    public Optional<ShardProgress> committedProgress(int shard) {
      return Optional.ofNullable(FAKES.get(id).progress.get(shard));
    }

    @Override
    public int partitions(Producer<String, byte[]> producer) {
      return producer.partitionsFor(TOPIC).size();
    }
  }

  private Fake fake(int partitions) {
    Fake f = new Fake(partitions);
    FAKES.put(id, f);
    return f;
  }

  private static Pipeline pipeline() {
    return Pipeline.create(PipelineOptionsFactory.fromArgs("--runner=DirectRunner").create());
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void everyRecordIsCommittedOnceInItsKeysShardInOrderWithTheShardsProgress() {
    Fake f = fake(4);
    List<KV<String, byte[]>> in = new ArrayList<>();
    Map<String, Integer> perKey = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      String key = "machine-" + (i % 17);
      int n = perKey.merge(key, 1, Integer::sum);
      in.add(KV.of(key, bytes(key + "#" + n)));
    }
    Pipeline p = pipeline();
    p.apply(Create.of(in).withCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of())))
        .apply(TransactionalKafkaWrite.to(TOPIC, 3, GROUP, new FakeClients(id)));
    p.run().waitUntilFinish();

    int total = 0;
    for (int shard = 0; shard < 3; shard++) {
      List<ProducerRecord<String, byte[]>> records = f.committed(shard);
      total += records.size();
      Map<String, Integer> lastOfKey = new HashMap<>();
      for (ProducerRecord<String, byte[]> r : records) {
        assertEquals(TOPIC, r.topic());
        assertEquals(shard, TransactionalKafkaWrite.shardOf(r.key(), 3), r.key());
        String v = new String(r.value(), StandardCharsets.UTF_8);
        assertTrue(v.startsWith(r.key() + "#"), v);
        lastOfKey.merge(r.key(), 1, Integer::sum);
      }
      if (!records.isEmpty()) {
        ShardProgress last = f.lastCommittedProgress(shard).orElseThrow();
        assertEquals(records.size() - 1, last.seq(), "shard " + shard + " numbered 0..");
        assertTrue(f.transactions(shard) >= 1);
        assertTrue(f.transactions(shard) <= records.size());
      }
    }
    assertEquals(300, total);
    // Every record exactly once.
    Set<String> seen = new java.util.HashSet<>();
    for (int shard = 0; shard < 3; shard++) {
      for (ProducerRecord<String, byte[]> r : f.committed(shard)) {
        assertTrue(seen.add(new String(r.value(), StandardCharsets.UTF_8)), "duplicate");
      }
    }
  }

  private static List<KV<Integer, SequencedRecord>> numbered(String writer, int shard, int n) {
    List<KV<Integer, SequencedRecord>> out = new ArrayList<>();
    for (int seq = 0; seq < n; seq++) {
      out.add(KV.of(shard, new SequencedRecord(writer, seq, "m" + seq, bytes(writer + "/" + seq))));
    }
    return out;
  }

  private void write(List<KV<Integer, SequencedRecord>> in) {
    Pipeline p = pipeline();
    p.apply(Create.of(in).withCoder(KvCoder.of(VarIntCoder.of(), SequencedRecord.Coder.of())))
        .apply(ParDo.of(new WriteInTransactionsFn(TOPIC, GROUP, new FakeClients(id))));
    p.run().waitUntilFinish();
  }

  private static List<String> values(List<ProducerRecord<String, byte[]>> records) {
    List<String> out = new ArrayList<>();
    for (ProducerRecord<String, byte[]> r : records) {
      out.add(new String(r.value(), StandardCharsets.UTF_8));
    }
    out.sort(null);
    return out;
  }

  @Test
  void recordsAnEarlierAttemptCommittedAreSkipped() {
    Fake f = fake(2);
    f.progress.put(1, new ShardProgress("w1", 2));
    write(numbered("w1", 1, 6));
    assertEquals(List.of("w1/3", "w1/4", "w1/5"), values(f.committed(1)));
    assertEquals(Optional.of(new ShardProgress("w1", 5)), f.lastCommittedProgress(1));
  }

  @Test
  void aNewGenerationStartsFromNothingWhateverAnEarlierRunCommitted() {
    Fake f = fake(2);
    f.progress.put(0, new ShardProgress("old-run", 4_000));
    write(numbered("new-run", 0, 3));
    assertEquals(List.of("new-run/0", "new-run/1", "new-run/2"), values(f.committed(0)));
    assertEquals(
        Optional.of(new ShardProgress("new-run", 2, "old-run", 4_000)), f.lastCommittedProgress(0));
  }

  @Test
  void aResubmittedJobNumbersItsRecordsUnderANewGeneration() {
    Fake f = fake(1);
    List<KV<String, byte[]>> in = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      in.add(KV.of("m" + i, bytes("first-" + i)));
    }
    Pipeline p = pipeline();
    p.apply(Create.of(in).withCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of())))
        .apply(TransactionalKafkaWrite.to(TOPIC, 1, GROUP, new FakeClients(id)));
    p.run().waitUntilFinish();
    ShardProgress first = f.lastCommittedProgress(0).orElseThrow();
    assertEquals(4, first.seq());
    f.progress.put(0, first);
    f.producers.clear();

    // The same job built and submitted again (from a savepoint, say): its records are numbered
    // from 0 again under a generation of its own, and none is taken for a replay of the first.
    List<KV<String, byte[]>> again = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      again.add(KV.of("m" + i, bytes("second-" + i)));
    }
    Pipeline p2 = pipeline();
    p2.apply(Create.of(again).withCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of())))
        .apply(TransactionalKafkaWrite.to(TOPIC, 1, GROUP, new FakeClients(id)));
    p2.run().waitUntilFinish();
    assertEquals(List.of("second-0", "second-1", "second-2"), values(f.committed(0)));
    ShardProgress second = f.lastCommittedProgress(0).orElseThrow();
    assertTrue(!second.writer().equals(first.writer()), second.toString());
    assertEquals(2, second.seq());
    assertEquals(first.writer(), second.previousWriter());
    assertEquals(4, second.previousSeq());
  }

  private void writeAs(String generation, List<KV<Integer, SequencedRecord>> in) {
    Pipeline p = pipeline();
    p.apply(Create.of(in).withCoder(KvCoder.of(VarIntCoder.of(), SequencedRecord.Coder.of())))
        .apply(
            ParDo.of(
                new WriteInTransactionsFn(TOPIC, GROUP, new FakeClients(id), generation, null)));
    p.run().waitUntilFinish();
  }

  /** Every progress the shard's transactions committed, in order (one writer instance). */
  private static List<ShardProgress> progressHistory(Fake f, int shard) {
    List<ShardProgress> out = new ArrayList<>();
    for (MockProducer<String, byte[]> p : f.producers.getOrDefault(shard, List.of())) {
      for (Map<String, Map<TopicPartition, OffsetAndMetadata>> c :
          p.consumerGroupOffsetsHistory()) {
        out.add(
            ShardProgress.parse(c.get(GROUP).get(new TopicPartition(TOPIC, shard)).metadata())
                .orElseThrow());
      }
    }
    return out;
  }

  @Test
  void aWriterRecordsItsGenerationAsTheOwnerOfTheIdItOpens() {
    Fake f = fake(1);
    writeAs("2000-b", numbered("2000-b", 0, 1));
    List<ShardProgress> history = progressHistory(f, 0);
    assertEquals(ShardProgress.claim("2000-b"), history.get(0), "claimed before any record");
    ShardProgress last = history.get(history.size() - 1);
    assertEquals(0, last.seq());
    assertEquals("2000-b", last.owner(), "every commit keeps the owner");
  }

  @Test
  void aJobReplacingAnotherTakesItsIdsOverAndKeepsItsProgress() {
    Fake f = fake(1);
    f.progress.put(0, new ShardProgress("1000-a", 41, null, -1, "1000-a", null));
    writeAs("2000-b", numbered("1000-a", 0, 43));
    assertEquals(List.of("1000-a/42"), values(f.committed(0)), "the predecessor's 0..41 skipped");
    ShardProgress claim = progressHistory(f, 0).get(0);
    assertEquals(new ShardProgress("1000-a", 41, null, -1, "2000-b", "1000-a"), claim);
  }

  @Test
  void aJobStartedLaterThatAnOlderOneTookTheIdBackFromRefusesWithoutFencingIt() {
    Fake f = fake(1);
    // 2000-b took the id from 1000-a, which took it back: both run with the same deployment id.
    f.progress.put(0, new ShardProgress("1000-a", 7, null, -1, "1000-a", "2000-b"));
    Exception e = assertThrows(Exception.class, () -> writeAs("2000-b", numbered("2000-b", 0, 1)));
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertTrue(root.getMessage().contains("is used by another job"), root.getMessage());
    assertTrue(root.getMessage().contains("--deploymentId"), root.getMessage());
    assertTrue(f.producers.isEmpty(), "no producer opened: the other job is not fenced");
  }

  @Test
  void theOlderOfTwoJobsTakesItsIdBack() {
    Fake f = fake(1);
    f.progress.put(0, new ShardProgress("1000-a", 7, null, -1, "3000-c", "1000-a"));
    writeAs("1000-a", numbered("1000-a", 0, 9));
    assertEquals(List.of("1000-a/8"), values(f.committed(0)));
    assertEquals(
        new ShardProgress("1000-a", 7, null, -1, "1000-a", "3000-c"), progressHistory(f, 0).get(0));
  }

  @Test
  void aShardWithoutItsPartitionFailsWithAClearMessage() {
    fake(1);
    Exception e = assertThrows(Exception.class, () -> write(numbered("w", 1, 1)));
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertTrue(root.getMessage().contains("has 1 partition(s)"), root.getMessage());
    assertTrue(root.getMessage().contains("--sinkShards"), root.getMessage());
  }

  @Test
  void aFailedCommitFailsTheBundleAndClosesTheProducer() {
    Fake f = fake(1);
    f.commitFailure = new KafkaException("broker went away");
    // One record, so one writer instance and one producer (the direct runner may spread a key's
    // bundles over several instances, and stops the others when one fails).
    assertThrows(Exception.class, () -> write(numbered("w", 0, 1)));
    assertTrue(f.committed(0).isEmpty());
    assertEquals(1, f.producers.get(0).size());
    assertTrue(f.producers.get(0).get(0).closed());
  }
}
