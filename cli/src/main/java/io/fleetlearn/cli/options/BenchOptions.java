package io.fleetlearn.cli.options;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Options of {@code bench}: which benchmarks, their sizes, and where the results go. Options that
 * are not listed here (any Flink runner option, e.g. {@code --objectReuse=false}) are passed on to
 * the pipelines under test.
 */
public interface BenchOptions extends PipelineOptions {
  @Description(
      "Benchmarks to run, comma-separated: ingest, retraining (memory is measured in both).")
  @Default.String("ingest,retraining")
  String getBenchmarks();

  void setBenchmarks(String value);

  @Description("Ingest benchmark: events in the pre-filled topic.")
  @Default.Integer(1_000_000)
  int getIngestEvents();

  void setIngestEvents(int value);

  @Description("Ingest benchmark: machines the events are spread over.")
  @Default.Integer(1000)
  int getIngestMachines();

  void setIngestMachines(int value);

  @Description("Ingest benchmark: event-time windows the events are spread over.")
  @Default.Integer(4)
  int getIngestWindows();

  void setIngestWindows(int value);

  @Description("Retraining benchmark: fleet sizes, comma-separated; one run each.")
  @Default.String("100,1000,10000")
  String getRetrainMachines();

  void setRetrainMachines(String value);

  @Description("Retraining benchmark: events per machine in the measured window.")
  @Default.Integer(500)
  int getEventsPerWindow();

  void setEventsPerWindow(int value);

  @Description("Event-time window size of the pipelines under test.")
  @Default.String("5m")
  String getBenchWindowSize();

  void setBenchWindowSize(String value);

  @Description("Partitions of the sensor-events topic (and of the output topics).")
  @Default.Integer(4)
  int getPartitions();

  void setPartitions(int value);

  @Description(
      "Parallelism of the pipelines and threads of the raw limits; 0 = the number of cores.")
  @Default.Integer(0)
  int getBenchParallelism();

  void setBenchParallelism(int value);

  @Description("Checkpoint interval of the pipelines under test, in ms (exactly-once sinks).")
  @Default.Long(1000)
  long getBenchCheckpointingInterval();

  void setBenchCheckpointingInterval(long value);

  @Description("Heap (-Xmx) of the embedded Kafka broker's JVM.")
  @Default.String("1g")
  String getBrokerHeap();

  void setBrokerHeap(String value);

  @Description(
      "Results file (Markdown). The measured section between its bench markers is replaced;"
          + " everything else in the file is kept.")
  @Default.String("BENCHMARKS.md")
  String getOutput();

  void setOutput(String value);

  @Description("Record a JFR CPU profile of each measured phase and add its hottest frames.")
  @Default.Boolean(false)
  boolean getProfile();

  void setProfile(boolean value);

  @Description("Longest wait for any one measured phase, e.g. 10m.")
  @Default.String("10m")
  String getPhaseTimeout();

  void setPhaseTimeout(String value);

  @Description("Random seed of the simulated fleet.")
  @Default.Long(7)
  long getBenchSeed();

  void setBenchSeed(long value);
}
