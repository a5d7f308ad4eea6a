package io.fleetlearn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class TopicDefinitionsTest {

  @Test
  void theDeployedTopicsAreTheOnesTheProductCreates() throws Exception {
    List<TopicSpec> file = TopicDefinitions.load(Path.of("config/kafka/topics.yaml"));
    int partitions = file.get(0).partitions();
    List<TopicSpec> product =
        new ArrayList<>(
            TopicSpec.standard(
                "sensor-events",
                "model-updates",
                "drift-metrics",
                "sensor-events-dlq",
                partitions));
    product.add(
        TopicSpec.predictions(
            "defect-predictions", partitions, TopicSpec.BROKER_DEFAULT_REPLICATION));
    assertEquals(byName(product), byName(file));
  }

  @Test
  void readsPartitionsReplicasAndConfigsAsStrings() {
    String yaml =
        "apiVersion: kafka.strimzi.io/v1\nkind: KafkaTopic\nmetadata: {name: a}\n"
            + "spec: {partitions: 3, replicas: 2, config: {retention.ms: -1, min.cleanable.dirty.ratio: 0.1}}\n"
            + "---\n"
            + "kind: KafkaTopic\nmetadata: {name: ignored}\nspec: {topicName: b, partitions: 1}\n---\n";
    List<TopicSpec> topics = TopicDefinitions.parse(new StringReader(yaml), "test");
    assertEquals(
        List.of(
            new TopicSpec(
                "a",
                3,
                (short) 2,
                Map.of("retention.ms", "-1", "min.cleanable.dirty.ratio", "0.1")),
            new TopicSpec("b", 1, TopicSpec.BROKER_DEFAULT_REPLICATION, Map.of())),
        topics);
  }

  @Test
  void refusesOtherKindsAndMissingPartitions() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TopicDefinitions.parse(
                new StringReader("kind: Kafka\nmetadata: {name: a}\nspec: {}\n"), "test"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            TopicDefinitions.parse(
                new StringReader("kind: KafkaTopic\nmetadata: {name: a}\nspec: {}\n"), "test"));
  }

  private static Map<String, TopicSpec> byName(List<TopicSpec> topics) {
    return topics.stream().collect(Collectors.toMap(TopicSpec::name, t -> t));
  }
}
