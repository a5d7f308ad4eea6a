package io.fleetlearn.io.transactional;

import io.fleetlearn.pipeline.FailOnce;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each shard's numbered records in Kafka transactions, one per shard per bundle (at most
 * {@link #MAX_RECORDS_PER_TRANSACTION} records each). {@code @RequiresStableInput}: the runner
 * hands the records over only once the checkpoint that holds them has completed (on Flink, all of a
 * checkpoint's records in one bundle), so a record seen here is seen again, with the same number,
 * if the job fails and restores.
 *
 * <p>Every transaction also commits, as the sink group's offset metadata for partition {@code
 * shard} of the topic, the shard's progress (writer generation, highest sequence number). Records
 * at or below the committed progress of their generation are skipped: they were written before a
 * failure. A new generation (a run without restored state) starts from nothing.
 *
 * <p>Opening a shard's producer fences whatever else uses its transactional id, so two jobs started
 * with the same deployment id would fence each other in a loop. The progress therefore also names
 * the id's owner: a writer that opens the id records its generation as the owner (with an empty
 * transaction) and the owner it displaced. A job that finds that an older job took the id back from
 * it refuses to open it, with a message, instead of fencing that job again: of two jobs with the
 * same ids, the one started earlier keeps them (after one failover, which the replay-skip makes
 * harmless), and a job that replaces a stopped one simply takes them over.
 */
