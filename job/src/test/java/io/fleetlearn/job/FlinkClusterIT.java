package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.registry.FleetModel;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.sim.SensorSimulator;
import io.fleetlearn.sim.SimulatedRecord;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.testing.flink.StandaloneFlinkCluster;
import io.fleetlearn.testing.kafka.KafkaTestSupport;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar on a real Flink 1.19 standalone session cluster (JobManager and TaskManager in
 * JVMs of their own, see {@link StandaloneFlinkCluster}) whose {@code lib/} is laid out as the
 * official Flink image's (Scala 2.12, Log4j 2), configured by {@code config/flink/config.yaml}
 * (RocksDB, Prometheus reporter), with the pipeline options of {@code config/pipeline.properties}
 * and the topics of {@code config/kafka/topics.yaml}, against a real KRaft broker.
 *
 * <p>Three lives of one job, every way of submitting and resuming: submitted with Flink's own
 * client ({@code flink run}); stopped with a savepoint while a window is open and resumed from it
 * by the product's command line with the FlinkRunner's {@code --flinkMaster} and {@code
 * --savepointPath}; stopped again and resumed with {@code flink run -s}, which passes the savepoint
 * through Flink's configuration as the Kubernetes operator does. The lives also rescale: the first
 * runs at parallelism 1 on one TaskManager with one slot, the second at 2 after a second
 * TaskManager joined, the third at 1 again. After each restore every machine's versions continue (a
 * job that lost its state would publish version 1 again), every closed window has exactly one
 * update, and each window that was open at a savepoint counts every one of its events exactly once.
 */
class FlinkClusterIT {
  private static final long WINDOW_MS = 20_000;
  private static final int MACHINES = 3;

  /**
   * Registry entries per window: the machines and the fleet model, which scores machines without a
   * champion (scoring is on: config/kafka/topics.yaml creates defect-predictions).
   */
  private static final int ENTRIES = MACHINES + 1;

  private static final Duration UPDATES_TIMEOUT = Duration.ofMinutes(4);
  private static final Duration MINUTES_2 = Duration.ofMinutes(2);
  private static final Pattern SUBMITTED = Pattern.compile("JobID ([0-9a-f]{32})");

  @TempDir Path dir;

  private static Path jar() {
    Path jar =
        Path.of(System.getProperty("fleetlearn.job.jar", "job/target/fleetlearn-job.jar"))
            .toAbsolutePath();
    assertTrue(Files.isRegularFile(jar), "the job jar is built in the package phase: " + jar);
    return jar;
  }

  /**
   * The cluster's distribution, checked to be laid out as the official {@code
   * flink:1.19.1-scala_2.12-java17} image's {@code lib/} is: with Flink's Scala 2.12 (which Flink
   * loads parent-first, so a job jar that brings another Scala, or a Scala module for Jackson,
   * fails at start) and Log4j 2 as the logging backend.
   */
  private static Path imageLikeDistribution() throws Exception {
    Path dist =
        Path.of(System.getProperty("flink.dist.dir", "job/target/flink-1.19.1")).toAbsolutePath();
    List<String> lib;
    try (var files = Files.list(dist.resolve("lib"))) {
      lib = files.map(f -> f.getFileName().toString()).sorted().toList();
    }
    for (String prefix :
        List.of(
            "flink-scala_2.12-",
            "scala-library-2.12.",
            "scala-reflect-2.12.",
            "chill_2.12-",
            "log4j-slf4j-impl-2.",
            "log4j-core-2.",
            "flink-table-planner-loader-")) {
      assertTrue(
          lib.stream().anyMatch(f -> f.startsWith(prefix)),
          "lib/ has " + prefix + "*, as the official image's has: " + lib);
    }
    assertFalse(
        lib.stream().anyMatch(f -> f.startsWith("slf4j-simple")),
        "the image logs through Log4j 2, not slf4j-simple: " + lib);
    return dist;
  }

