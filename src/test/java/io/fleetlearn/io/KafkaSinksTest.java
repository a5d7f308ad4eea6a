package io.fleetlearn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.junit.jupiter.api.Test;

class KafkaSinksTest {
  private static final KafkaClientConfig KAFKA =
      KafkaClientConfig.of(
          Map.of("bootstrap.servers", "broker:9092", "security.protocol", "SASL_SSL"));

  @Test
  void exactlyOnceWritersRetryConcurrentTransactionsSoon() {
    KafkaIO.WriteRecords<String, byte[]> w =
        KafkaSinks.keyedWrite(KAFKA, "model-updates", Delivery.exactlyOnce(2, "group"))
            .getWriteRecordsTransform();
    assertTrue(w.isEOS());
    assertEquals(2, w.getNumShards());
    Map<String, Object> p = w.getProducerConfig();
    assertEquals(KafkaSinks.TRANSACTIONAL_RETRY_BACKOFF_MS, p.get("retry.backoff.ms"));
    assertEquals("SASL_SSL", p.get("security.protocol"));
    assertEquals("all", p.get("acks"));
  }

  @Test
  void atLeastOnceWritersKeepTheClientsDefaultBackoff() {
    Map<String, Object> p =
        KafkaSinks.keyedWrite(KAFKA, "model-updates", Delivery.atLeastOnce())
            .getWriteRecordsTransform()
            .getProducerConfig();
    assertFalse(p.containsKey("retry.backoff.ms"));
    assertEquals("SASL_SSL", p.get("security.protocol"));
  }

  @Test
  void aBackoffFromThePropertiesFileWins() {
    KafkaClientConfig kafka =
        KafkaClientConfig.of(Map.of("bootstrap.servers", "broker:9092", "retry.backoff.ms", "50"));
    Map<String, Object> p =
        KafkaSinks.keyedWrite(kafka, "drift-metrics", Delivery.exactlyOnce(1, "group"))
            .getWriteRecordsTransform()
            .getProducerConfig();
    assertEquals("50", p.get("retry.backoff.ms"));
  }
}
