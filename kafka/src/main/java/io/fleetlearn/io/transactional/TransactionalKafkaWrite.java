package io.fleetlearn.io.transactional;

import io.fleetlearn.pipeline.FailOnce;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTransactionsResult;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
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
    this(topic, shards, sinkGroup, clients, WriterGenerations.next(), null);
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
            ParDo.of(
                new WriteInTransactionsFn(topic, sinkGroup, clients, generation, commitDrill)));
    return PDone.in(in.getPipeline());
  }

  /**
   * Aborts the open transactions that shards beyond {@code shards} left behind: a job that ran with
   * more shards and stopped (or failed) in the middle of a transaction leaves it open, and
   * read_committed consumers of the partitions it wrote see nothing after it until the broker times
   * it out. Looks at the transactional ids of shards {@code shards} up to the topic's partition
   * count; a producer initialised with such an id aborts its open transaction.
   *
   * @param adminConfig an admin client's properties, bootstrap.servers included
   * @param producerConfig the sink producers' properties, bootstrap.servers included
   * @return the transactional ids whose open transaction was aborted
   */
  public static List<String> abortRetiredShards(
      Map<String, Object> adminConfig,
      Map<String, String> producerConfig,
      String topic,
      String sinkGroup,
      int shards) {
    KafkaShardClients clients = new KafkaShardClients(topic, sinkGroup, producerConfig, Map.of());
    List<String> aborted = new ArrayList<>();
    try (Admin admin = Admin.create(adminConfig)) {
      int partitions =
          admin
              .describeTopics(List.of(topic))
              .allTopicNames()
              .get(60, TimeUnit.SECONDS)
              .get(topic)
              .partitions()
              .size();
      Map<Integer, String> retired = new TreeMap<>();
      for (int shard = shards; shard < partitions; shard++) {
        retired.put(shard, KafkaShardClients.transactionalId(sinkGroup, shard));
      }
      if (retired.isEmpty()) {
        return aborted;
      }
      DescribeTransactionsResult described = admin.describeTransactions(retired.values());
      for (Map.Entry<Integer, String> e : retired.entrySet()) {
        TransactionState state;
        try {
          state = described.description(e.getValue()).get(60, TimeUnit.SECONDS).state();
        } catch (ExecutionException notFound) {
          if (notFound.getCause() instanceof TransactionalIdNotFoundException) {
            continue; // never used
          }
          throw new KafkaException("could not describe " + e.getValue(), notFound.getCause());
        }
        if (state == TransactionState.ONGOING
            || state == TransactionState.PREPARE_ABORT
            || state == TransactionState.PREPARE_COMMIT
            || state == TransactionState.PREPARE_EPOCH_FENCE) {
          clients.openProducer(e.getKey()).close();
          aborted.add(e.getValue());
        }
      }
    } catch (ExecutionException e) {
      throw new KafkaException("could not describe topic " + topic, e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new KafkaException("timed out looking for retired shards of " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaException("interrupted looking for retired shards of " + topic, e);
    }
    return aborted;
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
