package io.fleetlearn.job;

import io.fleetlearn.drift.DriftReport;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.TopicSpec;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.sim.TimeSource;
import io.fleetlearn.tools.SimulatorRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The drift scenario of docs/drift.md, end to end: 8 simulated machines, one event every 2 s,
 * features stationary except on press-006 and press-007, whose temperature and vibration move by 1
 * sd after two hours. Ten hours of events (up to now, so that the broker keeps them) go to an
 * embedded broker as fast as it takes them; then the packaged {@code run} command processes them
 * with the default 5-minute windows, and the drift reports are read back (read_committed) and
 * counted. Not a test; run after {@code mvn package}:
 *
 * <pre>
 * java -cp cli/target/fleetlearn.jar:job/target/test-classes io.fleetlearn.job.DriftAlarmScenario \
 *     cli/target/fleetlearn.jar /tmp/drift-scenario
 * </pre>
 *
 * It stops the job and the broker it started before it exits, and writes the reports to {@code
 * reports.jsonl} in the directory.
 */
public final class DriftAlarmScenario {
  private static final long WINDOW = 300_000;
  private static final long HOUR = 3_600_000;

  private DriftAlarmScenario() {}

  public static void main(String[] args) throws Exception {
    String jar = args.length > 0 ? args[0] : "target/fleetlearn.jar";
    // Absolute: the broker runs in a process of its own, in another directory.
    Path dir = Paths.get(args.length > 1 ? args[1] : "target/drift-scenario").toAbsolutePath();
    Files.createDirectories(dir);
    long now = System.currentTimeMillis();
    long start = (now - 10 * HOUR) / WINDOW * WINDOW;
    long end = now / WINDOW * WINDOW;
    long shift = start + 2 * HOUR;
    Process job = null;
    try (EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(2).start()) {
      String servers = broker.bootstrapServers();
      TopicAdmin.createTopics(
          broker.adminProperties(),
          TopicSpec.standard(
              "sensor-events", "model-updates", "drift-metrics", "sensor-events-dlq", 2));
      SimulatorConfig config =
          SimulatorConfig.builder()
              .machines(8)
              .eventsPerSecondPerMachine(0.5)
              .seed(2026)
              .driftMachines(6, 7)
              .driftFeatures("temperature", "vibration")
              .driftMagnitude(1.0)
              .driftStartMillis(shift)
              .build();
      Map<String, Object> p = new HashMap<>();
      p.put("bootstrap.servers", servers);
      p.put("acks", "all");
      p.put("max.in.flight.requests.per.connection", "1");
      try (KafkaProducer<byte[], byte[]> producer =
              new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
          SimulatorRunner runner =
              new SimulatorRunner(producer, "sensor-events", config, TimeSource.system())) {
        long made = runner.replay(start, end);
        System.out.printf(
            "Sent %d events from %s to %s; the shift starts at %s%n",
            made,
            Instant.ofEpochMilli(start),
            Instant.ofEpochMilli(end),
            Instant.ofEpochMilli(shift));
      }
      job =
          new ProcessBuilder(
                  "java", "-jar", jar, "run", "--bootstrapServers=" + servers, "--parallelism=2")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("job.log").toFile())
              .start();
      // Every window but the last closes (the watermark stops at the last event).
      int expected = 8 * (int) ((end - start) / WINDOW - 1);
      Collection<DriftReport> reports = read(servers, expected, job);
      List<String> lines = new ArrayList<>();
      for (DriftReport r : reports) {
        lines.add(new String(r.toJson(), java.nio.charset.StandardCharsets.UTF_8));
      }
      Files.write(dir.resolve("reports.jsonl"), lines);
      System.out.printf("Read %d drift reports (about %d expected)%n", reports.size(), expected);
      summarize(reports, shift);
    } finally {
      if (job != null && job.isAlive()) {
        job.destroy();
        if (!job.waitFor(60, TimeUnit.SECONDS)) {
          job.destroyForcibly().waitFor();
        }
      }
    }
  }

  private static Collection<DriftReport> read(String servers, int expected, Process job)
      throws Exception {
    Map<String, DriftReport> reports = new TreeMap<>();
    Properties c = new Properties();
    c.put("bootstrap.servers", servers);
    c.put("group.id", "drift-scenario");
    c.put("auto.offset.reset", "earliest");
    c.put("isolation.level", "read_committed");
    long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(30);
    long lastNew = System.currentTimeMillis();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("drift-metrics"));
      while (System.currentTimeMillis() < deadline && job.isAlive()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofSeconds(2))) {
          DriftReport d = DriftReport.fromJson(r.value());
          reports.put(d.machineId() + "@" + d.windowStart() + "#" + d.paneIndex(), d);
          lastNew = System.currentTimeMillis();
        }
        long quiet = System.currentTimeMillis() - lastNew;
        if ((reports.size() >= expected && quiet > 30_000) || quiet > 180_000) {
          break;
        }
      }
    }
    return reports.values();
  }

  private static void summarize(Collection<DriftReport> all, long shift) {
    Map<String, List<DriftReport>> byMachine = new TreeMap<>();
    for (DriftReport d : all) {
      byMachine.computeIfAbsent(d.machineId(), k -> new ArrayList<>()).add(d);
    }
    int windows = 0;
    int drift = 0;
    int warn = 0;
    int oldDrift = 0;
    int oldAlarm = 0;
    for (Map.Entry<String, List<DriftReport>> e : byMachine.entrySet()) {
      List<DriftReport> rs = e.getValue();
      rs.sort(Comparator.comparingLong(DriftReport::windowStart));
      boolean shifted = e.getKey().equals("press-006") || e.getKey().equals("press-007");
      for (DriftReport d : rs) {
        if (shifted || d.status() == DriftReport.Status.NO_REFERENCE) {
          continue;
        }
        windows++;
        drift += d.status() == DriftReport.Status.DRIFT ? 1 : 0;
        warn += d.status() == DriftReport.Status.WARN ? 1 : 0;
        // What the fixed PSI thresholds (0.25 drift, 0.1 warn) would have said.
        oldDrift += d.maxPsi() >= 0.25 ? 1 : 0;
        oldAlarm += d.maxPsi() >= 0.1 ? 1 : 0;
      }
      if (shifted) {
        List<DriftReport> after = new ArrayList<>();
        for (DriftReport d : rs) {
          if (d.windowStart() >= shift) {
            after.add(d);
          }
        }
        for (DriftReport d : after.subList(0, Math.min(2, after.size()))) {
          System.out.printf(
              "%s, window from %s: %s %s, minimum adjusted p-value %.2g%n",
              d.machineId(),
              Instant.ofEpochMilli(d.windowStart()),
              d.status(),
              d.driftedFeatures(),
              d.minAdjustedPValue());
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "Stationary machines, %d windows with a reference: DRIFT %d (%.2f %%), WARN %d, WARN or"
            + " DRIFT %d (%.2f %%)%n",
        windows,
        drift,
        100.0 * drift / windows,
        warn,
        drift + warn,
        100.0 * (drift + warn) / windows);
    System.out.printf(
        Locale.ROOT,
        "The fixed PSI thresholds on the same reports: DRIFT %d (%.1f %%), WARN or DRIFT %d"
            + " (%.1f %%)%n",
        oldDrift,
        100.0 * oldDrift / windows,
        oldAlarm,
        100.0 * oldAlarm / windows);
  }
}
