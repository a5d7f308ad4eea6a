package io.fleetlearn.app;

import io.fleetlearn.app.options.Durations;
import io.fleetlearn.app.options.ModelParamsOptions;
import io.fleetlearn.app.options.OptionsFile;
import io.fleetlearn.app.options.RetrainingOptions;
import io.fleetlearn.drift.DriftThresholds;
import io.fleetlearn.event.EventLimits;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.io.Delivery;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaSensorSource;
import io.fleetlearn.io.KafkaSinks;
import io.fleetlearn.io.ModelUpdatesSeeds;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.pipeline.FailOnceFn;
import io.fleetlearn.pipeline.ParseAndValidate;
import io.fleetlearn.pipeline.RetrainPerMachine;
import io.fleetlearn.pipeline.RetrainingConfig;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.registry.PromotionPolicy;
import io.fleetlearn.registry.RegistrySeeds;
import io.fleetlearn.scoring.ScoringConfig;
import io.fleetlearn.training.TrainingParams;
import java.io.IOException;
import java.util.Arrays;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * Builds the streaming retraining job from options: Kafka source → {@link RetrainPerMachine} →
 * Kafka sinks. The one place that joins the pure transforms to Kafka and the runner.
 */
public final class RetrainingJob {
  /** Least time the registry waits for the model-updates topic when it seeds from it. */
  private static final java.time.Duration SEED_TIMEOUT = java.time.Duration.ofSeconds(60);

  /** Longest a Flink runner bundle stays open unless told otherwise (the runner's default: 1 s). */
  static final long DEFAULT_MAX_BUNDLE_TIME_MILLIS = 25;

  private RetrainingJob() {}

  /**
   * Parses command-line options, after {@code --optionsFile=PATH} has added the options of that
   * file that the command line does not set ({@link OptionsFile}). Unless told otherwise the job
   * runs on the Flink runner (embedded mini-cluster), in streaming mode, detached (the caller waits
   * or cancels), checkpointing every 30 s so Kafka offsets are committed.
   */
  public static <T extends RetrainingOptions> T parseOptions(String[] commandLine, Class<T> type) {
    String[] args = OptionsFile.expand(commandLine);
    String[] withRunner = args;
    if (!hasFlag(args, "runner")) {
      withRunner = Arrays.copyOf(args, args.length + 1);
      withRunner[args.length] = "--runner=" + FlinkRunner.class.getSimpleName();
    }
    T options = PipelineOptionsFactory.fromArgs(withRunner).withValidation().as(type);
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    flink.setStreaming(true);
    if (!hasFlag(args, "attachedMode")) {
      flink.setAttachedMode(false);
    }
    if (!hasFlag(args, "checkpointingInterval")) {
      flink.setCheckpointingInterval(30_000L);
    }
    if (options.getExactlyOnce()) {
      // The transactional sink commits with checkpoints: it needs them, in exactly-once mode.
      if (flink.getCheckpointingInterval() <= 0) {
        throw new IllegalArgumentException(
            "--exactlyOnce needs checkpointing: set --checkpointingInterval=MILLIS or pass"
                + " --exactlyOnce=false");
      }
      flink.setCheckpointingMode("EXACTLY_ONCE");
    }
    if (!hasFlag(args, "jobName")) {
      options.setJobName("fleetlearn-retraining");
    }
    if (!hasFlag(args, "objectReuse")) {
      // Without it Flink deep-copies every element between chained operators through its coder
      // (KafkaRecord, RawRecord, SensorEvent, KV, ...: an eighth of ingest CPU, see
      // BENCHMARKS.md). Beam transforms never mutate their inputs, which makes reuse safe here.
      flink.setObjectReuse(true);
    }
    if (!hasFlag(args, "maxBundleTimeMills")) {
      // The Flink runner's operators pass a watermark on only while no bundle is open, and a
      // bundle closed by time (rather than by size) does not reliably pass on the watermark that
      // arrived during it. At the default of 1 s, a steady stream of a few hundred events/s kept
      // event time frozen for minutes behind the source: no window closed. Short bundles give the
      // watermark an opening several times a second (docs/reliability.md, "Event time and
      // bundles").
      flink.setMaxBundleTimeMills(DEFAULT_MAX_BUNDLE_TIME_MILLIS);
    }
    if (!hasFlag(args, "finishBundleBeforeCheckpointing")) {
      // And every checkpoint closes all bundles and passes the watermark on: windows close no
      // later than the first checkpoint after the watermark passes their end.
      flink.setFinishBundleBeforeCheckpointing(true);
    }
    if (embedded(flink) && !hasFlag(args, "stateBackend")) {
      // Flink's default checkpoint storage keeps snapshots in the JobManager's memory and refuses
      // any operator state over 5 MiB: the window samples of a few hundred machines, or the
      // exactly-once sink's pending records of about 70 model updates, fail every checkpoint
      // and the job restarts in a loop. Snapshots go to files instead.
      flink.setStateBackend("filesystem");
      flink.setStateBackendStoragePath(EmbeddedCheckpoints.directory().toUri().toString());
    }
    return options;
  }

  /** Whether the job runs on the runner's embedded mini-cluster in this JVM. */
  static boolean embedded(FlinkPipelineOptions flink) {
    String master = flink.getFlinkMaster();
    return master.equals("[local]") || (master.equals("[auto]") && !FlinkClientContext.active());
  }

  static boolean hasFlag(String[] args, String name) {
    return Arrays.stream(args)
        .anyMatch(a -> a.equals("--" + name) || a.startsWith("--" + name + "="));
  }

