package io.fleetlearn.job.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Limits on input records; a record outside them is dead-lettered with the reason. */
public interface EventOptions extends PipelineOptions {
  @Description("Largest accepted event payload in bytes.")
  @Default.Integer(65536)
  int getMaxEventBytes();

  void setMaxEventBytes(int value);

  @Description("Longest accepted machineId.")
  @Default.Integer(128)
  int getMaxMachineIdLength();

  void setMaxMachineIdLength(int value);

  @Description("How far an event time may lie ahead of its Kafka record's timestamp.")
  @Default.String("1h")
  String getMaxFutureSkew();

  void setMaxFutureSkew(String value);
}
