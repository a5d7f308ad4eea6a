package io.fleetlearn.job.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Event time and windows. Durations read like 500ms, 30s, 5m, 2h, 7d or ISO-8601 (PT5M). */
public interface WindowingOptions extends PipelineOptions {
  @Description("Size of the event-time window each machine's model is trained on.")
  @Default.String("5m")
  String getWindowSize();

  void setWindowSize(String value);

  @Description(
      "How far behind the watermark an event may arrive and still retrain its window (a late"
          + " pane). Later events are dropped and counted.")
  @Default.String("1m")
  String getAllowedLateness();

  void setAllowedLateness(String value);

  @Description(
      "Processing-time delay before a late pane fires, so a burst of late events retrains once.")
  @Default.String("10s")
  String getLateFiringDelay();

  void setLateFiringDelay(String value);

  @Description(
      "Bounded out-of-orderness: the watermark trails the largest event time by this much.")
  @Default.String("5s")
  String getMaxOutOfOrderness();

  void setMaxOutOfOrderness(String value);

  @Description(
      "A caught-up partition that has received nothing for this long (wall clock) stops holding"
          + " the watermark back and follows the other partitions' event time.")
  @Default.String("10s")
  String getIdleTimeout();

  void setIdleTimeout(String value);
}
