package io.fleetlearn.io;

import java.util.Map;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Opens the consumer that KafkaIO's exactly-once sink uses to read and commit its progress (the
 * sink group's offsets) with the product's client properties added. KafkaIO builds that consumer's
 * configuration from the bootstrap servers, the group id and the deserializers only, so without
 * this the sink's consumer cannot reach a broker that needs SASL or SSL, and the job stalls while
 * every other client connects fine. The sink's own settings win over the client properties.
 */
final class SinkGroupConsumerFactory
    implements SerializableFunction<Map<String, Object>, Consumer<byte[], byte[]>> {
  private static final long serialVersionUID = 1L;

  private final KafkaClientConfig kafka;

  SinkGroupConsumerFactory(KafkaClientConfig kafka) {
    this.kafka = kafka;
  }

  /** The consumer configuration: client properties, then KafkaIO's settings over them. */
  Map<String, Object> configFor(Map<String, Object> sinkConfig) {
    Map<String, Object> config = kafka.withoutBootstrap();
    config.putAll(sinkConfig);
    return config;
  }

  @Override
  public Consumer<byte[], byte[]> apply(Map<String, Object> sinkConfig) {
    return new KafkaConsumer<>(configFor(sinkConfig));
  }
}
