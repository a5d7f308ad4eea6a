package io.fleetlearn.io;

import java.io.Serializable;

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
 *       the last checkpoint are published again; they are the same decisions (samples, training and
 *       policy are deterministic), so consumers dedupe on (machineId, window.start, window.pane),
 *       and the compacted topic converges on its own.
 * </ul>
 */
public final class Delivery implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean exactlyOnce;
  private final int shards;
  private final String sinkGroupPrefix;

  private Delivery(boolean exactlyOnce, int shards, String sinkGroupPrefix) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be >= 1");
    }
    this.exactlyOnce = exactlyOnce;
    this.shards = shards;
    this.sinkGroupPrefix = sinkGroupPrefix;
  }

  /**
   * @param shards parallel transactional writers per topic
   * @param sinkGroupPrefix prefix of the consumer groups in which the sinks keep each shard's
   *     progress; must be stable across restarts of the same job
   */
  public static Delivery exactlyOnce(int shards, String sinkGroupPrefix) {
    return new Delivery(true, shards, sinkGroupPrefix);
  }

  public static Delivery atLeastOnce() {
    return new Delivery(false, 1, "");
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
