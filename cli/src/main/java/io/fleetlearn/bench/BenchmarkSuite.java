package io.fleetlearn.bench;

import io.fleetlearn.cli.options.BenchOptions;
import io.fleetlearn.command.Durations;
import io.fleetlearn.dataset.WindowSample;
import io.fleetlearn.event.ParseResult;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.TopicSpec;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.metrics.PipelineMetrics;
import io.fleetlearn.pipeline.RetrainingConfig;
import io.fleetlearn.sim.SensorSimulator;
import io.fleetlearn.sim.SimulatedRecord;
import io.fleetlearn.training.XgbTrainer;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * Runs the benchmarks against the limits of the same machine in the same run, and writes the
 * results file. Everything runs in this JVM except the Kafka broker (its own JVM, as in the demo):
 * the pipelines on the Flink runner's embedded mini-cluster, the raw consumers and the raw training
 * loop.
 *
 * <ul>
 *   <li><b>ingest</b>: a topic pre-filled with historical events is drained by plain consumers that
 *       parse each record (the limit), by the read → parse → window → collect pipeline, and by the
 *       plain consumers again;
 *   <li><b>retraining</b>, per fleet size: one window of {@code eventsPerWindow} events per machine
 *       is pre-filled and ingested by the real retraining job; then one later event per partition
 *       pushes the watermark past the window's end, and the clock runs until every machine's model
 *       update is readable (read_committed). The limit: xgboost4j training the same samples with
 *       the same parameters on all cores;
 *   <li><b>memory</b>, in each retraining run: live heap before the job, with the window open and
 *       after it closed, heap high-water, and the coders' bytes per machine.
 * </ul>
 */
public final class BenchmarkSuite {
  /** The retraining job as the product builds it, from its command line. */
  public interface Jobs {
    PipelineOptions options(List<String> args);

    RetrainingConfig config(PipelineOptions options);

    KafkaClientConfig kafka(PipelineOptions options) throws IOException;

    Pipeline retrainingJob(PipelineOptions options) throws IOException;
  }

  /** Event times of the backlogs: far in the past, as in a replay of history. */
  static final long START_MILLIS = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();

  private static final long PUSH_AHEAD_MILLIS = Duration.ofHours(1).toMillis();

  /**
   * How far past the first window's end the first push goes: beyond the job's out-of-orderness (5 s
   * by default), inside the second window, which stays open.
   */
  private static final long FIRST_PUSH_MILLIS = Duration.ofSeconds(30).toMillis();

  private static final int WARM_UP_MACHINES = 50;

  private interface Run {
    void run() throws Exception;
  }

  private int runs;

  private final BenchOptions o;
  private final List<String> passthrough;
  private final List<String> commandLine;
  private final Jobs jobs;
  private final PrintStream out;
  private final int parallelism;
  private final Duration timeout;
  private final long windowMillis;
  private final List<String> ingestRows = new ArrayList<>();
  private final List<String> retrainRows = new ArrayList<>();
  private final List<String> memoryRows = new ArrayList<>();
  private final List<String> profiles = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<long[]> liveOpenByMachines = new ArrayList<>();
  private EmbeddedKafkaBroker broker;
  private PipelineMetrics metrics;

  /**
   * @param commandLine the command's arguments as given, for the report ({@code --output} left out:
   *     it names a path of this machine)
   */
  public BenchmarkSuite(
      BenchOptions o,
      List<String> commandLine,
      List<String> passthrough,
      Jobs jobs,
      PrintStream out) {
    this.o = o;
    this.commandLine = commandLine.stream().filter(a -> !a.startsWith("--output")).toList();
    this.passthrough = passthrough;
    this.jobs = jobs;
    this.out = out;
    this.parallelism =
        o.getBenchParallelism() > 0
            ? o.getBenchParallelism()
            : Runtime.getRuntime().availableProcessors();
    this.timeout = Duration.ofMillis(Durations.parse(o.getPhaseTimeout()).getMillis());
    this.windowMillis = Durations.parse(o.getBenchWindowSize()).getMillis();
  }