  /** The transforms' configuration from the options. */
  public static RetrainingConfig config(RetrainingOptions o) {
    FeatureSchema schema = FeatureSchema.parse(o.getFeatures());
    return RetrainingConfig.builder()
        .schema(schema)
        .limits(
            new EventLimits(
                o.getMaxEventBytes(),
                o.getMaxMachineIdLength(),
                16,
                Durations.parse(o.getMaxFutureSkew()).getMillis(),
                EventLimits.DEFAULT_MIN_TIMESTAMP_MILLIS))
        .windowSize(Durations.parse(o.getWindowSize()))
        .allowedLateness(Durations.parse(o.getAllowedLateness()))
        .lateFiringDelay(Durations.parse(o.getLateFiringDelay()))
        .reservoirCapacity(o.getReservoirCapacity())
        .training(
            ModelParamsOptions.selection(o, TrainingParams.builder())
                .rounds(o.getRounds())
                .maxDepth(o.getMaxDepth())
                .eta(o.getEta())
                .minLabelledEvents(o.getMinLabelledEvents())
                .minPerClass(o.getMinPerClass())
                .holdoutFraction(o.getHoldoutFraction())
                .threshold(o.getDecisionThreshold())
                .extraParams(o.getXgboostParams())
                .build())
        .promotion(
            new PromotionPolicy(
                o.getPromotionMetric(),
                o.getMinImprovement(),
                o.getDecayTolerance(),
                o.getPromotionFloor()))
        .stateRetention(Durations.parse(o.getStateRetention()))
        .drift(new DriftThresholds(o.getPsiWarn(), o.getPsiDrift(), o.getMinDriftEvents()))
        .metrics(
            MetricsConfig.of(o.getMetricsEnabled(), o.getMetricsBindAddress(), o.getMetricsPorts()))
        .scoring(
            ScoringConfig.builder()
                .enabled(!o.getPredictionsTopic().isEmpty())
                .alertThreshold(o.getAlertThreshold())
                .fleetModel(!o.getPredictionsTopic().isEmpty() && o.getFleetModel())
                .fleetSampleCapacity(o.getFleetSampleCapacity())
                .fleetShards(o.getFleetShards())
                .cacheSize(o.getScoringCacheSize())
                .build())
        .build();
  }

  /**
   * Where the registry finds existing champions: the model-updates topic, unless {@code
   * --seedFromModelUpdates=false}.
   */
  public static RegistrySeeds seeds(RetrainingOptions o, KafkaClientConfig kafka) {
    if (!o.getSeedFromModelUpdates()) {
      return RegistrySeeds.none();
    }
    long wait =
        Math.max(SEED_TIMEOUT.toMillis(), Durations.parse(o.getKafkaWaitTimeout()).getMillis());
    return new ModelUpdatesSeeds(
        kafka, o.getModelUpdatesTopic(), java.time.Duration.ofMillis(wait));
  }

  public static KafkaClientConfig kafka(RetrainingOptions o) throws IOException {
    return KafkaClientConfig.of(o.getBootstrapServers(), o.getKafkaProperties());
  }

  /** The whole job: read, retrain, publish. */
  public static Pipeline build(RetrainingOptions o) throws IOException {
    KafkaClientConfig kafka = kafka(o);
    RetrainingConfig config = config(o).withSeeds(seeds(o, kafka));
    Delivery delivery =
        o.getExactlyOnce()
            ? Delivery.exactlyOnce(o.getSinkShards(), o.getConsumerGroup())
            : Delivery.atLeastOnce();
    Pipeline p = Pipeline.create(o);
    PCollectionTuple out =
        p.apply(
                "ReadSensorEvents",
                new KafkaSensorSource(
                    kafka,
                    o.getSensorEventsTopic(),
                    o.getConsumerGroup(),
                    new SensorEventParser(config.schema(), config.limits()),
                    Durations.parse(o.getMaxOutOfOrderness()),
                    Durations.parse(o.getIdleTimeout())))
            .apply("RetrainPerMachine", new RetrainPerMachine(config));
    PCollection<ModelUpdate> updates = out.get(RetrainPerMachine.MODEL_UPDATES);
    if (out.has(RetrainPerMachine.FLEET_MODEL_UPDATES)) {
      // One sink per topic: the exactly-once sink's writer group is named after the topic.
      updates =
          PCollectionList.of(updates)
              .and(out.get(RetrainPerMachine.FLEET_MODEL_UPDATES))
              .apply("MachineAndFleetUpdates", Flatten.pCollections());
    }
    if (o.getFailOnceAfterUpdates() > 0) {
      // A fault drill (off by default): fail the job once, downstream of the registry's state.
      updates =
          updates
              .apply(
                  "InjectFailureOnce",
                  ParDo.of(
                      new FailOnceFn<ModelUpdate>(
                          o.getFailOnceAfterUpdates(), o.getFailOnceMarker())))
              .setCoder(updates.getCoder());
    }
    updates.apply(
        "PublishModelUpdates", KafkaSinks.modelUpdates(kafka, o.getModelUpdatesTopic(), delivery));
    if (out.has(RetrainPerMachine.PREDICTIONS)) {
      out.get(RetrainPerMachine.PREDICTIONS)
          .apply("PublishPredictions", KafkaSinks.predictions(kafka, o.getPredictionsTopic()));
    }
    if (!o.getModelHistoryTopic().isEmpty()) {
      updates.apply(
          "PublishModelHistory",
          KafkaSinks.modelUpdates(kafka, o.getModelHistoryTopic(), delivery));
    }
    out.get(RetrainPerMachine.DRIFT_REPORTS)
        .apply(
            "PublishDriftReports",
            KafkaSinks.driftReports(kafka, o.getDriftMetricsTopic(), delivery));
    out.get(ParseAndValidate.DEAD_LETTERS)
        .apply("PublishDeadLetters", KafkaSinks.deadLetters(kafka, o.getDeadLetterTopic()));
    return p;
  }
}
