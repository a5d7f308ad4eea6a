package io.fleetlearn.cli;

import io.fleetlearn.cli.options.SoakOptions;
import io.fleetlearn.command.Command;
import io.fleetlearn.command.Durations;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaClients;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.job.RetrainingJob;
import io.fleetlearn.job.RunCommand;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.metrics.PipelineMetrics;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.tools.SimulatorFactory;
import io.fleetlearn.tools.SimulatorRunner;
import io.fleetlearn.tools.Topics;
import io.fleetlearn.tools.options.SimulatorOptions;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code soak}: a benchmark, not a test. Runs the embedded broker, the simulator and the pipeline
 * on the embedded Flink runner (as {@code demo} does) at a fixed event rate for a fixed time, by
 * default twice the sustainable rate for 10 minutes, then stops the load and waits for the pipeline
 * to catch up. Every {@code --sampleInterval} it records heap (live set after a full GC, and the
 * high-water mark), the consumer group's lag, the source's event-time and watermark lag, how far
 * the newest published window is behind the clock, and the state bounds (largest training sample
 * against the reservoir cap; registry entries of silent machines expired). Writes a Markdown report
 * to {@code --output}; exits with 1 if the lag does not return to zero within {@code
 * --recoveryTimeout}.
 */
public final class SoakCommand extends Command {
  /**
   * Total events per second the pipeline sustained on a 2-core machine (shared with other work)
   * with the soak's settings, from a cold start: the source never had a backlog and the consumer
   * lag stayed within one checkpoint interval of events. Measured with this command, see
   * docs/reliability.md.
   */
  static final int SUSTAINABLE_RATE = 3000;

  /** Defaults of the soak that differ from the job's. */
  static final Map<String, String> SOAK_DEFAULTS =
      Command.ordered(
          "windowSize", "30s",
          "allowedLateness", "5s",
          "lateFiringDelay", "2s",
          "maxOutOfOrderness", "2s",
          "idleTimeout", "3s",
          "checkpointingInterval", "10000",
          "machines", "20",
          "malformedRatio", "0.01",
          "stateRetention", "3m",
          "duration", "10m",
          "rate", Integer.toString(2 * SUSTAINABLE_RATE));

  private static final long RECOVERY_CHECK_MILLIS = 2000;

  public SoakCommand() {
    super(
        "soak",
        "benchmark: embedded broker, simulator and pipeline at a fixed rate (default twice the"
            + " sustainable rate for 10 minutes); reports heap, lag and recovery",
        "A benchmark, not a test: runs an embedded Kafka broker, the sensor simulator and the\n"
            + "pipeline on the embedded Flink runner at --rate events/s (default twice the sustainable\n"
            + "rate) for --duration (default 10m), then stops the load and waits for the consumer lag\n"
            + "to return to 0. Samples heap (live set after a full GC, high-water), consumer lag,\n"
            + "event-time lag and the registry's state bounds every --sampleInterval and writes a\n"
            + "Markdown report to --output (default benchmarks/soak.md). Give it heap, e.g.\n"
            + "  java -Xmx2g -jar cli/target/fleetlearn.jar soak");
  }

  @Override
  public List<Class<? extends PipelineOptions>> options() {
    List<Class<? extends PipelineOptions>> all =
        new ArrayList<>(List.of(SoakOptions.class, SimulatorOptions.class));
    all.addAll(RunCommand.PIPELINE_OPTIONS);
    return all;
  }

