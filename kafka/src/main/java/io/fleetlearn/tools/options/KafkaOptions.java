package io.fleetlearn.tools.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Where the product's Kafka topics live and how its clients connect. */
public interface KafkaOptions extends PipelineOptions {
  @Description("Kafka bootstrap servers, HOST:PORT[,HOST:PORT...].")
  @Default.String("")
  String getBootstrapServers();

  void setBootstrapServers(String value);

  @Description(
      "Kafka client properties file passed through to every consumer, producer and admin client"
          + " (security.protocol, sasl.*, ssl.*, client.id, ...). Secrets in it are never logged.")
  @Default.String("")
  String getKafkaProperties();

  void setKafkaProperties(String value);

  @Description("Topic of sensor events (input), key = machineId.")
  @Default.String("sensor-events")
  String getSensorEventsTopic();

  void setSensorEventsTopic(String value);

  @Description("Compacted topic of model updates (output), key = machineId.")
  @Default.String("model-updates")
  String getModelUpdatesTopic();

  void setModelUpdatesTopic(String value);

  @Description(
      "Optional non-compacted topic that receives every model update too, kept forever: the full"
          + " history the compacted model-updates topic drops. Empty for none.")
  @Default.String("")
  String getModelHistoryTopic();

  void setModelHistoryTopic(String value);

  @Description("Topic of per-machine drift reports (output), key = machineId.")
  @Default.String("drift-metrics")
  String getDriftMetricsTopic();

  void setDriftMetricsTopic(String value);

  @Description(
      "Topic of defect predictions (output, key = machineId), one per scored event. Empty: no"
          + " scoring.")
  @Default.String("defect-predictions")
  String getPredictionsTopic();

  void setPredictionsTopic(String value);

  @Description("Dead-letter topic: refused input records with their original bytes.")
  @Default.String("sensor-events-dlq")
  String getDeadLetterTopic();

  void setDeadLetterTopic(String value);

  @Description("Kafka consumer group of the pipeline (offsets are committed on checkpoints).")
  @Default.String("fleetlearn-retraining")
  String getConsumerGroup();

  void setConsumerGroup(String value);

  @Description(
      "Publish model updates and drift reports exactly once: they commit in Kafka transactions"
          + " once the checkpoint that holds them completes (read them with isolation.level=read_committed). false: at-least-once:"
          + " after a failure, windows published since the last checkpoint are published again as"
          + " the same records, the decisions found on the model-updates topic (dedupe on"
          + " machineId+window+pane).")
  @Default.Boolean(true)
  boolean getExactlyOnce();

  void setExactlyOnce(boolean value);

  @Description(
      "Names this deployment in the exactly-once sinks' transactional ids"
          + " (<deploymentId>-<topic>-<shard>) and progress groups (<deploymentId>-<topic>). Keep it"
          + " across restarts and upgrades of one deployment, so that a restarted job fences what"
          + " its predecessor may have left running; give two deployments that run at the same"
          + " time (blue/green) different ones: a job that finds its ids in use by an older job"
          + " stops with a message. Empty: the value of --consumerGroup.")
  @Default.String("")
  String getDeploymentId();

  void setDeploymentId(String value);

  @Description(
      "Transactional writers per output topic when --exactlyOnce is on (a machine's records always"
          + " go through the same one). At most the topic's partition count.")
  @Default.Integer(1)
  int getSinkShards();

  void setSinkShards(int value);

  @Description(
      "How long to wait for Kafka to answer at start (retrying with backoff) before giving up.")
  @Default.String("2m")
  String getKafkaWaitTimeout();

  void setKafkaWaitTimeout(String value);

  @Description("Partitions of topics that this program creates (topics that exist are left alone).")
  @Default.Integer(4)
  int getTopicPartitions();

  void setTopicPartitions(int value);
}
