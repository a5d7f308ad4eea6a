package io.fleetlearn.cli.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Options of {@code bench-scoring}. */
public interface BenchScoringOptions extends PipelineOptions {
  @Description("Distinct models (machines) the events cycle through.")
  @Default.Integer(20)
  int getModels();

  void setModels(int value);

  @Description("Boosting rounds of each model.")
  @Default.Integer(50)
  int getRounds();

  void setRounds(int value);

  @Description("max_depth of each model.")
  @Default.Integer(4)
  int getMaxDepth();

  void setMaxDepth(int value);

  @Description("Labelled rows each model is trained on.")
  @Default.Integer(2000)
  int getTrainRows();

  void setTrainRows(int value);

  @Description("Events scored per measured run (after a warm-up of a fifth of that).")
  @Default.Integer(200000)
  int getEvents();

  void setEvents(int value);

  @Description(
      "Events per measured run of the xgboost4j per-event method (a native call per event is"
          + " slow, so fewer are enough).")
  @Default.Integer(20000)
  int getNativeEvents();

  void setNativeEvents(int value);

  @Description("Rows per call of the batched xgboost4j run.")
  @Default.Integer(256)
  int getBatchSize();

  void setBatchSize(int value);

  @Description("Measured runs per method; the best throughput and the median latencies are kept.")
  @Default.Integer(3)
  int getRuns();

  void setRuns(int value);
}
