package io.fleetlearn.job.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Online scoring of every accepted event, and the fleet model for machines without a champion. The
 * predictions' topic ({@code --predictionsTopic}, empty for no scoring) is a Kafka option.
 */
public interface ScoringOptions extends PipelineOptions {
  @Description("A prediction with probability at or above this is an alert (alert: true).")
  @Default.Double(0.5)
  double getAlertThreshold();

  void setAlertThreshold(double value);

  @Description(
      "Train a fleet model per window on a sample of all machines' events; it scores machines that"
          + " have no champion yet. Published on the model-updates topic under key @fleet.")
  @Default.Boolean(true)
  boolean getFleetModel();

  void setFleetModel(boolean value);

  @Description(
      "Most events per window in the fleet model's training sample (uniform over the fleet).")
  @Default.Integer(5000)
  int getFleetSampleCapacity();

  void setFleetSampleCapacity(int value);

  @Description(
      "Shards the trainers and the fleet scorer are keyed by (each holds a copy of the fleet"
          + " model), spread evenly over the subtasks: a multiple of the job's parallelism"
          + " (docs/capacity.md#shards).")
  @Default.Integer(16)
  int getFleetShards();

  void setFleetShards(int value);

  @Description("Parsed models each scoring instance keeps in memory (least recently used dropped).")
  @Default.Integer(10000)
  int getScoringCacheSize();

  void setScoringCacheSize(int value);
}
