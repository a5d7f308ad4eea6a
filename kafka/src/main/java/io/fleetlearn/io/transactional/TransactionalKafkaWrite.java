package io.fleetlearn.io.transactional;

import io.fleetlearn.pipeline.FailOnce;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Exactly-once Kafka sink for keyed records ({@code KV<key, value>}), for runners that checkpoint
 * (Flink with checkpointing in EXACTLY_ONCE mode).
 *
 * <p>Steps: {@code AssignShard} (the key's hash, so all records of one key go through one shard and
 * reach Kafka in order), {@code AssignSequenceNumbers} (per shard, in keyed state: {@link
 * SequenceRecordsFn}), {@code WriteInTransactions} ({@link WriteInTransactionsFn}: held back until
 * the checkpoint that holds the records completes, then written in one Kafka transaction per shard
 * per checkpoint, skipping what an earlier attempt already committed). Consumers see the records
 * with {@code isolation.level=read_committed}.
 *
 * <p>KafkaIO's exactly-once sink does the same steps but commits one transaction per record, each
 * waiting for the broker to finish the previous one: about 10 ms per record at best on one broker,
 * which made publishing a fleet's burst of model updates the slowest stage of the job. This sink
 * commits one transaction per shard and checkpoint instead; its progress lives in the consumer
 * group {@code sinkGroup} (offset metadata of partition {@code shard} of the topic, so the topic
 * needs at least {@code shards} partitions).
 */
public final class TransactionalKafkaWrite
    extends PTransform<PCollection<KV<String, byte[]>>, PDone> {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final int shards;
  private final String sinkGroup;
  private final ShardClients clients;
  private final String generation;
  private final @Nullable FailOnce commitDrill;

  private TransactionalKafkaWrite(
      String topic,
      int shards,
      String sinkGroup,
      ShardClients clients,
      String generation,
      @Nullable FailOnce commitDrill) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be >= 1");
    }
    this.topic = topic;
    this.shards = shards;
    this.sinkGroup = sinkGroup;
    this.clients = clients;
    this.generation = generation;
    this.commitDrill = commitDrill;
  }

  private TransactionalKafkaWrite(
      String topic, int shards, String sinkGroup, ShardClients clients) {
    // One generation per built pipeline: the same through a job's failovers, new for every
    // submission.
    this(topic, shards, sinkGroup, clients, UUID.randomUUID().toString(), null);
  }

  /**
   * A fault drill: the sink throws once right after the {@code drill}'s n-th committed transaction
   * in this JVM, before the checkpoint that holds the state after the commit completes. The job
   * restores the previous checkpoint and hands the committed records over again; they must be
   * skipped.
   */
  public TransactionalKafkaWrite failingOnceAfterCommits(FailOnce drill) {
    return new TransactionalKafkaWrite(topic, shards, sinkGroup, clients, generation, drill);
  }

  /**
   * @param producerConfig transactional producers' properties, bootstrap.servers included
   * @param consumerConfig properties of the consumer that reads the sink group's progress
   */
  public static TransactionalKafkaWrite to(
      String topic,
      int shards,
      String sinkGroup,
      Map<String, String> producerConfig,
      Map<String, String> consumerConfig) {
    return new TransactionalKafkaWrite(
        topic,
        shards,
        sinkGroup,
        new KafkaShardClients(topic, sinkGroup, producerConfig, consumerConfig));
  }

  /** For tests: the same steps over other clients. */
  static TransactionalKafkaWrite to(
      String topic, int shards, String sinkGroup, ShardClients clients) {
    return new TransactionalKafkaWrite(topic, shards, sinkGroup, clients);
  }

  @Override
  public PDone expand(PCollection<KV<String, byte[]>> in) {
    in.apply("IntoGlobalWindow", Window.<KV<String, byte[]>>into(new GlobalWindows()))
        .apply("AssignShard", ParDo.of(new AssignShardFn(shards)))
        .setCoder(
            KvCoder.of(VarIntCoder.of(), KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of())))
        .apply("AssignSequenceNumbers", ParDo.of(new SequenceRecordsFn(generation)))
        .setCoder(KvCoder.of(VarIntCoder.of(), SequencedRecord.Coder.of()))
        .apply(
            "WriteInTransactions",
            ParDo.of(new WriteInTransactionsFn(topic, sinkGroup, clients, commitDrill)));
    return PDone.in(in.getPipeline());
  }

  /** The shard of a key: stable across JVMs and runs ({@link String#hashCode} is specified). */
  static int shardOf(String key, int shards) {
    return Math.floorMod(key.hashCode(), shards);
  }

  /** Keys each record by its shard. */
  static final class AssignShardFn
      extends DoFn<KV<String, byte[]>, KV<Integer, KV<String, byte[]>>> {
    private static final long serialVersionUID = 1L;
    private final int shards;

    AssignShardFn(int shards) {
      this.shards = shards;
    }

    @ProcessElement
    public void processElement(
        @Element KV<String, byte[]> in, OutputReceiver<KV<Integer, KV<String, byte[]>>> out) {
      out.output(KV.of(shardOf(in.getKey(), shards), in));
    }
  }
}