  @Test
  void trainRunsAsABatchJobOnTheClusterUnderFlinkRun() throws Exception {
    Path jar = jar();
    Path out = dir.resolve("ai4i-models");
    try (StandaloneFlinkCluster cluster =
        StandaloneFlinkCluster.start(
            imageLikeDistribution(),
            Path.of("config/flink/config.yaml"),
            dir.resolve("flink"),
            Map.of(
                "jobmanager.memory.process.size", "1024m",
                "taskmanager.memory.process.size", "2048m",
                // A batch job's blocking shuffles need more network buffers than the streaming job:
                // at the default 10 % of 1.5 GB a deployment failed on "Insufficient number of
                // network buffers" and the job restarted for ever (docs/deployment.md says so).
                "taskmanager.memory.network.fraction", "0.2",
                "taskmanager.memory.managed.fraction", "0.2"))) {
      // Attached, as a user runs a batch job: the client returns when the job has finished.
      List<String> cli =
          new ArrayList<>(List.of("run", "-m", cluster.restAddress(), "-c", Main.class.getName()));
      cli.addAll(
          List.of(
              jar.toString(),
              "train",
              "--input=" + TrainCommandTest.ai4i(),
              "--output=" + out,
              "--entityColumns=Type",
              "--labelColumn=Machine failure",
              TrainCommandTest.AI4I_NUMERIC,
              "--parallelism=2"));
      String printed = cluster.runCli(Duration.ofMinutes(4), cli.toArray(new String[0]));
      assertTrue(printed.contains("3 entities: 3 trained"), printed);
      for (String type : List.of("H", "L", "M")) {
        assertTrue(Files.isRegularFile(out.resolve("entities").resolve(type + ".ubj")), type);
      }
      // It ran on the cluster, not on a mini-cluster inside the client.
      List<JsonNode> jobs = cluster.jobs();
      assertTrue(
          jobs.stream()
              .anyMatch(
                  j ->
                      j.path("name").asText().equals("fleetlearn-batch-training")
                          && j.path("state").asText().equals("FINISHED")),
          "the cluster ran the training job: " + jobs);
    }
  }

