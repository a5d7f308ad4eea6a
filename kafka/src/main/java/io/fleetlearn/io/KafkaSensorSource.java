package io.fleetlearn.io;

import io.fleetlearn.event.RawRecord;
import io.fleetlearn.event.RawRecordCoder;
import io.fleetlearn.event.SensorEventParser;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;

/**
 * Reads the sensor-events topic as {@link RawRecord}s with event-time timestamps and watermarks
 * ({@link EventTimePolicy}). Keys and values stay bytes, null values (tombstones) included, so that
 * a record that fails parsing reaches the dead-letter topic exactly as it was written. Offsets are
 * committed to the consumer group when checkpoints complete.
 */
public final class KafkaSensorSource extends PTransform<PBegin, PCollection<RawRecord>> {
  private final KafkaClientConfig kafka;
  private final String topic;
  private final String groupId;
  private final SensorEventParser parser;
  private final Duration maxOutOfOrderness;
  private final Duration idleTimeout;

  public KafkaSensorSource(
      KafkaClientConfig kafka,
      String topic,
      String groupId,
      SensorEventParser parser,
      Duration maxOutOfOrderness,
      Duration idleTimeout) {
    this.kafka = kafka;
    this.topic = topic;
    this.groupId = groupId;
    this.parser = parser;
    this.maxOutOfOrderness = maxOutOfOrderness;
    this.idleTimeout = idleTimeout;
  }

  @Override
  public PCollection<RawRecord> expand(PBegin begin) {
    Map<String, Object> consumer = kafka.withoutBootstrap();
    consumer.put("group.id", groupId);
    consumer.putIfAbsent("auto.offset.reset", "earliest");
    return begin
        .apply(
            "ReadFromKafka",
            KafkaIO.<byte[], byte[]>read()
                .withBootstrapServers(kafka.bootstrapServers())
                .withTopic(topic)
                .withKeyDeserializerAndCoder(
                    org.apache.kafka.common.serialization.ByteArrayDeserializer.class,
                    NullableCoder.of(ByteArrayCoder.of()))
                .withValueDeserializerAndCoder(
                    org.apache.kafka.common.serialization.ByteArrayDeserializer.class,
                    NullableCoder.of(ByteArrayCoder.of()))
                .withConsumerConfigUpdates(consumer)
                .withTimestampPolicyFactory(
                    new EventTimePolicy.Factory(
                        parser, maxOutOfOrderness, idleTimeout, UUID.randomUUID().toString()))
                .commitOffsetsInFinalize())
        .apply("ToRawRecord", ParDo.of(new ToRawRecordFn()))
        .setCoder(RawRecordCoder.of());
  }

  static final class ToRawRecordFn extends DoFn<KafkaRecord<byte[], byte[]>, RawRecord> {
    @ProcessElement
    public void process(@Element KafkaRecord<byte[], byte[]> r, OutputReceiver<RawRecord> out) {
      out.output(
          new RawRecord(
              r.getKV().getKey(),
              r.getKV().getValue(),
              r.getTopic(),
              r.getPartition(),
              r.getOffset(),
              r.getTimestamp()));
    }
  }
}
