package io.fleetlearn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkGroupConsumerFactoryTest {
  @Test
  void theSinksConsumerGetsTheSecuritySettingsAndKeepsItsOwn() {
    KafkaClientConfig kafka =
        KafkaClientConfig.of(
            Map.of(
                "bootstrap.servers", "client-view:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "PLAIN",
                "group.id", "from-the-file"));
    Map<String, Object> config =
        new SinkGroupConsumerFactory(kafka)
            .configFor(Map.of("bootstrap.servers", "sink:9093", "group.id", "sink-group"));
    assertEquals("SASL_SSL", config.get("security.protocol"));
    assertEquals("PLAIN", config.get("sasl.mechanism"));
    assertEquals("sink-group", config.get("group.id"));
    assertEquals("sink:9093", config.get("bootstrap.servers"));
    assertFalse(config.containsValue("client-view:9093"));
  }
}
