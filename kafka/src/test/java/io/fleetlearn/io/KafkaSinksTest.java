package io.fleetlearn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSinksTest {
  private static final KafkaClientConfig KAFKA =
      KafkaClientConfig.of(
          Map.of("bootstrap.servers", "broker:9092", "security.protocol", "SASL_SSL"));

  @Test
  void transactionalProducersRetryConcurrentTransactionsSoon() {
    Map<String, Object> p = KafkaSinks.transactionalProducerConfig(KAFKA);
    assertEquals(KafkaSinks.TRANSACTIONAL_RETRY_BACKOFF_MS, p.get("retry.backoff.ms"));
    assertEquals("SASL_SSL", p.get("security.protocol"));
    assertEquals("all", p.get("acks"));
  }

  @Test
  void atLeastOnceWritersKeepTheClientsDefaultBackoff() {
    Map<String, Object> p =
        KafkaSinks.keyedWrite(KAFKA, "model-updates")
            .getWriteRecordsTransform()
            .getProducerConfig();
    assertFalse(p.containsKey("retry.backoff.ms"));
    assertEquals("SASL_SSL", p.get("security.protocol"));
  }

  @Test
  void aBackoffFromThePropertiesFileWins() {
    KafkaClientConfig kafka =
        KafkaClientConfig.of(Map.of("bootstrap.servers", "broker:9092", "retry.backoff.ms", "50"));
    assertEquals("50", KafkaSinks.transactionalProducerConfig(kafka).get("retry.backoff.ms"));
  }
}
