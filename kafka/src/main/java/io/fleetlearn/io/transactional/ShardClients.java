package io.fleetlearn.io.transactional;

import java.io.Serializable;
import java.util.Optional;
import org.apache.kafka.clients.producer.Producer;

/** Opens a shard's transactional producer and reads the shard's committed progress. */
interface ShardClients extends Serializable {
  /**
   * A producer whose transactions are initialised ({@code initTransactions} done): any transaction
   * an earlier incarnation of the shard's writer left open is aborted and that incarnation is
   * fenced off.
   */
  Producer<String, byte[]> openProducer(int shard);

  /** The shard's progress as the sink group holds it in Kafka, if any. */
  Optional<ShardProgress> committedProgress(int shard);

  /** Partitions of the output topic (progress is kept per shard under partition = shard). */
  int partitions(Producer<String, byte[]> producer);
}