  /** Runs the selected benchmarks and writes the results file; returns the exit code. */
  public int run() throws Exception {
    List<String> which = List.of(o.getBenchmarks().split(","));
    String loadBefore = RunConditions.loadAverage();
    Instant started = Instant.now();
    Path dir = Files.createTempDirectory("fleetlearn-bench-");
    // Held for the whole run, so the JVM's pipeline counters survive from job to job.
    metrics = PipelineMetrics.acquire(MetricsConfig.disabled());
    try {
      out.println("Starting a Kafka broker (KRaft, 127.0.0.1, heap " + o.getBrokerHeap() + ")");
      broker =
          EmbeddedKafkaBroker.builder(dir.resolve("kafka"))
              .partitions(o.getPartitions())
              .heap(o.getBrokerHeap())
              .start();
      if (which.contains("ingest")) {
        attempt("ingest", this::ingest);
      }
      if (which.contains("retraining")) {
        // The first job on a fresh broker pays one-time costs (the broker creates its transaction
        // log on the first exactly-once producer; classes load and compile): a small run first.
        attempt("retraining warm-up", () -> retraining(WARM_UP_MACHINES, false));
        for (String m : o.getRetrainMachines().split(",")) {
          int machines = Integer.parseInt(m.trim());
          attempt("retraining " + machines, () -> retraining(machines, true));
        }
      }
    } finally {
      metrics.release();
      if (broker != null) {
        broker.close();
      }
      deleteRecursively(dir);
    }
    String section =
        BenchReport.render(
            o,
            commandLine,
            passthrough,
            parallelism,
            started,
            Duration.between(started, Instant.now()),
            loadBefore,
            RunConditions.loadAverage(),
            ingestRows,
            retrainRows,
            memoryRows,
            slopeNote(),
            profiles,
            notes);
    Path file = Path.of(o.getOutput());
    ResultsFile.write(file, section);
    out.println("Results written to " + file.toAbsolutePath());
    return 0;
  }

  /** Runs one benchmark; a failure is reported in the results and the next one still runs. */
  private void attempt(String name, Run run) {
    try {
      run.run();
    } catch (Exception | AssertionError e) {
      out.println("  " + name + " failed: " + e);
      notes.add(name + " failed: " + e.getMessage());
    }
  }

