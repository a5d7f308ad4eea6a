package io.fleetlearn.io.transactional;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The real clients: a transactional producer per shard, {@code transactional.id} = {@code
 * <sinkGroup>-<shard>}, and a short-lived consumer of the sink group to read its progress. Both get
 * the product's client properties (security settings included).
 */
final class KafkaShardClients implements ShardClients {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final String sinkGroup;
  private final TreeMap<String, String> producerConfig;
  private final TreeMap<String, String> consumerConfig;

  KafkaShardClients(
      String topic,
      String sinkGroup,
      Map<String, String> producerConfig,
      Map<String, String> consumerConfig) {
    this.topic = topic;
    this.sinkGroup = sinkGroup;
    this.producerConfig = new TreeMap<>(producerConfig);
    this.consumerConfig = new TreeMap<>(consumerConfig);
  }

  static String transactionalId(String sinkGroup, int shard) {
    return sinkGroup + "-" + shard;
  }

  @Override
  public Producer<String, byte[]> openProducer(int shard) {
    Map<String, Object> p = new HashMap<>(producerConfig);
    p.put("transactional.id", transactionalId(sinkGroup, shard));
    p.put("enable.idempotence", "true");
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p);
    try {
      producer.initTransactions();
    } catch (RuntimeException e) {
      producer.close();
      throw e;
    }
    return producer;
  }

  @Override
  public Optional<ShardProgress> committedProgress(int shard) {
    Map<String, Object> c = new HashMap<>(consumerConfig);
    c.put("group.id", sinkGroup);
    c.put("enable.auto.commit", "false");
    // Waits for offsets of a transaction that is still completing instead of returning old ones.
    c.put("isolation.level", "read_committed");
    c.put("key.deserializer", ByteArrayDeserializer.class.getName());
    c.put("value.deserializer", ByteArrayDeserializer.class.getName());
    TopicPartition tp = new TopicPartition(topic, shard);
    try (Consumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      OffsetAndMetadata committed = consumer.committed(java.util.Set.of(tp)).get(tp);
      return committed == null ? Optional.empty() : ShardProgress.parse(committed.metadata());
    }
  }

  @Override
  public int partitions(Producer<String, byte[]> producer) {
    return producer.partitionsFor(topic).size();
  }
}