final class WriteInTransactionsFn extends DoFn<KV<Integer, SequencedRecord>, Void> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(WriteInTransactionsFn.class);

  /** Caps a transaction's size (and the work redone if its commit fails). */
  static final int MAX_RECORDS_PER_TRANSACTION = 500;

  private final String topic;
  private final String sinkGroup;
  private final ShardClients clients;
  private final @Nullable FailOnce commitDrill;

  /** This job's writer generation, which owns the ids it opens; null: no owner is recorded. */
  private final @Nullable String generation;

  private final Counter written = Metrics.counter("fleetlearn_sink", "records_written");
  private final Counter skipped = Metrics.counter("fleetlearn_sink", "records_already_committed");
  private final Counter transactions = Metrics.counter("fleetlearn_sink", "transactions");
  private final Counter outOfOrder = Metrics.counter("fleetlearn_sink", "records_out_of_order");

  // The last progress this job committed for the shard, in case Kafka has lost the group's
  // offsets (they expire after offsets.retention.minutes without a commit).
  @StateId("writer")
  private final StateSpec<ValueState<String>> writerSpec = StateSpecs.value(StringUtf8Coder.of());

  @StateId("seq")
  private final StateSpec<ValueState<Long>> seqSpec = StateSpecs.value(VarLongCoder.of());

  // Records that arrived ahead of a lower sequence number.
  @StateId("waiting")
  private final StateSpec<BagState<SequencedRecord>> waitingSpec =
      StateSpecs.bag(SequencedRecord.Coder.of());

  private transient Map<Integer, ShardWriter> writers;

  /** For tests of sequencing and skipping alone: records no owner. */
  WriteInTransactionsFn(String topic, String sinkGroup, ShardClients clients) {
    this(topic, sinkGroup, clients, null, null);
  }

  /**
   * @param generation the job's writer generation, recorded as the owner of the ids it opens
   * @param commitDrill a fault drill that fails once right after a commit ({@code null}: none)
   */
  WriteInTransactionsFn(
      String topic,
      String sinkGroup,
      ShardClients clients,
      @Nullable String generation,
      @Nullable FailOnce commitDrill) {
    this.topic = topic;
    this.sinkGroup = sinkGroup;
    this.clients = clients;
    this.generation = generation;
    this.commitDrill = commitDrill;
  }

  @Setup
  public void setup() {
    writers = new TreeMap<>();
  }

  @RequiresStableInput
  @ProcessElement
  public void processElement(
      @Element KV<Integer, SequencedRecord> in,
      @StateId("writer") ValueState<String> stateWriter,
      @StateId("seq") ValueState<Long> stateSeq,
      @StateId("waiting") BagState<SequencedRecord> waiting) {
    int shard = in.getKey();
    SequencedRecord r = in.getValue();
    ShardWriter w = writers.get(shard);
    if (w == null) {
      w = open(shard);
      writers.put(shard, w);
    }
    String sw = stateWriter.read();
    Long ss = stateSeq.read();
    long committed =
        ShardProgress.committedFor(
            r.writer(), w.progress, sw == null || ss == null ? null : new ShardProgress(sw, ss));
    long expected = Math.max(committed, w.lastSent(r.writer())) + 1;
    if (r.seq() < expected) {
      skipped.inc();
      w.skippedInBundle++;
      return;
    }
    if (r.seq() > expected) {
      // Arrived before a lower number (Flink delivers a key's records in order; other runners
      // need not): it waits in state until the gap is filled.
      waiting.add(r);
      outOfOrder.inc();
      return;
    }
    send(w, r, stateWriter, stateSeq);
    if (!waiting.isEmpty().read()) {
      sendWaiting(w, r.writer(), r.seq() + 1, stateWriter, stateSeq, waiting);
    }
  }

  /** Sends the waiting records that now follow on, in order, and keeps the rest waiting. */
  private void sendWaiting(
      ShardWriter w,
      String writer,
      long next,
      ValueState<String> stateWriter,
      ValueState<Long> stateSeq,
      BagState<SequencedRecord> waiting) {
    List<SequencedRecord> held = new ArrayList<>();
    waiting.read().forEach(held::add);
    held.sort(Comparator.comparingLong(SequencedRecord::seq));
    List<SequencedRecord> keep = new ArrayList<>();
    for (SequencedRecord h : held) {
      if (h.writer().equals(writer) && h.seq() < next) {
        skipped.inc(); // a duplicate of one already sent
        w.skippedInBundle++;
      } else if (h.writer().equals(writer) && h.seq() == next) {
        send(w, h, stateWriter, stateSeq);
        next++;
      } else {
        keep.add(h);
      }
    }
    waiting.clear();
    keep.forEach(waiting::add);
  }

  private void send(
      ShardWriter w, SequencedRecord r, ValueState<String> stateWriter, ValueState<Long> stateSeq) {
    try {
      w.send(r);
    } catch (RuntimeException e) {
      closeAll();
      throw e;
    }
    written.inc();
    // Persisted with the next checkpoint, which comes after this bundle's transactions commit: if
    // they fail, the job restores from the last checkpoint and this write is undone with them.
    stateWriter.write(r.writer());
    stateSeq.write(r.seq());
    if (w.pending >= MAX_RECORDS_PER_TRANSACTION) {
      commit(w);
    }
  }

  @FinishBundle
  public void finishBundle() {
    for (ShardWriter w : writers.values()) {
      if (w.pending > 0) {
        commit(w);
      }
      if (w.skippedInBundle > 0) {
        LOG.info(
            "sink {} shard {}: skipped {} record(s) an earlier attempt had committed",
            sinkGroup,
            w.shard,
            w.skippedInBundle);
        w.skippedInBundle = 0;
      }
    }
  }

  @Teardown
  public void teardown() {
    if (writers != null) {
      closeAll();
    }
  }

  private ShardWriter open(int shard) {
    if (generation != null) {
      // Before the producer fences anybody.
      refuseIfTakenBack(shard, clients.committedProgress(shard));
    }
    Producer<String, byte[]> producer = clients.openProducer(shard);
    try {
      int partitions = clients.partitions(producer);
      if (shard >= partitions) {
        throw new IllegalStateException(
            "exactly-once sink of topic "
                + topic
                + ": shard "
                + shard
                + " needs partition "
                + shard
                + " to keep its progress, but the topic has "
                + partitions
                + " partition(s); use at most "
                + partitions
                + " shards (--sinkShards) or add partitions");
      }
      Optional<ShardProgress> progress = clients.committedProgress(shard);
      LOG.info(
          "sink {} shard {}: transactional id {}, committed progress {}",
          sinkGroup,
          shard,
          KafkaShardClients.transactionalId(sinkGroup, shard),
          progress.map(ShardProgress::toMetadata).orElse("none"));
      ShardWriter w = new ShardWriter(shard, producer, progress);
      if (generation != null) {
        w.claim(generation);
      }
      return w;
    } catch (RuntimeException e) {
      producer.close();
      throw e;
    }
  }

  /**
   * Throws if an older job took the shard's transactional id back from this one: both were started
   * with the same deployment id, and the older one keeps it.
   */
  private void refuseIfTakenBack(int shard, Optional<ShardProgress> progress) {
    String owner = progress.map(ShardProgress::owner).orElse(null);
    if (owner == null
        || owner.equals(generation)
        || !generation.equals(progress.get().previousOwner())
        || !WriterGenerations.older(owner, generation)) {
      return;
    }
    throw new IllegalStateException(
        "exactly-once sink of topic "
            + topic
            + ": transactional id "
            + KafkaShardClients.transactionalId(sinkGroup, shard)
            + " is used by another job (writer generation "
            + owner
            + ", started "
            + java.time.Instant.ofEpochMilli(WriterGenerations.startMillis(owner))
            + ") that took it back after this job (generation "
            + generation
            + ") had taken it: two jobs that run at the same time cannot publish with the same"
            + " --deploymentId (default: --consumerGroup). Give this job its own --deploymentId,"
            + " or stop the other job, and submit this one again.");
  }

  private void commit(ShardWriter w) {
    try {
      w.commit();
      transactions.inc();
    } catch (RuntimeException e) {
      closeAll();
      throw e;
    }
    if (commitDrill != null) {
      // The records and the progress are in Kafka; the checkpoint with this state is not.
      commitDrill.countAndFailIfDue();
    }
  }

  private void closeAll() {
    for (ShardWriter w : writers.values()) {
      w.close();
    }
    writers.clear();
  }

  /** One shard's producer and the transaction it has open. */
  private final class ShardWriter {
    final int shard;
    final Producer<String, byte[]> producer;
    Optional<ShardProgress> progress;
    int pending;
    int skippedInBundle;
    private String pendingWriter;
    private long pendingSeq = -1;

    ShardWriter(int shard, Producer<String, byte[]> producer, Optional<ShardProgress> progress) {
      this.shard = shard;
      this.producer = producer;
      this.progress = progress;
    }

    /** Highest sequence number of {@code writer} sent in the open transaction, or -1. */
    long lastSent(String writer) {
      return pending > 0 && writer.equals(pendingWriter) ? pendingSeq : -1;
    }

    void send(SequencedRecord r) {
      if (pending > 0 && !r.writer().equals(pendingWriter)) {
        // Records of two generations never share a transaction: the progress names one.
        WriteInTransactionsFn.this.commit(this);
      }
      if (pending == 0) {
        producer.beginTransaction();
        pendingWriter = r.writer();
      }
      producer.send(new ProducerRecord<>(topic, null, null, r.key(), r.value()));
      pending++;
      pendingSeq = r.seq();
    }

    void commit() {
      ShardProgress next =
          progress
              .map(p -> p.after(pendingWriter, pendingSeq))
              .orElseGet(() -> new ShardProgress(pendingWriter, pendingSeq));
      producer.sendOffsetsToTransaction(
          Map.of(new TopicPartition(topic, shard), new OffsetAndMetadata(0, next.toMetadata())),
          new ConsumerGroupMetadata(sinkGroup));
      // Throws if any send of the transaction failed; the caller closes and the runner retries.
      producer.commitTransaction();
      progress = Optional.of(next);
      pending = 0;
      pendingWriter = null;
      pendingSeq = -1;
    }

    /**
     * Records {@code owner} as the owner of the shard's transactional id, in a transaction of its
     * own, unless it is already.
     */
    void claim(String owner) {
      ShardProgress current = progress.orElse(null);
      if (current != null && owner.equals(current.owner())) {
        return;
      }
      ShardProgress claimed =
          current == null ? ShardProgress.claim(owner) : current.claimedBy(owner);
      if (current != null
          && current.owner() != null
          && !WriterGenerations.older(current.owner(), owner)) {
        LOG.warn(
            "sink {} shard {}: a job started later with the same deployment id (generation {}) took"
                + " transactional id {}; this job (generation {}) takes it back, and the other"
                + " will stop with a message",
            sinkGroup,
            shard,
            current.owner(),
            KafkaShardClients.transactionalId(sinkGroup, shard),
            owner);
      }
      producer.beginTransaction();
      producer.sendOffsetsToTransaction(
          Map.of(new TopicPartition(topic, shard), new OffsetAndMetadata(0, claimed.toMetadata())),
          new ConsumerGroupMetadata(sinkGroup));
      producer.commitTransaction();
      progress = Optional.of(claimed);
    }

    void close() {
      try {
        producer.close();
      } catch (RuntimeException e) {
        LOG.warn("sink {} shard {}: closing the producer failed", sinkGroup, shard, e);
      }
    }
  }
}
