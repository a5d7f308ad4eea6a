package io.fleetlearn.io;

import io.fleetlearn.pipeline.FailOnce;
import java.io.Serializable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How the pipeline's model updates and drift reports reach Kafka.
 *
 * <ul>
 *   <li>{@link #exactlyOnce}: {@link io.fleetlearn.io.transactional.TransactionalKafkaWrite}.
 *       Records are written in Kafka transactions that commit with the runner's checkpoints, so
 *       after a failure and restore each (machine, window pane) appears exactly once to consumers
 *       that read with {@code isolation.level=read_committed}. Output is held until the checkpoint
 *       completes (latency of about one checkpoint interval). Needs checkpointing in EXACTLY_ONCE
 *       mode.
 *   <li>{@link #atLeastOnce}: plain idempotent producers. After a failure, records published since
 *       the last checkpoint are published again. The registry recognises a replayed window by its
 *       record on the model-updates topic and publishes that record again (see {@code
 *       ModelRegistryFn}), so duplicates are the same records; consumers dedupe on (machineId,
 *       window.start, window.pane), and the compacted topic converges on its own.
 * </ul>
 */
public final class Delivery implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean exactlyOnce;
  private final int shards;
  private final String sinkGroupPrefix;
  private final @Nullable FailOnce commitDrill;

  private Delivery(
      boolean exactlyOnce, int shards, String sinkGroupPrefix, @Nullable FailOnce commitDrill) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be >= 1");
    }
    this.exactlyOnce = exactlyOnce;
    this.shards = shards;
    this.sinkGroupPrefix = sinkGroupPrefix;
    this.commitDrill = commitDrill;
  }

  /**
   * @param shards parallel transactional writers per topic
   * @param sinkGroupPrefix prefix of the consumer groups in which the sinks keep each shard's
   *     progress; must be stable across restarts of the same job
   */
  public static Delivery exactlyOnce(int shards, String sinkGroupPrefix) {
    return new Delivery(true, shards, sinkGroupPrefix, null);
  }

  public static Delivery atLeastOnce() {
    return new Delivery(false, 1, "", null);
  }

  /**
   * A fault drill for the exactly-once sinks: each throws once, right after the {@code drill}'s
   * n-th committed transaction in a worker JVM (see {@code
   * TransactionalKafkaWrite#failingOnceAfterCommits}).
   */
  public Delivery failingOnceAfterCommits(FailOnce drill) {
    return new Delivery(exactlyOnce, shards, sinkGroupPrefix, drill);
  }

  /** The exactly-once sinks' fault drill, or {@code null}. */
  public @Nullable FailOnce commitDrill() {
    return commitDrill;
  }

  public boolean exactlyOnce() {
    return exactlyOnce;
  }

  public int shards() {
    return shards;
  }

  /** The consumer group in which the sink of {@code topic} keeps its shards' progress. */
  public String sinkGroup(String topic) {
    return sinkGroupPrefix + "-" + topic;
  }
}
