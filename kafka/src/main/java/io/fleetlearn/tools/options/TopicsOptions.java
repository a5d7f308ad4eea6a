package io.fleetlearn.tools.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of {@code topics}: which topic definitions to create. */
public interface TopicsOptions extends KafkaOptions {
  @Description(
      "YAML file of Strimzi KafkaTopic resources to create (e.g. config/kafka/topics.yaml); empty"
          + " for the product's standard topics named by the topic options.")
  @Default.String("")
  String getTopicDefinitions();

  void setTopicDefinitions(String value);
}
