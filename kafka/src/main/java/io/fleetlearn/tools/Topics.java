package io.fleetlearn.tools;

import io.fleetlearn.io.TopicSpec;
import io.fleetlearn.tools.options.KafkaOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The topics the options name, as the product creates them when they do not exist. */
public final class Topics {
  private Topics() {}

  public static List<TopicSpec> of(KafkaOptions o) {
    List<TopicSpec> topics =
        new ArrayList<>(
            TopicSpec.standard(
                o.getSensorEventsTopic(),
                o.getModelUpdatesTopic(),
                o.getDriftMetricsTopic(),
                o.getDeadLetterTopic(),
                o.getTopicPartitions()));
    if (!o.getPredictionsTopic().isEmpty()) {
      topics.add(
          TopicSpec.predictions(
              o.getPredictionsTopic(),
              o.getTopicPartitions(),
              TopicSpec.BROKER_DEFAULT_REPLICATION));
    }
    if (!o.getModelHistoryTopic().isEmpty()) {
      // Every version ever decided, kept forever: the audit trail the compacted topic drops.
      topics.add(
          new TopicSpec(
              o.getModelHistoryTopic(),
              o.getTopicPartitions(),
              TopicSpec.BROKER_DEFAULT_REPLICATION,
              Map.of("cleanup.policy", "delete", "retention.ms", "-1")));
    }
    return topics;
  }
}