  @Test
  void jobResumedFromASavepointContinuesEveryMachinesVersions() throws Exception {
    Path jar = jar();
    Path dist = imageLikeDistribution();
    Path pipelineOptions = Path.of("config/pipeline.properties").toAbsolutePath();

    long start = Instant.parse("2026-08-03T07:00:00Z").toEpochMilli();
    SensorSimulator simulator =
        new SensorSimulator(
            SimulatorConfig.builder()
                .machines(MACHINES)
                .eventsPerSecondPerMachine(20)
                .seed(23)
                .malformedRatio(0)
                .build());
    // Valid events per machine and window ("press-000@<window start>").
    Map<String, Long> openWindowEvents = new HashMap<>();

    try (EmbeddedKafkaBroker broker =
            EmbeddedKafkaBroker.builder(dir.resolve("kafka")).partitions(1).start();
        StandaloneFlinkCluster cluster =
            StandaloneFlinkCluster.start(
                dist,
                Path.of("config/flink/config.yaml"),
                dir.resolve("flink"),
                Map.of(
                    "jobmanager.memory.process.size", "1024m",
                    "taskmanager.memory.process.size", "1536m",
                    "taskmanager.numberOfTaskSlots", "1",
                    "parallelism.default", "1"))) {
      String bootstrap = broker.bootstrapServers();
      // The topics as deployments create them: from the KafkaTopic definitions, 6 partitions each,
      // so the 3 machines leave partitions empty (the watermark must not wait for them).
      ByteArrayOutputStream topicsOut = new ByteArrayOutputStream();
      assertEquals(
          0,
          Main.run(
              new String[] {
                "topics",
                "--bootstrapServers=" + bootstrap,
                "--topicDefinitions=" + Path.of("config/kafka/topics.yaml").toAbsolutePath()
              },
              new PrintStream(topicsOut, true, StandardCharsets.UTF_8)));

      List<String> jobArgs =
          List.of(
              "run",
              "--optionsFile=" + pipelineOptions,
              "--bootstrapServers=" + bootstrap,
              "--windowSize=20s",
              "--allowedLateness=0s",
              "--maxOutOfOrderness=1s",
              "--idleTimeout=2s",
              "--checkpointingInterval=2000",
              "--minPauseBetweenCheckpoints=0");

      // Windows 1-3 of history; windows 1 and 2 close, window 3 stays open.
      produce(bootstrap, simulator, start, start + 3 * WINDOW_MS, openWindowEvents);

      // 1. `flink run`: Flink's client runs the jar's main, which submits through the context.
      String first = flinkRun(cluster, jar, with(jobArgs, "--parallelism=1"));
      cluster.awaitJobState(first, "RUNNING", MINUTES_2);
      assertEquals(1, parallelism(cluster, first));

      // The job's checkpointing comes from config/pipeline.properties (mode, retention) and the
      // command line (interval); the state backend from config/flink/config.yaml.
      JsonNode checkpoints = cluster.get("/jobs/" + first + "/checkpoints/config");
      assertEquals("exactly_once", checkpoints.path("mode").asText(), checkpoints.toString());
      assertEquals(2000, checkpoints.path("interval").asLong(), checkpoints.toString());
      JsonNode externalization = checkpoints.path("externalization");
      assertTrue(externalization.path("enabled").asBoolean(), checkpoints.toString());
      assertFalse(
          externalization.path("delete_on_cancellation").asBoolean(true), checkpoints.toString());
      assertTrue(
          checkpoints.path("state_backend").asText().contains("RocksDB"), checkpoints.toString());

      awaitUpdates(bootstrap, 2 * ENTRIES);
      String metrics = cluster.taskManagerMetrics();
      assertTrue(
          metrics.contains("fleetlearn_windows_closed"),
          "Beam counters on the TaskManager's Prometheus endpoint:\n" + excerpt(metrics));

      // 2. Stop with a savepoint (no drain: window 3 stays open, inside the savepoint). Windows 4
      // and 5 arrive while the job is down. Resume with the product's command line as the image
      // runs it (deploy/docker/fleetlearn: the job jar on the Flink distribution's classpath) and
      // the FlinkRunner's --flinkMaster and --savepointPath: windows 3 and 4 close.
      String savepoint1 = stopWithSavepoint(cluster, first, 2 * ENTRIES, bootstrap);
      produce(bootstrap, simulator, start + 3 * WINDOW_MS, start + 5 * WINDOW_MS, openWindowEvents);
      // Rescaled to 2 on two TaskManagers of one slot each: state moves by key group.
      cluster.addTaskManager();
      List<String> resume = with(jobArgs, "--parallelism=2");
      resume.add("--flinkMaster=" + cluster.restAddress());
      resume.add("--savepointPath=" + savepoint1);
      runImageCommand(jar, dist, cluster, resume, dir.resolve("submit.log"));
      String second =
          cluster.awaitRunningJob(j -> !j.path("jid").asText().equals(first), MINUTES_2);
      assertEquals(2, parallelism(cluster, second));
      awaitUpdates(bootstrap, 4 * ENTRIES);

      // 3. Again, resuming this time with `flink run -s`, the way Flink's own tools (and the
      // Kubernetes operator's upgrades) pass a savepoint: through Flink's configuration; and back
      // to parallelism 1.
      String savepoint2 = stopWithSavepoint(cluster, second, 4 * ENTRIES, bootstrap);
      produce(bootstrap, simulator, start + 5 * WINDOW_MS, start + 7 * WINDOW_MS, openWindowEvents);
      String third = flinkRun(cluster, jar, with(jobArgs, "--parallelism=1"), "-s", savepoint2);
      try {
        cluster.awaitJobState(third, "RUNNING", MINUTES_2);
        assertEquals(1, parallelism(cluster, third));
        List<ModelUpdate> all = awaitUpdates(bootstrap, 6 * ENTRIES);
        Map<String, List<ModelUpdate>> byMachine = new TreeMap<>();
        for (ModelUpdate u : all) {
          byMachine.computeIfAbsent(u.machineId(), k -> new ArrayList<>()).add(u);
        }
        assertEquals(
            Set.of("press-000", "press-001", "press-002", FleetModel.ID), byMachine.keySet());
        for (Map.Entry<String, List<ModelUpdate>> e : byMachine.entrySet()) {
          boolean fleet = FleetModel.isFleet(e.getKey());
          List<ModelUpdate> us = e.getValue();
          us.sort((a, b) -> Long.compare(a.windowStart(), b.windowStart()));
          System.out.println(e.getKey() + ": " + summary(us));
          assertEquals(6, us.size(), "one update per closed window: " + us);
          for (int w = 0; w < 6; w++) {
            assertEquals(start + w * WINDOW_MS, us.get(w).windowStart(), us.toString());
          }
          if (!fleet) {
            assertEquals(ModelUpdate.Status.PROMOTED, us.get(0).status(), us.get(0).reason());
          }
          long version = 0;
          for (int w = 0; w < 6; w++) {
            ModelUpdate u = us.get(w);
            // Windows 3 and 5 (indexes 2 and 4) are the first decided after a restore: a job that
            // lost its state would publish PROMOTED version 1 there.
            if (u.changesServedModel()) {
              version++; // a promotion, or the champion's threshold chosen again
            }
            assertEquals(version, u.version(), "versions continue for " + e.getKey() + ": " + us);
          }
          for (int w : new int[] {2, 4}) {
            long windowStart = us.get(w).windowStart();
            long expected =
                fleet
                    ? openWindowEvents.entrySet().stream()
                        .filter(c -> c.getKey().endsWith("@" + windowStart))
                        .mapToLong(Map.Entry::getValue)
                        .sum()
                    : openWindowEvents.get(e.getKey() + "@" + windowStart);
            assertEquals(
                expected,
                us.get(w).events(),
                "a window open at a savepoint counts each of its events once: " + us.get(w));
          }
        }
      } finally {
        cluster.cancelQuietly(third);
      }
    }
  }

