package io.fleetlearn.app;

import io.fleetlearn.app.options.KafkaOptions;
import io.fleetlearn.app.options.ScoringOptions;
import io.fleetlearn.io.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The topics the options name, as the product creates them when they do not exist. */
final class Topics {
  private Topics() {}

  static List<TopicSpec> of(KafkaOptions o) {
    List<TopicSpec> topics =
        new ArrayList<>(
            TopicSpec.standard(
                o.getSensorEventsTopic(),
                o.getModelUpdatesTopic(),
                o.getDriftMetricsTopic(),
                o.getDeadLetterTopic(),
                o.getTopicPartitions()));
    ScoringOptions scoring = o.as(ScoringOptions.class);
    if (!scoring.getPredictionsTopic().isEmpty()) {
      topics.add(
          TopicSpec.predictions(
              scoring.getPredictionsTopic(),
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
