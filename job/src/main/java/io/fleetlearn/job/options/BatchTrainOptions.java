package io.fleetlearn.job.options;

import io.fleetlearn.tools.options.KafkaOptions;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;

/**
 * Options of {@code train}: the history table, the output, training parameters (named and defaulted
 * as the streaming pipeline's), the global-model comparison and the warm start on Kafka.
 */
public interface BatchTrainOptions extends TabularInputOptions, KafkaOptions, ModelParamsOptions {
  @Description(
      "Output directory (any Beam filesystem): entities/<entity>.ubj|json and"
          + " <entity>.metadata.json, global/ with --compareGlobal, rejected/rows-*.jsonl.")
  @Validation.Required
  String getOutput();

  void setOutput(String value);

  @Description("Model file format: ubj (XGBoost's binary JSON) or json.")
  @Default.String("ubj")
  String getModelFormat();

  void setModelFormat(String value);

  @Description(
      "Most rows per entity kept for training: a uniform, deterministic sample (the streaming"
          + " reservoir) when an entity has more.")
  @Default.Integer(100000)
  int getMaxRowsPerEntity();

  void setMaxRowsPerEntity(int value);

  @Description(
      "Also train one global model on all entities' training rows and compare it with the"
          + " per-entity models on the same holdout (written to global/, printed in the summary).")
  @Default.Boolean(false)
  boolean getCompareGlobal();

  void setCompareGlobal(boolean value);

  @Description(
      "Warm start: publish each trained model to --modelUpdatesTopic (and --modelHistoryTopic)"
          + " as the entity's champion: status PROMOTED, version 1. Entities that already have a"
          + " record there are left alone. Needs --bootstrapServers.")
  @Default.Boolean(false)
  boolean getPublishModels();

  void setPublishModels(boolean value);

  @Description("Fewest labelled rows an entity needs before a model is trained (else SKIPPED).")
  @Default.Integer(50)
  int getMinLabelledRows();

  void setMinLabelledRows(int value);

  @Description("Fewest rows of each class an entity needs (else SKIPPED).")
  @Default.Integer(5)
  int getMinPerClass();

  void setMinPerClass(int value);

  @Description("Score threshold at or above which a row is predicted positive.")
  @Default.Double(0.5)
  double getDecisionThreshold();

  void setDecisionThreshold(double value);
}
