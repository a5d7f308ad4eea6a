package io.fleetlearn.io;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.event.DeadLetter;
import io.fleetlearn.io.transactional.TransactionalKafkaWrite;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.scoring.DefectPrediction;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.ProducerRecordCoder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The pipeline's Kafka outputs: model updates, drift reports and dead letters. */
public final class KafkaSinks {
  private KafkaSinks() {}

  /** Publishes model updates as JSON, key = machineId. */
  public static PTransform<PCollection<ModelUpdate>, PDone> modelUpdates(
      KafkaClientConfig kafka, String topic, Delivery delivery) {
    return keyedJson(
        "EncodeModelUpdate",
        "WriteModelUpdates",
        kafka,
        topic,
        delivery,
        u -> KV.of(u.machineId(), u.toJson()));
  }

  /**
   * Publishes defect predictions as JSON, key = machineId. Always at-least-once: predictions are on
   * the latency path (alerts), and the exactly-once sink would hold every one back until the next
   * checkpoint completes. After a failure, predictions since the last checkpoint are published
   * again (consumers dedupe on machineId + timestamp).
   */
  public static PTransform<PCollection<DefectPrediction>, PDone> predictions(
      KafkaClientConfig kafka, String topic) {
    return keyedJson(
        "EncodePrediction",
        "WritePredictions",
        kafka,
        topic,
        Delivery.atLeastOnce(),
        d -> KV.of(d.machineId(), d.toJson()));
  }

  /** Publishes drift reports as JSON, key = machineId. */
  public static PTransform<PCollection<DriftReport>, PDone> driftReports(
      KafkaClientConfig kafka, String topic, Delivery delivery) {
    return keyedJson(
        "EncodeDriftReport",
        "WriteDriftReports",
        kafka,
        topic,
        delivery,
        r -> KV.of(r.machineId(), r.toJson()));
  }

  private static <T> PTransform<PCollection<T>, PDone> keyedJson(
      String encodeName,
      String writeName,
      KafkaClientConfig kafka,
      String topic,
      Delivery delivery,
      SerializableFunction<T, KV<String, byte[]>> encode) {
    return new PTransform<>() {
      @Override
      public PDone expand(PCollection<T> in) {
        return in.apply(
                encodeName,
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(byte[].class)))
                    .via(encode))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), ByteArrayCoder.of()))
            .apply(
                writeName,
                delivery.exactlyOnce()
                    ? transactionalWrite(kafka, topic, delivery)
                    : keyedWrite(kafka, topic));
      }
    };
  }

  /**
   * Publishes dead letters: original bytes, error context in headers. Always at-least-once, with
   * KafkaIO's writer ({@link TransactionalKafkaWrite} carries keys and values only, and the headers
   * are the error context). After a failure a dead letter may appear twice; its {@code
   * dlq.original.*} headers identify it.
   */
  public static PTransform<PCollection<DeadLetter>, PDone> deadLetters(
      KafkaClientConfig kafka, String topic) {
    return new PTransform<>() {
      @Override
      public PDone expand(PCollection<DeadLetter> in) {
        return in.apply(
                "ToDeadLetterRecord",
                MapElements.into(new TypeDescriptor<ProducerRecord<byte[], byte[]>>() {})
                    .via((DeadLetter d) -> DeadLetterRecords.toProducerRecord(topic, d)))
            .setCoder(
                ProducerRecordCoder.of(
                    NullableCoder.of(ByteArrayCoder.of()), NullableCoder.of(ByteArrayCoder.of())))
            .apply("WriteDeadLetters", recordWrite(kafka, topic));
      }
    };
  }

  static KafkaIO.Write<String, byte[]> keyedWrite(KafkaClientConfig kafka, String topic) {
    return KafkaIO.<String, byte[]>write()
        .withBootstrapServers(kafka.bootstrapServers())
        .withTopic(topic)
        .withKeySerializer(StringSerializer.class)
        .withValueSerializer(ByteArraySerializer.class)
        .withProducerConfigUpdates(producerConfig(kafka));
  }

  static TransactionalKafkaWrite transactionalWrite(
      KafkaClientConfig kafka, String topic, Delivery delivery) {
    Map<String, String> producer = strings(transactionalProducerConfig(kafka));
    producer.put("bootstrap.servers", kafka.bootstrapServers());
    TransactionalKafkaWrite write =
        TransactionalKafkaWrite.to(
            topic, delivery.shards(), delivery.sinkGroup(topic), producer, strings(kafka.asMap()));
    return delivery.commitDrill() == null
        ? write
        : write.failingOnceAfterCommits(delivery.commitDrill());
  }

  /**
   * Aborts the open transactions of exactly-once shards of {@code topic} beyond the delivery's
   * shard count ({@link TransactionalKafkaWrite#abortRetiredShards}).
   *
   * @return the transactional ids whose open transaction was aborted
   */
  public static List<String> abortRetiredShards(
      KafkaClientConfig kafka, String topic, Delivery delivery) {
    Map<String, String> producer = strings(transactionalProducerConfig(kafka));
    producer.put("bootstrap.servers", kafka.bootstrapServers());
    return TransactionalKafkaWrite.abortRetiredShards(
        kafka.asMap(), producer, topic, delivery.sinkGroup(topic), delivery.shards());
  }

  private static Map<String, String> strings(Map<String, Object> config) {
    Map<String, String> out = new TreeMap<>();
    config.forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  static KafkaIO.WriteRecords<byte[], byte[]> recordWrite(KafkaClientConfig kafka, String topic) {
    return KafkaIO.<byte[], byte[]>writeRecords()
        .withBootstrapServers(kafka.bootstrapServers())
        .withTopic(topic)
        .withKeySerializer(ByteArraySerializer.class)
        .withValueSerializer(ByteArraySerializer.class)
        .withProducerConfigUpdates(producerConfig(kafka));
  }

  /**
   * The exactly-once sinks' producers: {@link #producerConfig} plus a short retry backoff, unless
   * the properties file sets one. Until the broker has written a transaction's markers it answers
   * the same producer's next transaction with CONCURRENT_TRANSACTIONS, and the producer waits
   * {@code retry.backoff.ms} (100 ms by default) before it asks again. Measured on the embedded
   * broker, back-to-back transactions of one 75 KB record took 99-111 ms each with the default,
   * 24-27 ms with 10 ms, 16-17 ms with 5 ms and 10-12 ms with 2 ms. The value only shortens retries
   * of requests the broker answered: a broker that is down is retried at {@code
   * reconnect.backoff.ms}, growing to {@code reconnect.backoff.max.ms}, and produce and metadata
   * retries grow from it to {@code retry.backoff.max.ms} (1 s by default).
   */
  static Map<String, Object> transactionalProducerConfig(KafkaClientConfig kafka) {
    Map<String, Object> p = producerConfig(kafka);
    p.putIfAbsent("retry.backoff.ms", TRANSACTIONAL_RETRY_BACKOFF_MS);
    return p;
  }

  /** Initial retry backoff of the exactly-once sinks' producers, in ms (see above). */
  static final String TRANSACTIONAL_RETRY_BACKOFF_MS = "2";

  static Map<String, Object> producerConfig(KafkaClientConfig kafka) {
    Map<String, Object> p = kafka.withoutBootstrap();
    p.putIfAbsent("acks", "all");
    p.putIfAbsent("enable.idempotence", "true");
    // Model records carry ~100 KB of base64 model; allow comfortably more than that.
    p.putIfAbsent("max.request.size", Integer.toString(8 * 1024 * 1024));
    p.putIfAbsent("compression.type", "lz4");
    return p;
  }
}
