package io.fleetlearn.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * A CPU profile of one measured phase with the JDK's own Flight Recorder (method sampling every
 * 10-20 ms), summarised as the hottest frames (self time) and the share of samples per component
 * (the package of the top frame). Samples in native code count only when they are xgboost's: the
 * JVM also reports threads parked in native socket waits there.
 */
public final class CpuProfile implements AutoCloseable {
  /** Stages of the pipeline, each recognised by a frame anywhere in a sample's stack. */
  private static final String[][] STAGES = {
    {"Kafka consumer: fetch and decode records", "org.apache.kafka.clients.consumer."},
    {"event time: parse in the timestamp policy", "EventTimePolicy.getTimestampForRecord"},
    {"ParseSensorEvent: parse and validate", "ParseSensorEventFn.process"},
    {"Beam metrics pushed to Flink on every read", "FlinkMetricContainerBase.updateMetrics"},
    {"element copies between chained operators", "CoderTypeSerializer.copy"},
    {"serialisation into the shuffle", "RecordWriterOutput.collect"},
    {"window state and timers (ReduceFnRunner)", "ReduceFnRunner."},
    {"pre-combine per bundle (PreCombineSamplesFn)", "PreCombineSamplesFn."},
    {"WindowSample.add (the combine)", "WindowSample.add"},
    {"state snapshots (checkpoints)", "SnapshotStrategyRunner"},
    {"training (XgbTrainer.train)", "XgbTrainer.train"},
    {"registry (ModelRegistryFn)", "ModelRegistryFn.process"},
    {"model update JSON", "ModelUpdate.toJson"},
    {"SHA-256 of models", "ModelUpdate.sha256"},
    {"exactly-once Kafka sink", "WriteInTransactionsFn."}
  };

  private final Recording recording;
  private final Path file;

  private CpuProfile(Recording recording, Path file) {
    this.recording = recording;
    this.file = file;
  }

  /** Starts a recording with the JDK's "profile" settings. */
  public static CpuProfile start() throws IOException {
    Recording r;
    try {
      r = new Recording(Configuration.getConfiguration("profile"));
    } catch (ParseException e) {
      throw new IOException("JFR profile settings: " + e.getMessage(), e);
    }
    r.enable("jdk.ExecutionSample").withPeriod(java.time.Duration.ofMillis(10));
    r.enable("jdk.NativeMethodSample").withPeriod(java.time.Duration.ofMillis(20));
    r.start();
    return new CpuProfile(r, Files.createTempFile("fleetlearn-bench-", ".jfr"));
  }

  /** Stops the recording and summarises it in Markdown (at most {@code top} frames). */
  public String stopAndSummarise(String title, int top) throws IOException {
    recording.stop();
    recording.dump(file);
    Map<String, Integer> frames = new HashMap<>();
    Map<String, Integer> components = new LinkedHashMap<>();
    Map<String, Integer> stages = new LinkedHashMap<>();
    int total = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
      String type = e.getEventType().getName();
      boolean java = type.equals("jdk.ExecutionSample");
      if (!java && !type.equals("jdk.NativeMethodSample")) {
        continue;
      }
      RecordedStackTrace st = e.getStackTrace();
      if (st == null || st.getFrames().isEmpty()) {
        continue;
      }
      RecordedFrame f = st.getFrames().get(0);
      String cls = f.getMethod().getType().getName();
      if (!java && !cls.startsWith("ml.dmlc.xgboost4j")) {
        continue;
      }
      total++;
      for (String[] stage : STAGES) {
        for (RecordedFrame frame : st.getFrames()) {
          String m = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
          if (m.contains(stage[1])) {
            stages.merge(stage[0], 1, Integer::sum);
            break;
          }
        }
      }
      frames.merge(cls + "." + f.getMethod().getName() + "` via `" + caller(st), 1, Integer::sum);
      components.merge(component(cls), 1, Integer::sum);
    }
    StringBuilder b = new StringBuilder();
    b.append("#### ").append(title).append("\n\n");
    if (total == 0) {
      return b.append("No CPU samples were recorded.\n\n").toString();
    }
    b.append(total).append(" CPU samples. By component (package of the top frame): ");
    final int all = total;
    List<String> parts = new ArrayList<>();
    components.entrySet().stream()
        .sorted((x, y) -> y.getValue() - x.getValue())
        .forEach(x -> parts.add(x.getKey() + " " + percent(x.getValue(), all)));
    b.append(String.join(", ", parts)).append(".\n\n");
    b.append("| inclusive samples | stage |\n|---:|---|\n");
    stages.entrySet().stream()
        .sorted((x, y) -> y.getValue() - x.getValue())
        .forEach(
            x ->
                b.append("| ")
                    .append(percent(x.getValue(), all))
                    .append(" | ")
                    .append(x.getKey())
                    .append(" |\n"));
    b.append('\n');
    b.append("| self samples | frame ` via ` callers outside the JDK |\n|---:|---|\n");
    frames.entrySet().stream()
        .sorted((x, y) -> y.getValue() - x.getValue())
        .limit(top)
        .forEach(
            x ->
                b.append("| ")
                    .append(percent(x.getValue(), all))
                    .append(" | `")
                    .append(x.getKey())
                    .append("` |\n"));
    return b.append('\n').toString();
  }

  /** The first three frames below the top that are neither the JDK's nor the top's class. */
  private static String caller(RecordedStackTrace st) {
    String top = st.getFrames().get(0).getMethod().getType().getName();
    List<String> callers = new ArrayList<>();
    for (RecordedFrame f : st.getFrames()) {
      String cls = f.getMethod().getType().getName();
      if (!cls.equals(top) && !component(cls).equals("jdk")) {
        callers.add(cls.substring(cls.lastIndexOf('.') + 1) + "." + f.getMethod().getName());
        if (callers.size() == 3) {
          break;
        }
      }
    }
    return callers.isEmpty() ? "-" : String.join(" ← ", callers);
  }

  static String component(String cls) {
    String[][] known = {
      {"ml.dmlc.xgboost4j", "xgboost"},
      {"io.fleetlearn", "fleetlearn"},
      {"com.fasterxml.jackson", "jackson"},
      {"org.apache.kafka", "kafka-clients"},
      {"org.apache.beam", "beam"},
      {"org.apache.flink", "flink"},
      {"java.", "jdk"},
      {"jdk.", "jdk"},
      {"sun.", "jdk"},
      {"org.joda", "joda-time"}
    };
    for (String[] k : known) {
      if (cls.startsWith(k[0])) {
        return k[1];
      }
    }
    return "other";
  }

  private static String percent(int n, int total) {
    return String.format(java.util.Locale.ROOT, "%.1f%%", 100.0 * n / total);
  }

  @Override
  public void close() throws IOException {
    recording.close();
    Files.deleteIfExists(file);
  }
}
