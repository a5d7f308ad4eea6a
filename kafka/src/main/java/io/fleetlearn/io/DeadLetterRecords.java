package io.fleetlearn.io;

import io.fleetlearn.event.DeadLetter;
import io.fleetlearn.event.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The Kafka form of a dead letter: the original key and value bytes untouched, and the error
 * context in headers (the convention of Kafka Connect's dead-letter queues), so a consumer can
 * replay the value as-is after fixing whatever was wrong.
 */
public final class DeadLetterRecords {
  public static final String REASON = "dlq.reason";
  public static final String REASON_CODE = "dlq.reason.code";
  public static final String STAGE = "dlq.stage";
  public static final String TOPIC = "dlq.original.topic";
  public static final String PARTITION = "dlq.original.partition";
  public static final String OFFSET = "dlq.original.offset";
  public static final String TIMESTAMP = "dlq.original.timestamp";
  public static final String FAILED_AT = "dlq.failed.at";

  private DeadLetterRecords() {}

  public static ProducerRecord<byte[], byte[]> toProducerRecord(String topic, DeadLetter d) {
    RawRecord r = d.record();
    List<Header> headers =
        List.of(
            header(REASON, d.reason()),
            header(REASON_CODE, d.reasonCode()),
            header(STAGE, d.stage()),
            header(TOPIC, r.topic()),
            header(PARTITION, Integer.toString(r.partition())),
            header(OFFSET, Long.toString(r.offset())),
            header(TIMESTAMP, Long.toString(r.recordTimestampMillis())),
            header(FAILED_AT, Long.toString(d.failedAtMillis())));
    return new ProducerRecord<>(topic, null, null, r.key(), r.value(), headers);
  }

  private static Header header(String k, String v) {
    return new RecordHeader(k, v.getBytes(StandardCharsets.UTF_8));
  }
}
