package io.fleetlearn.tools.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;

/** Options of the {@code consume} command. */
public interface ConsumeOptions extends KafkaOptions {
  @Description(
      "Start from the beginning of the topic (the whole compacted registry) instead of the end.")
  @Default.Boolean(true)
  boolean getFromBeginning();

  void setFromBeginning(boolean value);

  @Description("Also print the drift reports of the drift-metrics topic.")
  @Default.Boolean(false)
  boolean getIncludeDrift();

  void setIncludeDrift(boolean value);

  @Description("Stop after this many records (0 = no limit).")
  @Default.Long(0)
  long getMaxRecords();

  void setMaxRecords(long value);

  @Description("Stop after this long, e.g. 30s (0 = until Ctrl-C).")
  @Default.String("0s")
  String getDuration();

  void setDuration(String value);
}