  private List<String> jobArgs(String prefix) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrapServers=" + broker.bootstrapServers(),
                "--sensorEventsTopic=" + prefix + "events",
                "--modelUpdatesTopic=" + prefix + "updates",
                "--driftMetricsTopic=" + prefix + "drift",
                "--deadLetterTopic=" + prefix + "dlq",
                "--predictionsTopic=" + prefix + "predictions",
                "--consumerGroup=" + prefix + "group",
                "--windowSize=" + o.getBenchWindowSize(),
                "--checkpointingInterval=" + o.getBenchCheckpointingInterval(),
                "--parallelism=" + parallelism,
                "--metricsEnabled=false",
                "--jobName=fleetlearn-bench-" + prefix.replace("-", "")));
    for (String e : passthrough) {
      int eq = e.indexOf('=');
      String name = eq < 0 ? e : e.substring(0, eq + 1);
      args.removeIf(a -> a.startsWith(name));
      args.add(e);
    }
    return args;
  }

  private void createTopics(String prefix) {
    List<TopicSpec> topics =
        new ArrayList<>(
            TopicSpec.standard(
                prefix + "events",
                prefix + "updates",
                prefix + "drift",
                prefix + "dlq",
                o.getPartitions()));
    // Scoring is on, as by default: every event of a machine with a model is scored.
    topics.add(
        TopicSpec.predictions(
            prefix + "predictions", o.getPartitions(), TopicSpec.BROKER_DEFAULT_REPLICATION));
    TopicAdmin.createTopics(broker.adminProperties(), topics);
  }

  // ---------------------------------------------------------------- ingest

  private void ingest() throws Exception {
    String prefix = "ingest-" + (++runs) + "-";
    createTopics(prefix);
    String topic = prefix + "events";
    int events = o.getIngestEvents();
    Backlog backlog =
        new Backlog(
            o.getIngestMachines(),
            o.getBenchSeed(),
            START_MILLIS,
            windowMillis,
            o.getIngestWindows(),
            events);
    out.printf(
        Locale.ROOT,
        "ingest: producing %,d events (%,d machines, %d windows)%n",
        events,
        o.getIngestMachines(),
        o.getIngestWindows());
    long t = System.nanoTime();
    backlog.produce(broker.bootstrapServers(), topic);
    // Behind the backlog: one later event per partition, so that every backlog window closes.
    Backlog.pushWatermark(
        broker.bootstrapServers(),
        topic,
        o.getPartitions(),
        backlog.endMillis() + PUSH_AHEAD_MILLIS);
    out.printf(Locale.ROOT, "  produced in %.1f s%n", (System.nanoTime() - t) / 1e9);

    PipelineOptions options = jobs.options(jobArgs(prefix));
    RetrainingConfig config = jobs.config(options);
    SensorEventParser parser = new SensorEventParser(config.schema(), config.limits());

    // A B A B: the raw drain and the pipeline take turns, so that a change in the machine's load
    // during the run weighs on both alike. A first, cold round warms the JIT for both (in a run of
    // 200,000 events the cold round took 3 to 5 times the CPU per event of the next).
    List<Measured> raw = new ArrayList<>();
    List<Measured> pipeline = new ArrayList<>();
    HeapWatch heap = new HeapWatch();
    try {
      for (int round = 0; round <= 2; round++) {
        raw.add(rawDrain(topic, parser, round == 0 ? "cold" : "run " + round));
        pipeline.add(
            ingestPipeline(options, config, topic, prefix + "group-" + round, events, false));
      }
      if (o.getProfile()) {
        // The profiler slows the pipeline down (about 3 times, in runs that profiled a measured
        // round): a round of its own, left out of the table.
        ingestPipeline(options, config, topic, prefix + "group-profiled", events, true);
      }
    } finally {
      heap.close();
    }
    raw.remove(0);
    pipeline.remove(0);
    for (int k = 0; k < 2; k++) {
      Measured a = raw.get(k);
      Measured b = pipeline.get(k);
      ingestRows.add(
          row(
              "raw drain " + (k + 1) + ": " + parallelism + " consumer thread(s) + parse",
              String.format(Locale.ROOT, "%,d", a.events),
              seconds(a.nanos),
              rate(a.perSecond()),
              micros(a.cpuNanosPerEvent()),
              "–"));
      ingestRows.add(
          row(
              "**pipeline "
                  + (k + 1)
                  + "**: read → parse → window → collect, parallelism "
                  + parallelism,
              String.format(Locale.ROOT, "%,d", b.events),
              seconds(b.nanos),
              rate(b.perSecond()),
              micros(b.cpuNanosPerEvent()),
              ratio(b.perSecond() / a.perSecond())));
    }
    double rawRate = (raw.get(0).perSecond() + raw.get(1).perSecond()) / 2;
    double pipelineRate = (pipeline.get(0).perSecond() + pipeline.get(1).perSecond()) / 2;
    double rawCpu = (raw.get(0).cpuNanosPerEvent() + raw.get(1).cpuNanosPerEvent()) / 2;
    double pipelineCpu =
        (pipeline.get(0).cpuNanosPerEvent() + pipeline.get(1).cpuNanosPerEvent()) / 2;
    ingestRows.add(
        row(
            "**pipeline / raw, mean of the two rounds**",
            "",
            "",
            "**" + ratio(pipelineRate / rawRate) + "** " + verdict(pipelineRate / rawRate >= 0.25),
            String.format(Locale.ROOT, "%.1f×", pipelineCpu / rawCpu),
            ""));
    memoryRows.add(
        memoryRow(
            "ingest, " + o.getIngestMachines() + " machines × " + o.getIngestWindows() + " windows",
            "",
            "",
            "",
            heap));
    out.printf(
        Locale.ROOT,
        "  pipeline %s events/s; raw drain %s events/s; ratio %s; CPU per event %s vs %s µs%n",
        rate(pipelineRate),
        rate(rawRate),
        ratio(pipelineRate / rawRate),
        micros(pipelineCpu),
        micros(rawCpu));
  }

  /** One drain of a topic: events, wall time, and the CPU this JVM used meanwhile. */
  record Measured(long events, long nanos, long cpuNanos) {
    double perSecond() {
      return events * 1e9 / Math.max(1, nanos);
    }

    double cpuNanosPerEvent() {
      return cpuNanos < 0 ? Double.NaN : (double) cpuNanos / events;
    }
  }

  /** The ingest pipeline draining the topic once, under a consumer group of its own. */
  private Measured ingestPipeline(
      PipelineOptions options,
      RetrainingConfig config,
      String topic,
      String group,
      long events,
      boolean profileIt)
      throws Exception {
    String probeId = UUID.randomUUID().toString();
    CollectProbe probe = CollectProbe.of(probeId);
    Counter read = metrics.registry().counter("fleetlearn.events.read");
    double readBase = read.count();
    CpuProfile profile = o.getProfile() && profileIt ? CpuProfile.start() : null;
    ThreadCpu threadCpu = o.getProfile() && profileIt ? ThreadCpu.start() : null;
    PipelineResult job =
        IngestPipeline.build(
                options,
                jobs.kafka(options),
                topic,
                group,
                config,
                org.joda.time.Duration.millis(1000),
                org.joda.time.Duration.standardSeconds(10),
                probeId)
            .run();
    long firstRead;
    long cpuFirst;
    long last;
    long cpuLast;
    try {
      firstRead = awaitFirst(job, read, readBase);
      cpuFirst = ProcessCpu.nanos();
      awaitCount(
          job, () -> probe.events.get(), events, "the ingest pipeline to collect every event");
      last = probe.lastNanos;
      cpuLast = ProcessCpu.nanos();
      if (threadCpu != null) {
        // Before the job is cancelled: its threads' CPU is gone with them.
        profiles.add(
            threadCpu.summarise(
                "CPU by thread: ingest pipeline (job start → last event collected)", 10));
      }
    } finally {
      cancel(job);
      CollectProbe.remove(probeId);
    }
    if (profile != null) {
      profiles.add(profile.stopAndSummarise("Ingest pipeline (read, parse, window, collect)", 15));
      profile.close();
    }
    Measured m = new Measured(events, last - firstRead, cpuFirst < 0 ? -1 : cpuLast - cpuFirst);
    out.printf(
        Locale.ROOT,
        "  pipeline (%s): %s events/s, %s µs CPU per event%n",
        group,
        rate(m.perSecond()),
        micros(m.cpuNanosPerEvent()));
    return m;
  }

  private Measured rawDrain(String topic, SensorEventParser parser, String when)
      throws InterruptedException {
    long cpu = ProcessCpu.nanos();
    RawIngestLimit.Result r =
        RawIngestLimit.drain(
            broker.bootstrapServers(), topic, o.getPartitions(), parallelism, parser, timeout);
    long cpuNanos = cpu < 0 ? -1 : ProcessCpu.nanos() - cpu;
    Measured m = new Measured(r.records, r.nanos, cpuNanos);
    out.printf(
        Locale.ROOT,
        "  raw consumer+parse, %s: %s events/s, %s µs CPU per event%n",
        when,
        rate(m.perSecond()),
        micros(m.cpuNanosPerEvent()));
    return m;
  }

  // ---------------------------------------------------------------- retraining and memory

  /** One window-close burst: what was measured between the watermark push and the last update. */
  private record Burst(
      long latencyNanos, int readableAtTimeout, String stages, long publishedMillis) {}

  private void retraining(int machines, boolean report) throws Exception {
    String prefix = "retrain-" + (++runs) + "-" + machines + "-";
    createTopics(prefix);
    String topic = prefix + "events";
    int perMachine = o.getEventsPerWindow();
    long events = (long) machines * perMachine;
    // Two windows from one simulator: the first closes without champions; the second, the steady
    // state, with every machine's champion and an earlier window's fleet model at hand.
    Backlog backlog =
        new Backlog(machines, o.getBenchSeed(), START_MILLIS, windowMillis, 2, 2 * events);
    SensorSimulator simulator = backlog.simulator();
    out.printf(
        Locale.ROOT,
        "retraining%s: %,d machines × %d events = %,d events per window, 2 windows%n",
        report ? "" : " (warm-up, not reported)",
        machines,
        perMachine,
        events);
    long t = System.nanoTime();
    backlog.produce(broker.bootstrapServers(), topic, simulator, 0, events);
    out.printf(Locale.ROOT, "  window 1 produced in %.1f s%n", (System.nanoTime() - t) / 1e9);

    PipelineOptions options = jobs.options(jobArgs(prefix));
    RetrainingConfig config = jobs.config(options);
    long liveBefore = HeapWatch.liveBytes();
    Counter read = metrics.registry().counter("fleetlearn.events.read");
    Counter accepted = metrics.registry().counter("fleetlearn.events.accepted");
    double readBase = read.count();
    double acceptedBase = accepted.count();
    HeapWatch heap = new HeapWatch();
    PipelineResult job = jobs.retrainingJob(options).run();
    long ingestNanos;
    long liveOpen;
    long liveClosed;
    Burst first;
    Burst steady;
    try {
      long firstRead = awaitFirst(job, read, readBase);
      awaitCount(
          job,
          () -> (long) (accepted.count() - acceptedBase),
          events,
          "the job to read the first window's events");
      ingestNanos = System.nanoTime() - firstRead;
      // Events in flight between the parser and the window state land there within moments.
      Thread.sleep(2000);
      liveOpen = HeapWatch.liveBytes();
      // Just past the first window (and the out-of-orderness): the second stays open.
      first =
          burst(
              job,
              prefix,
              machines,
              START_MILLIS,
              START_MILLIS + windowMillis + FIRST_PUSH_MILLIS,
              report,
              "first window");
      liveClosed = HeapWatch.liveBytes();

      t = System.nanoTime();
      backlog.produce(broker.bootstrapServers(), topic, simulator, events, 2 * events);
      out.printf(Locale.ROOT, "  window 2 produced in %.1f s%n", (System.nanoTime() - t) / 1e9);
      awaitCount(
          job,
          () -> (long) (accepted.count() - acceptedBase),
          2 * events + o.getPartitions(),
          "the job to read the second window's events");
      Thread.sleep(2000);
      steady =
          burst(
              job,
              prefix,
              machines,
              START_MILLIS + windowMillis,
              backlog.endMillis() + PUSH_AHEAD_MILLIS,
              report,
              "steady state");
    } finally {
      cancel(job);
      heap.close();
    }
    if (!report) {
      return;
    }
    List<WindowSample> firstSamples = samples(backlog, machines, config, 0, events);
    List<WindowSample> steadySamples = samples(backlog, machines, config, events, 2 * events);
    int threads = Runtime.getRuntime().availableProcessors();
    long rawFirst = RawTrainingLimit.trainAll(firstSamples, config.training(), threads, null);
    byte[] fleet = RawTrainingLimit.fleetModel(firstSamples, config.training());
    long rawSteady = RawTrainingLimit.trainAll(steadySamples, config.training(), threads, fleet);
    long trainerFirst = RawTrainingLimit.trainerAll(firstSamples, config.training(), threads, null);
    long trainerSteady =
        RawTrainingLimit.trainerAll(steadySamples, config.training(), threads, fleet);
    out.printf(
        Locale.ROOT,
        "  raw xgboost4j limit: %.2f s (first window), %.2f s (steady state); the product's"
            + " trainer alone: %.2f s, %.2f s%n",
        rawFirst / 1e9,
        rawSteady / 1e9,
        trainerFirst / 1e9,
        trainerSteady / 1e9);
    StateSizes sizes =
        StateSizes.measure(firstSamples, new XgbTrainer(config.training()), Math.min(machines, 50));
    retrainRows.add(
        retrainRow(machines, events, ingestNanos, "first window", first, rawFirst, trainerFirst));
    retrainRows.add(
        retrainRow(machines, events, -1, "steady state", steady, rawSteady, trainerSteady));
    liveOpenByMachines.add(new long[] {machines, liveOpen, liveClosed});
    memoryRows.add(
        memoryRow(
            String.format(Locale.ROOT, "retraining, %,d machines", machines),
            mib(liveBefore) + " / " + mib(liveOpen) + " / " + mib(liveClosed),
            kib((double) (liveOpen - liveBefore) / machines)
                + " / "
                + kib((double) (liveClosed - liveBefore) / machines),
            kib(sizes.windowSampleBytes)
                + " / "
                + kib(sizes.championBeyondModelBytes())
                + " "
                + verdict(sizes.championBeyondModelBytes() <= 100 * 1024)
                + " / "
                + kib(sizes.modelBytes),
            heap));
  }

  /**
   * Pushes the watermark to {@code pushMillis} and measures until every machine's update of the
   * window starting at {@code windowStart} is readable.
   */
  private Burst burst(
      PipelineResult job,
      String prefix,
      int machines,
      long windowStart,
      long pushMillis,
      boolean profileIt,
      String what)
      throws Exception {
    try (UpdateReader reader =
        new UpdateReader(
            broker.bootstrapServers(),
            prefix + "updates",
            o.getPartitions(),
            machines,
            windowStart)) {
      reader.awaitReady(timeout);
      CpuProfile profile = o.getProfile() && profileIt ? CpuProfile.start() : null;
      ThreadCpu threadCpu = o.getProfile() && profileIt ? ThreadCpu.start() : null;
      PhaseClock phases = new PhaseClock(metrics.registry(), machines);
      long pushWall = System.currentTimeMillis();
      long push = System.nanoTime();
      Backlog.pushWatermark(
          broker.bootstrapServers(), prefix + "events", o.getPartitions(), pushMillis);
      long latencyNanos;
      int readable = machines;
      try {
        awaitCount(
            job,
            () -> reader.awaitAllQuietly() ? machines : reader.machines(),
            machines,
            "every machine's model update (" + what + ")");
        latencyNanos = reader.lastNanos() - push;
      } catch (IllegalStateException e) {
        // Keep what was measured (the stages, how many updates made it) rather than nothing.
        latencyNanos = -1;
        readable = reader.machines();
        notes.add(
            String.format(Locale.ROOT, "%,d machines, %s: %s", machines, what, e.getMessage()));
      }
      phases.close();
      String stages =
          String.format(
              Locale.ROOT,
              "%s / %s / %s",
              since(push, phases.firstClosedNanos),
              since(push, phases.allClosedNanos),
              since(push, phases.allDecidedNanos));
      long published =
          reader.maxRecordTimestamp() == Long.MIN_VALUE
              ? Long.MIN_VALUE
              : reader.maxRecordTimestamp() - pushWall;
      String title =
          String.format(
              Locale.ROOT,
              "Retraining %,d machines, %s (watermark push → last update readable)",
              machines,
              what);
      if (threadCpu != null) {
        profiles.add(threadCpu.summarise("CPU by thread: " + title, 12));
      }
      if (profile != null) {
        profiles.add(profile.stopAndSummarise(title, 15));
        profile.close();
      }
      out.printf(
          Locale.ROOT,
          "  %s: last model update readable after the watermark push: %s s%n",
          what,
          latencyNanos < 0 ? "timed out" : seconds(latencyNanos));
      return new Burst(latencyNanos, readable, stages, published);
    }
  }

  private String retrainRow(
      int machines,
      long events,
      long ingestNanos,
      String what,
      Burst b,
      long rawNanos,
      long trainerNanos) {
    String latency =
        b.latencyNanos() < 0
            ? String.format(
                Locale.ROOT,
                "> %d (%,d of %,d readable)",
                timeout.toSeconds(),
                b.readableAtTimeout(),
                machines)
            : seconds(b.latencyNanos());
    double r = (double) b.latencyNanos() / rawNanos;
    return row(
        String.format(Locale.ROOT, "%,d", machines),
        what,
        String.format(Locale.ROOT, "%,d", events),
        ingestNanos < 0 ? "–" : rate(events * 1e9 / ingestNanos),
        b.stages(),
        b.publishedMillis() == Long.MIN_VALUE
            ? "?"
            : String.format(Locale.ROOT, "%.2f", b.publishedMillis() / 1000.0),
        latency,
        seconds(rawNanos),
        seconds(trainerNanos)
            + String.format(Locale.ROOT, " (%.2f×)", (double) trainerNanos / rawNanos),
        b.latencyNanos() < 0
            ? "> "
                + String.format(Locale.ROOT, "%.0fx", timeout.toNanos() / (double) rawNanos)
                + " (missed)"
            : "**" + String.format(Locale.ROOT, "%.2fx", r) + "** " + verdict(r <= 1.6),
        machines >= 10_000 && what.equals("steady state")
            ? verdict(b.latencyNanos() >= 0 && b.latencyNanos() <= 50e9)
            : "–");
  }

  /**
   * The samples the pipeline builds for the window of the backlog's events {@code from} (inclusive)
   * to {@code to}, rebuilt from the same events.
   */
  private static List<WindowSample> samples(
      Backlog backlog, int machines, RetrainingConfig config, long from, long to) {
    SensorSimulator sim = backlog.simulator();
    SensorEventParser parser = new SensorEventParser(config.schema(), config.limits());
    List<WindowSample> samples = new ArrayList<>(machines);
    for (int m = 0; m < machines; m++) {
      samples.add(new WindowSample(config.schema().size(), config.reservoirCapacity()));
    }
    long now = System.currentTimeMillis();
    for (long i = 0; i < to; i++) {
      SimulatedRecord r = sim.next(backlog.eventTime(i));
      if (i < from) {
        continue;
      }
      ParseResult p = parser.parse(r.value(), now);
      if (p.isAccepted()) {
        samples.get(r.machineIndex()).add(p.event());
      }
    }
    return samples;
  }

  /** Stitches the live heap of consecutive fleet sizes into a per-machine slope. */
  private String slopeNote() {
    if (liveOpenByMachines.size() < 2) {
      return "";
    }
    StringBuilder b = new StringBuilder("Live heap per additional machine (slope between runs):");
    for (int i = 1; i < liveOpenByMachines.size(); i++) {
      long[] a = liveOpenByMachines.get(i - 1);
      long[] c = liveOpenByMachines.get(i);
      double dm = c[0] - a[0];
      b.append(
          String.format(
              Locale.ROOT,
              " %,d → %,d machines: window open %s, after close %s;",
              a[0],
              c[0],
              kib((c[1] - a[1]) / dm),
              kib((c[2] - a[2]) / dm)));
    }
    b.setLength(b.length() - 1);
    return b.append('.').toString();
  }

  // ---------------------------------------------------------------- helpers

  private long awaitFirst(PipelineResult job, Counter read, double base)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (read.count() <= base) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the pipeline read nothing within " + timeout);
      }
      checkRunning(job);
      Thread.sleep(5);
    }
    return System.nanoTime();
  }

  private void awaitCount(
      PipelineResult job, java.util.function.LongSupplier count, long expected, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    long report = System.nanoTime() + 30_000_000_000L;
    while (count.getAsLong() < expected) {
      long now = System.nanoTime();
      if (now > deadline) {
        throw new IllegalStateException(
            "timed out after "
                + timeout
                + " waiting for "
                + what
                + ": "
                + count.getAsLong()
                + " of "
                + expected);
      }
      if (now > report) {
        out.printf(
            Locale.ROOT,
            "  waiting for %s: %,d of %,d (models trained %,.0f, watermark lag %.0f s)%n",
            what,
            count.getAsLong(),
            expected,
            metrics.registry().counter("fleetlearn.models.trained").count(),
            metrics.registry().get("fleetlearn.watermark.lag").gauge().value());
        report = now + 30_000_000_000L;
      }
      checkRunning(job);
      Thread.sleep(10);
    }
  }

  private static void checkRunning(PipelineResult job) {
    PipelineResult.State state = job.getState();
    if (state.isTerminal()) {
      throw new IllegalStateException("the pipeline under test stopped: " + state);
    }
  }

  private void cancel(PipelineResult job) {
    try {
      job.cancel();
      job.waitUntilFinish(org.joda.time.Duration.standardSeconds(60));
    } catch (Exception e) {
      out.println("  (cancelling the job: " + e.getMessage() + ")");
    }
  }

  private static String memoryRow(
      String run, String live, String perMachine, String coders, HeapWatch heap) {
    return row(run, live, perMachine, mib(heap.peakBytes()), mib(heap.maxLiveBytes()), coders);
  }

  private static String since(long start, long end) {
    return end == 0 ? "?" : seconds(end - start);
  }

  static String row(String... cells) {
    return "| " + String.join(" | ", cells) + " |";
  }

  static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
  }

  static String rate(double perSecond) {
    return String.format(Locale.ROOT, "%,.0f", perSecond);
  }

  static String micros(double nanos) {
    return Double.isNaN(nanos) ? "?" : String.format(Locale.ROOT, "%.2f", nanos / 1000);
  }

  static String ratio(double r) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * r);
  }

  static String verdict(boolean met) {
    return met ? "(met)" : "(missed)";
  }

  static String mib(double bytes) {
    return String.format(Locale.ROOT, "%,.0f MiB", bytes / (1024 * 1024));
  }

  static String kib(double bytes) {
    return String.format(Locale.ROOT, "%,.1f KiB", bytes / 1024);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