  private static List<String> with(List<String> args, String extra) {
    List<String> out = new ArrayList<>(args);
    out.add(extra);
    return out;
  }

  /** The highest parallelism of the job's operators, from the REST API. */
  private static int parallelism(StandaloneFlinkCluster cluster, String jobId) throws Exception {
    int max = 0;
    for (JsonNode v : cluster.get("/jobs/" + jobId).path("vertices")) {
      max = Math.max(max, v.path("parallelism").asInt());
    }
    return max;
  }

  /** {@code flink run -d [extra] -c Main JAR ARGS}; the id of the submitted job. */
  private static String flinkRun(
      StandaloneFlinkCluster cluster, Path jar, List<String> jobArgs, String... extra)
      throws Exception {
    List<String> cli = new ArrayList<>(List.of("run", "-d", "-m", cluster.restAddress()));
    cli.addAll(List.of(extra));
    cli.addAll(List.of("-c", Main.class.getName(), jar.toString()));
    cli.addAll(jobArgs);
    String out = cluster.runCli(MINUTES_2, cli.toArray(new String[0]));
    Matcher m = SUBMITTED.matcher(out);
    assertTrue(m.find(), "flink run reports the job id:\n" + out);
    return m.group(1);
  }

  /**
   * Stops a job with a savepoint into the test's directory, checks that it published exactly the
   * updates so far (nothing fired at the stop), and returns the savepoint's path.
   */
  private String stopWithSavepoint(
      StandaloneFlinkCluster cluster, String jobId, int updatesSoFar, String bootstrap)
      throws Exception {
    String savepoint = cluster.stopWithSavepoint(jobId, dir.resolve("savepoints"), MINUTES_2);
    cluster.awaitJobState(jobId, "FINISHED", Duration.ofMinutes(1));
    assertEquals(updatesSoFar, readUpdates(bootstrap, Duration.ofSeconds(3)).size());
    return savepoint;
  }

