package io.fleetlearn.job;

import io.fleetlearn.command.Command;
import io.fleetlearn.command.Durations;
import io.fleetlearn.drift.DriftThresholds;
import io.fleetlearn.event.EventLimits;
import io.fleetlearn.event.FeatureSchema;
import io.fleetlearn.event.SensorEventParser;
import io.fleetlearn.io.Delivery;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaSensorSource;
import io.fleetlearn.io.KafkaSinks;
import io.fleetlearn.io.ModelUpdatesSeeds;
import io.fleetlearn.job.options.ModelParamsOptions;
import io.fleetlearn.job.options.RetrainingOptions;
import io.fleetlearn.metrics.MetricsConfig;
import io.fleetlearn.pipeline.FailOnce;
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
import java.util.Collections;
import java.util.Map;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
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
  public static final long DEFAULT_MAX_BUNDLE_TIME_MILLIS = 25;

  private RetrainingJob() {}

  /**
   * The job's defaults where they differ from the options' own (the runner's, mostly): the Flink
   * runner, detached submission, a checkpoint every 30 s (Kafka offsets are committed and the
   * exactly-once outputs published per checkpoint), and the event-time and throughput settings
   * explained in {@link #configure}. Every command that runs the retraining pipeline ({@code run},
   * {@code demo}, {@code soak}) starts from these.
   */
  public static final Map<String, String> DEFAULTS =
      Collections.unmodifiableMap(
          Command.ordered(
              "runner", "FlinkRunner",
              "jobName", "fleetlearn-retraining",
              "attachedMode", "false",
              "checkpointingInterval", "30000",
              "objectReuse", "true",
              "maxBundleTimeMills", Long.toString(DEFAULT_MAX_BUNDLE_TIME_MILLIS),
              "finishBundleBeforeCheckpointing", "true"));

  /**
   * Parses options as {@code run} does: {@code --optionsFile} expanded, {@link #DEFAULTS} added
   * where unset, then {@link #configure}d. For tests and benchmarks that build the job directly.
   */
  public static <T extends RetrainingOptions> T parseOptions(String[] commandLine, Class<T> type) {
    return configure(
        PipelineOptionsFactory.fromArgs(Command.withDefaults(commandLine, DEFAULTS))
            .withValidation()
            .as(type));
  }

  /**
   * What the job needs whatever the options say: streaming mode; exactly-once checkpoints when the
   * outputs are exactly-once (which needs checkpointing on); and, on the embedded runner,
   * checkpoints in a temporary directory unless a state backend is given.
   *
   * <p>Why the {@link #DEFAULTS}: without object reuse Flink deep-copies every element between
   * chained operators through its coder (an eighth of ingest CPU, see BENCHMARKS.md; Beam
   * transforms never mutate their inputs, which makes reuse safe). The Flink runner's operators
   * pass a watermark on only while no bundle is open, and a bundle closed by time does not reliably
   * pass on the watermark that arrived during it: at the runner's default of 1 s bundles a steady
   * stream kept event time frozen for minutes, so bundles last at most 25 ms and every checkpoint
   * closes them (docs/reliability.md, "Event time and bundles").
   *
   * @throws IllegalArgumentException if exactly-once outputs are asked for without checkpointing,
   *     or a savepoint is to be restored on the embedded runner
   */
  public static <T extends RetrainingOptions> T configure(T options) {
    FlinkPipelineOptions flink = options.as(FlinkPipelineOptions.class);
    flink.setStreaming(true);
    if (options.getExactlyOnce()) {
      // The transactional sink commits with checkpoints: it needs them, in exactly-once mode.
      if (flink.getCheckpointingInterval() <= 0) {
        throw new IllegalArgumentException(
            "--exactlyOnce needs checkpointing: set --checkpointingInterval=MILLIS or pass"
                + " --exactlyOnce=false");
      }
      flink.setCheckpointingMode("EXACTLY_ONCE");
    }
    if (embedded(flink) && !nullToEmpty(flink.getSavepointPath()).isEmpty()) {
      // The embedded mini-cluster ignores the path: the job would start without the savepoint's
      // state (no champions, no window samples, offsets from the consumer group) as if restored.
      throw new IllegalArgumentException(SAVEPOINT_ON_EMBEDDED_RUNNER);
    }
    if (embedded(flink) && flink.getStateBackend() == null) {
      // Flink's default checkpoint storage keeps snapshots in the JobManager's memory and refuses
      // any operator state over 5 MiB: the window samples of a few hundred machines, or the
      // exactly-once sink's pending records of about 70 model updates, fail every checkpoint
      // and the job restarts in a loop. Snapshots go to files instead.
      flink.setStateBackend("filesystem");
      flink.setStateBackendStoragePath(EmbeddedCheckpoints.directory().toUri().toString());
    }
    return options;
  }

  /** Why {@link #configure} refuses {@code --savepointPath} on the embedded runner. */
  static final String SAVEPOINT_ON_EMBEDDED_RUNNER =
      "--savepointPath cannot be restored on the embedded runner (the job would start without the"
          + " savepoint's state). Restore it on a Flink cluster: `flink run -s <savepointPath>"
          + " fleetlearn-job.jar run ...`, or run --flinkMaster=HOST:PORT --savepointPath=<path>;"
          + " without --savepointPath the job starts afresh from the model-updates topic"
          + " (docs/reliability.md, Operating restarts and upgrades)";

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Whether the job runs on the runner's embedded mini-cluster in this JVM. */
  static boolean embedded(FlinkPipelineOptions flink) {
    String master = flink.getFlinkMaster();
    return master.equals("[local]") || (master.equals("[auto]") && !FlinkClientContext.active());
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
                .recalibrateThresholds(o.getRecalibrateThresholds())
                .build())
        .promotion(
            new PromotionPolicy(
                o.getPromotionMetric(),
                o.getMinImprovement(),
                o.getDecayTolerance(),
                o.getPromotionFloor()))
        .stateRetention(Durations.parse(o.getStateRetention()))
        .drift(
            DriftThresholds.builder()
                .alphaWarn(o.getAlphaWarn())
                .alphaDrift(o.getAlphaDrift())
                .psiWarn(o.getPsiWarn())
                .psiDrift(o.getPsiDrift())
                .labelHWarn(o.getLabelHWarn())
                .labelHDrift(o.getLabelHDrift())
                .minEvents(o.getMinDriftEvents())
                .build())
        .metrics(
            MetricsConfig.of(o.getMetricsEnabled(), o.getMetricsBindAddress(), o.getMetricsPorts()))
        .scoring(
            ScoringConfig.builder()
                .enabled(!o.getPredictionsTopic().isEmpty())
                .alertThreshold(o.getAlertThreshold())
                .fleetModel(!o.getPredictionsTopic().isEmpty() && o.getFleetModel())
                .fleetSampleCapacity(o.getFleetSampleCapacity())
                .fleetShards(o.getFleetShards())
                // Keys the runner spreads evenly over its subtasks (FlinkShardKeys).
                .shardKeys(
                    o.getFleetShards() < 1
                        ? new int[0] // refused by the builder, with its message
                        : FlinkShardKeys.spread(
                            o.getFleetShards(),
                            FlinkShardKeys.maxParallelism(o.as(FlinkPipelineOptions.class))))
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
    // At-least-once: a replay finds the records of the windows it decides again on the topic, and
    // publishes those decisions again rather than deciding against a champion adopted from them.
    return new ModelUpdatesSeeds(
        kafka, o.getModelUpdatesTopic(), java.time.Duration.ofMillis(wait), !o.getExactlyOnce());
  }

  public static KafkaClientConfig kafka(RetrainingOptions o) throws IOException {
    return KafkaClientConfig.of(o.getBootstrapServers(), o.getKafkaProperties());
  }

  /**
   * The deployment's name in the exactly-once sinks' transactional ids and progress groups: {@code
   * --deploymentId}, or the consumer group when it is not given.
   */
  public static String deploymentId(RetrainingOptions o) {
    return o.getDeploymentId().isEmpty() ? o.getConsumerGroup() : o.getDeploymentId();
  }

  /** How the model updates and drift reports are published. */
  public static Delivery delivery(RetrainingOptions o) {
    if (!o.getExactlyOnce()) {
      return Delivery.atLeastOnce();
    }
    Delivery delivery = Delivery.exactlyOnce(o.getSinkShards(), deploymentId(o));
    if (o.getFailOnceAfterCommits() > 0) {
      // A fault drill (off by default): fail once between a sink's commit and the next checkpoint.
      delivery =
          delivery.failingOnceAfterCommits(
              new FailOnce(o.getFailOnceAfterCommits(), o.getFailOnceMarker(), "commits"));
    }
    return delivery;
  }

  /** The whole job: read, retrain, publish. */
  public static Pipeline build(RetrainingOptions o) throws IOException {
    KafkaClientConfig kafka = kafka(o);
    RetrainingConfig config = config(o).withSeeds(seeds(o, kafka));
    Delivery delivery = delivery(o);
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