  @Override
  public Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>(RetrainingJob.DEFAULTS);
    d.putAll(SOAK_DEFAULTS);
    return d;
  }

  /** One row of the report. */
  static final class Sample {
    double seconds;
    String phase;
    long sent;
    double sentPerSecond;
    double readPerSecond;
    long groupLag;
    double sourceBacklog;
    double eventTimeLag;
    double watermarkLag;
    double outputLag;
    long liveHeapMb;
    long updates;
    double expired;
  }

  @Override
  public int run(String[] args, PrintStream out) throws Exception {
    SoakOptions o = RetrainingJob.configure(parse(args, SoakOptions.class));
    long durationMillis = Durations.parse(o.getDuration()).getMillis();
    long sampleMillis = Durations.parse(o.getSampleInterval()).getMillis();
    long recoveryMillis = Durations.parse(o.getRecoveryTimeout()).getMillis();
    long transientMillis = Durations.parse(o.getTransientFor()).getMillis();
    if (durationMillis <= 0 || sampleMillis <= 0) {
      throw new IllegalArgumentException("--duration and --sampleInterval must be positive");
    }
    double rate = o.getRate() > 0 ? o.getRate() : o.getMachines() * o.getEventsPerSecond();
    o.setEventsPerSecond(rate / o.getMachines());
    Path output = Path.of(o.getOutput());
    Path dir = Files.createTempDirectory("fleetlearn-soak-");
    AtomicBoolean interrupted = new AtomicBoolean();
    Thread hook = new Thread(() -> interrupted.set(true));
    Runtime.getRuntime().addShutdownHook(hook);

    List<MemoryPoolMXBean> heapPools = new ArrayList<>();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        heapPools.add(p);
        p.resetPeakUsage();
      }
    }
    String startConditions = conditions();
    List<Sample> samples = new ArrayList<>();
    Map<ModelUpdate.Status, Integer> byStatus = new EnumMap<>(ModelUpdate.Status.class);
    TreeSet<String> machines = new TreeSet<>();
    long maxTrainingSample = 0;
    long maxWindowEvents = 0;
    long latestWindowEnd = Long.MIN_VALUE;
    long maxGroupLag = 0;
    double maxEventTimeLag = 0;
    double maxOutputLag = 0;
    long maxLiveHeapMb = 0;
    long recoveredAfterMillis = -1;
    long sent = 0;
    long sentTransient = 0;
    long malformed = 0;
    long producerFailures = 0;
    String jobState = "RUNNING";
    EmbeddedKafkaBroker broker = null;
    PipelineMetrics metrics = null;
    PipelineResult job = null;
    long started = System.currentTimeMillis();
    try {
      out.println("Starting a Kafka broker (KRaft, 127.0.0.1) in " + dir + " ...");
      broker =
          EmbeddedKafkaBroker.builder(dir.resolve("kafka"))
              .partitions(o.getTopicPartitions())
              .heap(o.getBrokerHeap())
              .start();
      o.setBootstrapServers(broker.bootstrapServers());
      TopicAdmin.createTopics(broker.adminProperties(), Topics.of(o));
      KafkaClientConfig kafka = RetrainingJob.kafka(o);
      MetricsConfig metricsConfig = RetrainingJob.config(o).metrics();
      metrics = PipelineMetrics.acquire(metricsConfig);
      MeterRegistry registry = metrics.registry();
      SimulatorConfig fleet = SimulatorFactory.config(o, System.currentTimeMillis());
      SimulatorConfig transients =
          o.getTransientMachines() > 0
              ? SimulatorConfig.builder()
                  .machines(o.getTransientMachines())
                  .machineIdPrefix("transient-")
                  .eventsPerSecondPerMachine(o.getEventsPerSecond())
                  .seed(o.getSeed() + 1)
                  .build()
              : null;
      out.printf(
          "Soak: %.0f events/s (%d machines x %.1f/s) for %s, plus %d transient machines for %s;"
              + " %s windows, checkpoints every %d ms, state retention %s, reservoir cap %d.%n",
          rate,
          o.getMachines(),
          o.getEventsPerSecond(),
          o.getDuration(),
          o.getTransientMachines(),
          o.getTransientFor(),
          o.getWindowSize(),
          o.as(FlinkPipelineOptions.class).getCheckpointingInterval(),
          o.getStateRetention(),
          o.getReservoirCapacity());
      out.println(header());
      try (KafkaProducer<byte[], byte[]> producer = SimulatorFactory.producer(kafka);
          SimulatorRunner sim = SimulatorFactory.runner(producer, o.getSensorEventsTopic(), fleet);
          SimulatorRunner transientSim =
              transients == null
                  ? null
                  : SimulatorFactory.runner(producer, o.getSensorEventsTopic(), transients);
          KafkaConsumer<byte[], byte[]> updates = KafkaClients.reader(kafka, "fleetlearn-soak");
          Admin admin = KafkaClients.admin(kafka)) {
        Thread simThread = new Thread(sim, "simulator");
        simThread.setDaemon(true);
        simThread.start();
        Thread transientThread = null;
        if (transientSim != null) {
          transientThread = new Thread(transientSim, "transient-simulator");
          transientThread.setDaemon(true);
          transientThread.start();
        }
        job = RetrainingJob.build(o).run();
        started = System.currentTimeMillis();
        List<TopicPartition> parts =
            KafkaClients.partitions(updates, o.getModelUpdatesTopic(), Duration.ofSeconds(30));
        updates.assign(parts);
        updates.seekToBeginning(parts);
        long loadEnd = started + durationMillis;
        long nextSample = started + sampleMillis;
        long nextRecoveryCheck = 0;
        long recoveryDeadline = Long.MAX_VALUE;
        double lastRead = count(registry, "fleetlearn.events.read");
        // The simulator starts before the job (see DemoCommand): rates count from the job's start.
        long lastSent = sim.getSent() + (transientSim == null ? 0 : transientSim.getSent());
        long lastSampleAt = started;
        boolean loading = true;
        while (!interrupted.get()) {
          long now = System.currentTimeMillis();
          if (job.getState().isTerminal()) {
            jobState = job.getState().toString();
            out.println("The pipeline stopped: " + jobState);
            break;
          }
          if (transientSim != null
              && !transientSim.isStopped()
              && now - started >= transientMillis) {
            transientSim.stop();
          }
          if (loading && now >= loadEnd) {
            loading = false;
            sim.stop();
            if (transientSim != null) {
              transientSim.stop();
            }
            recoveryDeadline = now + recoveryMillis;
            out.println("Load stopped; waiting for the pipeline to catch up ...");
          }
          for (ConsumerRecord<byte[], byte[]> r : updates.poll(Duration.ofMillis(500))) {
            ModelUpdate u = ModelUpdate.fromJson(r.value());
            byStatus.merge(u.status(), 1, Integer::sum);
            machines.add(u.machineId());
            maxTrainingSample = Math.max(maxTrainingSample, u.trainRows() + u.holdoutRows());
            maxWindowEvents = Math.max(maxWindowEvents, u.events());
            latestWindowEnd = Math.max(latestWindowEnd, u.windowEnd());
          }
          now = System.currentTimeMillis();
          if (!loading && now >= nextRecoveryCheck) {
            nextRecoveryCheck = now + RECOVERY_CHECK_MILLIS;
            long lag = groupLag(admin, o.getConsumerGroup(), o.getSensorEventsTopic());
            if (lag == 0 && gauge(registry, "fleetlearn.kafka.consumer.lag") <= 0) {
              recoveredAfterMillis = now - loadEnd;
            }
          }
          if (now >= nextSample || recoveredAfterMillis >= 0 || now >= recoveryDeadline) {
            Sample s = new Sample();
            s.seconds = (now - started) / 1000.0;
            s.phase = now <= loadEnd ? "load" : "recovery";
            long sentNow = sim.getSent() + (transientSim == null ? 0 : transientSim.getSent());
            double elapsed = Math.max(1, now - lastSampleAt) / 1000.0;
            s.sent = sentNow;
            s.sentPerSecond = (sentNow - lastSent) / elapsed;
            double read = count(registry, "fleetlearn.events.read");
            s.readPerSecond = (read - lastRead) / elapsed;
            s.groupLag = groupLag(admin, o.getConsumerGroup(), o.getSensorEventsTopic());
            s.sourceBacklog = gauge(registry, "fleetlearn.kafka.consumer.lag");
            s.eventTimeLag = gauge(registry, "fleetlearn.event.time.lag");
            s.watermarkLag = gauge(registry, "fleetlearn.watermark.lag");
            s.outputLag =
                latestWindowEnd == Long.MIN_VALUE ? Double.NaN : (now - latestWindowEnd) / 1000.0;
            s.liveHeapMb = liveHeapMb();
            s.updates = byStatus.values().stream().mapToLong(Integer::longValue).sum();
            s.expired = count(registry, "fleetlearn.registry.entries.expired");
            samples.add(s);
            out.println(row(s));
            maxGroupLag = Math.max(maxGroupLag, s.groupLag);
            maxEventTimeLag = Math.max(maxEventTimeLag, nanToZero(s.eventTimeLag));
            maxOutputLag = Math.max(maxOutputLag, nanToZero(s.outputLag));
            maxLiveHeapMb = Math.max(maxLiveHeapMb, s.liveHeapMb);
            lastRead = read;
            lastSent = sentNow;
            lastSampleAt = now;
            nextSample = now + sampleMillis;
            if (recoveredAfterMillis >= 0 || now >= recoveryDeadline) {
              break;
            }
          }
        }
        sim.stop();
        simThread.join(10_000);
        if (transientSim != null) {
          transientSim.stop();
          transientThread.join(10_000);
          sentTransient = transientSim.getSent();
        }
        sent = sim.getSent() + sentTransient;
        malformed = sim.getMalformed() + (transientSim == null ? 0 : transientSim.getMalformed());
        producerFailures = sim.getFailed() + (transientSim == null ? 0 : transientSim.getFailed());
      }
      long peakHeapMb = 0;
      for (MemoryPoolMXBean p : heapPools) {
        peakHeapMb += p.getPeakUsage().getUsed() / (1024 * 1024);
      }
      double expired = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).expired;
      String report =
          report(
              o,
              rate,
              startConditions,
              conditions(),
              samples,
              sent,
              sentTransient,
              malformed,
              producerFailures,
              byStatus,
              machines.size(),
              maxTrainingSample,
              maxWindowEvents,
              maxGroupLag,
              maxEventTimeLag,
              maxOutputLag,
              maxLiveHeapMb,
              peakHeapMb,
              expired,
              recoveredAfterMillis,
              recoveryMillis,
              jobState);
      if (output.getParent() != null) {
        Files.createDirectories(output.getParent());
      }
      Files.writeString(output, report, StandardCharsets.UTF_8);
      out.println();
      out.println(
          recoveredAfterMillis >= 0
              ? String.format(
                  Locale.ROOT,
                  "Recovered: consumer lag back to 0 %.0f s after the load stopped.",
                  recoveredAfterMillis / 1000.0)
              : "NOT recovered: the consumer lag did not return to 0 within "
                  + o.getRecoveryTimeout());
      out.printf(
          Locale.ROOT,
          "Heap: live set max %d MB (after full GC), high-water %d MB, -Xmx %d MB. Report: %s%n",
          maxLiveHeapMb,
          peakHeapMb,
          Runtime.getRuntime().maxMemory() / (1024 * 1024),
          output);
      return recoveredAfterMillis >= 0 && producerFailures == 0 ? 0 : 1;
    } finally {
      if (job != null) {
        try {
          job.cancel();
        } catch (IOException | RuntimeException e) {
          out.println("Cancelling the job: " + e.getMessage());
        }
      }
      if (metrics != null) {
        metrics.release();
      }
      if (broker != null) {
        broker.close();
      }
      DemoCommand.deleteRecursively(dir);
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook has run.
      }
    }
  }

  /** Records between the consumer group's committed offsets and the ends of the topic. */
  static long groupLag(Admin admin, String group, String topic) throws Exception {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(group)
            .partitionsToOffsetAndMetadata()
            .get(30, TimeUnit.SECONDS);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get(30, TimeUnit.SECONDS)
        .get(topic)
        .partitions()
        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    long lag = 0;
    for (var e : admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).entrySet()) {
      OffsetAndMetadata c = committed.get(e.getKey());
      lag += e.getValue().offset() - (c == null ? 0 : c.offset());
    }
    return lag;
  }

  private static double count(MeterRegistry registry, String name) {
    double sum = 0;
    for (Counter c : registry.find(name).counters()) {
      sum += c.count();
    }
    return sum;
  }

  private static double gauge(MeterRegistry registry, String name) {
    Gauge g = registry.find(name).gauge();
    return g == null ? Double.NaN : g.value();
  }

  // A full GC at each sample: the heap that survives it is the live set, the number that must not
  // grow during a soak. It costs a pause every sample, which the report mentions.
  private static long liveHeapMb() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024 * 1024);
  }

  private static double nanToZero(double d) {
    return Double.isNaN(d) ? 0 : d;
  }

  static String conditions() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return String.format(
        Locale.ROOT,
        "%s, %d cores, load average %.2f, Java %s, -Xmx %d MB",
        Instant.now().toString().substring(0, 19) + "Z",
        Runtime.getRuntime().availableProcessors(),
        os.getSystemLoadAverage(),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() / (1024 * 1024));
  }

  static String header() {
    return "|     t s | phase    | sent/s | read/s | group lag | source backlog | event-time lag s"
        + " | watermark lag s | output lag s | live heap MB | updates | expired |\n"
        + "|--------:|----------|-------:|-------:|----------:|---------------:|-----------------:"
        + "|----------------:|-------------:|-------------:|--------:|--------:|";
  }

  static String row(Sample s) {
    return String.format(
        Locale.ROOT,
        "| %7.0f | %-8s | %6.0f | %6.0f | %9d | %14.0f | %16.1f | %15.1f | %12.1f | %12d | %7d |"
            + " %7.0f |",
        s.seconds,
        s.phase,
        s.sentPerSecond,
        s.readPerSecond,
        s.groupLag,
        s.sourceBacklog,
        s.eventTimeLag,
        s.watermarkLag,
        s.outputLag,
        s.liveHeapMb,
        s.updates,
        s.expired);
  }

  private static String report(
      SoakOptions o,
      double rate,
      String startConditions,
      String endConditions,
      List<Sample> samples,
      long sent,
      long sentTransient,
      long malformed,
      long producerFailures,
      Map<ModelUpdate.Status, Integer> byStatus,
      int machines,
      long maxTrainingSample,
      long maxWindowEvents,
      long maxGroupLag,
      double maxEventTimeLag,
      double maxOutputLag,
      long maxLiveHeapMb,
      long peakHeapMb,
      double expired,
      long recoveredAfterMillis,
      long recoveryMillis,
      String jobState) {
    StringBuilder b = new StringBuilder();
    b.append("# Soak results\n\n");
    b.append(
        "Written by `java -jar cli/target/fleetlearn.jar soak` (see docs/reliability.md).\n\n");
    b.append("## Run\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "- load: %.0f events/s (%d machines x %.1f events/s, %.0f %% malformed) for %s, that is"
                + " %.1f x the sustainable rate of %d events/s; plus %d transient machines for %s\n",
            rate,
            o.getMachines(),
            o.getEventsPerSecond(),
            100 * o.getMalformedRatio(),
            o.getDuration(),
            rate / SUSTAINABLE_RATE,
            SUSTAINABLE_RATE,
            o.getTransientMachines(),
            o.getTransientFor()));
    b.append(
        String.format(
            Locale.ROOT,
            "- pipeline: %s windows, %s allowed lateness, checkpoints every %d ms (exactly-once %s),"
                + " parallelism %s, %d partitions, reservoir cap %d, state retention %s\n",
            o.getWindowSize(),
            o.getAllowedLateness(),
            o.as(FlinkPipelineOptions.class).getCheckpointingInterval(),
            o.getExactlyOnce(),
            o.as(FlinkPipelineOptions.class).getParallelism() > 0
                ? Integer.toString(o.as(FlinkPipelineOptions.class).getParallelism())
                : "= cores",
            o.getTopicPartitions(),
            o.getReservoirCapacity(),
            o.getStateRetention()));
    b.append("- machine at start: ").append(startConditions).append('\n');
    b.append("- machine at end: ").append(endConditions).append("\n\n");
    b.append("## Summary\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "- events sent: %d (%d by transient machines, %d malformed), producer failures %d\n",
            sent,
            sentTransient,
            malformed,
            producerFailures));
    b.append(
        String.format(
            Locale.ROOT,
            "- model updates: %s for %d machines; pipeline state at the end: %s\n",
            byStatus,
            machines,
            jobState));
    b.append(
        String.format(
            Locale.ROOT,
            "- recovery: %s\n",
            recoveredAfterMillis >= 0
                ? String.format(
                    Locale.ROOT,
                    "consumer lag back to 0 %.0f s after the load stopped",
                    recoveredAfterMillis / 1000.0)
                : "NOT recovered within " + recoveryMillis / 1000 + " s"));
    b.append(
        String.format(
            Locale.ROOT,
            "- lag maxima: consumer group %d records, event time %.1f s, newest published window"
                + " %.1f s behind the clock\n",
            maxGroupLag,
            maxEventTimeLag,
            maxOutputLag));
    b.append(
        String.format(
            Locale.ROOT,
            "- heap: live set (after a full GC at each sample) max %d MB; high-water %d MB (sum"
                + " of the heap pools' peaks); -Xmx %d MB\n",
            maxLiveHeapMb,
            peakHeapMb,
            Runtime.getRuntime().maxMemory() / (1024 * 1024)));
    b.append(
        String.format(
            Locale.ROOT,
            "- state bounds: largest training sample %d rows (reservoir cap %d) from windows of up"
                + " to %d events; registry entries expired: %.0f (of %d transient machines silent"
                + " after %s, retention %s)\n\n",
            maxTrainingSample,
            o.getReservoirCapacity(),
            maxWindowEvents,
            expired,
            o.getTransientMachines(),
            o.getTransientFor(),
            o.getStateRetention()));
    b.append("## Samples\n\n");
    b.append(
        "group lag: records between the consumer group's committed offsets (committed with each"
            + " checkpoint) and the topic's end; source backlog, event-time and watermark lag: the"
            + " pipeline's own gauges (docs/observability.md); output lag: wall clock minus the end"
            + " of the newest window with a published model update.\n\n");
    b.append(header()).append('\n');
    for (Sample s : samples) {
      b.append(row(s)).append('\n');
    }
    return b.toString();
  }
}