  /**
   * Sends the simulator's events with event times in [from, to); counts them per machine and
   * window.
   */
  private static void produce(
      String bootstrap, SensorSimulator simulator, long from, long to, Map<String, Long> counts) {
    try (KafkaProducer<byte[], byte[]> p = KafkaTestSupport.producer(bootstrap)) {
      for (long t = from; t < to; t += 1000 / (20 * MACHINES)) {
        SimulatedRecord r = simulator.next(t);
        KafkaTestSupport.send(p, "sensor-events", r.key(), r.value(), System.currentTimeMillis());
        long window = r.eventTimeMillis() - Math.floorMod(r.eventTimeMillis(), WINDOW_MS);
        counts.merge(r.machineId() + "@" + window, 1L, Long::sum);
      }
      KafkaTestSupport.flush(p);
    }
  }

  private static List<ModelUpdate> awaitUpdates(String bootstrap, int count) throws Exception {
    List<ModelUpdate> updates = readUpdates(bootstrap, UPDATES_TIMEOUT, count);
    assertTrue(updates.size() >= count, "expected " + count + " model updates, got " + updates);
    // Let a duplicate or an extra window show up before judging.
    Thread.sleep(3000);
    return readUpdates(bootstrap, Duration.ofSeconds(3));
  }

  private static List<ModelUpdate> readUpdates(String bootstrap, Duration timeout)
      throws Exception {
    return readUpdates(bootstrap, timeout, Integer.MAX_VALUE);
  }

  private static List<ModelUpdate> readUpdates(String bootstrap, Duration timeout, int count)
      throws Exception {
    List<ModelUpdate> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r :
        KafkaTestSupport.readUntil(bootstrap, "model-updates", timeout, rs -> rs.size() >= count)) {
      out.add(ModelUpdate.fromJson(r.value()));
    }
    return out;
  }

  /**
   * {@code fleetlearn ARGS} as the image runs it ({@code deploy/docker/fleetlearn}), with {@code
   * FLINK_HOME} laid out as in the image: the distribution's {@code lib/}, the job jar in {@code
   * usrlib/}, the cluster's {@code conf/}. Its output.
   */
  private String runImageCommand(
      Path jar, Path dist, StandaloneFlinkCluster cluster, List<String> args, Path log)
      throws Exception {
    Path home = dir.resolve("flink-home");
    Files.createDirectories(home.resolve("usrlib"));
    Files.createSymbolicLink(home.resolve("lib"), dist.resolve("lib"));
    Files.createSymbolicLink(home.resolve("conf"), cluster.confDir());
    Files.createSymbolicLink(home.resolve("usrlib").resolve("fleetlearn-job.jar"), jar);
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(Path.of("deploy/docker/fleetlearn").toAbsolutePath().toString());
    command.addAll(args);
    ProcessBuilder b =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    b.environment().put("FLINK_HOME", home.toString());
    // The java of this JVM, first on the PATH, as the image's is.
    b.environment()
        .put(
            "PATH",
            Path.of(System.getProperty("java.home"), "bin")
                + java.io.File.pathSeparator
                + b.environment().getOrDefault("PATH", ""));
    Process p = b.start();
    p.getOutputStream().close();
    try {
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        throw new IllegalStateException(
            "fleetlearn run did not return" + StandaloneFlinkCluster.tail(log));
      }
    } finally {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), out);
    return out;
  }

  private static String summary(List<ModelUpdate> us) {
    StringBuilder b = new StringBuilder();
    for (ModelUpdate u : us) {
      b.append(String.format("[v%d %s %d events] ", u.version(), u.status(), u.events()));
    }
    return b.toString();
  }

  private static String excerpt(String metrics) {
    return metrics.length() > 4000 ? metrics.substring(0, 4000) + "\n..." : metrics;
  }
}
