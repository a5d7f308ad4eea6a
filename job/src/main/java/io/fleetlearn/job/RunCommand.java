package io.fleetlearn.job;

import io.fleetlearn.command.Command;
import io.fleetlearn.command.Durations;
import io.fleetlearn.io.Delivery;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaReadiness;
import io.fleetlearn.io.KafkaSinks;
import io.fleetlearn.io.RetentionCheck;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.job.options.DriftOptions;
import io.fleetlearn.job.options.EventOptions;
import io.fleetlearn.job.options.FaultInjectionOptions;
import io.fleetlearn.job.options.MetricsOptions;
import io.fleetlearn.job.options.ModelParamsOptions;
import io.fleetlearn.job.options.RetrainingOptions;
import io.fleetlearn.job.options.ScoringOptions;
import io.fleetlearn.job.options.TrainingOptions;
import io.fleetlearn.job.options.WindowingOptions;
import io.fleetlearn.tools.Topics;
import io.fleetlearn.tools.options.KafkaOptions;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run}: the retraining pipeline against an existing Kafka. On the embedded Flink
 * mini-cluster (the default) it runs until Ctrl-C; with {@code --flinkMaster=HOST:PORT}, under
 * {@code flink run} or in a JobManager in application mode it submits the job to that cluster and
 * returns.
 */
public final class RunCommand extends Command {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  public RunCommand() {
    super(
        "run",
        "run the retraining pipeline against an existing Kafka (under `flink run`, or with"
            + " --flinkMaster=HOST:PORT, on that Flink cluster; from the CLI jar on the embedded"
            + " runner by default)",
        "Runs the retraining pipeline against an existing Kafka (--bootstrapServers is required).\n"
            + "Creates missing topics (model-updates compacted). Under `flink run` or in application\n"
            + "mode it submits the job to that cluster and returns; with --flinkMaster=HOST:PORT to\n"
            + "that cluster; otherwise it runs on the embedded runner until Ctrl-C (CLI jar).\n"
            + "--optionsFile=PATH reads options from a properties file (windowSize = 5m, one per line;\n"
            + "the command line wins), e.g. config/pipeline.properties. Beam's own options (--jobName,\n"
            + "--runner, ...) are accepted too.");
  }

  /**
   * The options of the retraining pipeline, as every command that runs it lists them in its help:
   * Kafka, the pipeline's own concerns, and the Flink runner's.
   */
  public static final List<Class<? extends PipelineOptions>> PIPELINE_OPTIONS =
      List.of(
          KafkaOptions.class,
          WindowingOptions.class,
          TrainingOptions.class,
          ModelParamsOptions.class,
          DriftOptions.class,
          EventOptions.class,
          ScoringOptions.class,
          MetricsOptions.class,
          FaultInjectionOptions.class,
          FlinkPipelineOptions.class);

  @Override
  public List<Class<? extends PipelineOptions>> options() {
    return PIPELINE_OPTIONS;
  }

  @Override
  public Map<String, String> defaults() {
    return RetrainingJob.DEFAULTS;
  }

  /**
   * What {@code run} does before it submits the job: waits for Kafka, creates the missing topics,
   * warns if the input topic's retention may delete its oldest records before the job reads them
   * ({@link RetentionCheck}), checks that every exactly-once output topic has a partition per sink
   * shard, and aborts the open transactions that shards beyond {@code --sinkShards} left behind.
   */
  static void prepare(RetrainingOptions o, PrintStream out) throws java.io.IOException {
    KafkaClientConfig kafka = RetrainingJob.kafka(o);
    LOG.info("Kafka client configuration: {}", kafka);
    KafkaReadiness.await(
        kafka,
        java.time.Duration.ofMillis(Durations.parse(o.getKafkaWaitTimeout()).getMillis()),
        out::println);
    TopicAdmin.createTopics(kafka.asMap(), Topics.of(o));
    try {
      RetentionCheck.warnIfShort(kafka, o.getSensorEventsTopic(), out::println);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while checking retention");
    }
    if (!o.getExactlyOnce()) {
      return;
    }
    // The topics the exactly-once sinks write (the history topic's name is empty when it is off).
    List<String> exactlyOnceOutputs =
        List.of(o.getModelUpdatesTopic(), o.getDriftMetricsTopic(), o.getModelHistoryTopic())
            .stream()
            .filter(t -> !t.isEmpty())
            .toList();
    TopicAdmin.checkSinkShards(kafka.asMap(), o.getSinkShards(), exactlyOnceOutputs);
    Delivery delivery = RetrainingJob.delivery(o);
    for (String topic : exactlyOnceOutputs) {
      List<String> aborted = KafkaSinks.abortRetiredShards(kafka, topic, delivery);
      if (!aborted.isEmpty()) {
        out.println(
            "Aborted the open transactions of exactly-once shards beyond --sinkShards="
                + o.getSinkShards()
                + " (a larger count was used before): "
                + aborted);
      }
    }
  }

  @Override
  public int run(String[] args, PrintStream out) throws Exception {
    FlinkClasspath.require("run");
    RetrainingOptions o = RetrainingJob.configure(parse(args, RetrainingOptions.class));
    prepare(o, out);
    FlinkPipelineOptions flink = o.as(FlinkPipelineOptions.class);
    PipelineResult result = RetrainingJob.build(o).run();
    String master = flink.getFlinkMaster();
    if (!master.startsWith("[")) {
      out.println("Submitted to " + master + ": " + result);
      return 0;
    }
    if (FlinkClientContext.active()) {
      // [auto] under `flink run` or in application mode: the job went to that cluster.
      out.println("Submitted to the Flink cluster of this client: " + result);
      return 0;
    }
    out.println("Retraining pipeline running on the embedded Flink runner; Ctrl-C stops it.");
    Thread hook =
        new Thread(
            () -> {
              try {
                result.cancel();
              } catch (Exception e) {
                LOG.warn("Could not cancel the job cleanly: {}", e.toString());
              }
            });
    Runtime.getRuntime().addShutdownHook(hook);
    PipelineResult.State state = result.waitUntilFinish();
    out.println("Pipeline finished: " + state);
    return state == PipelineResult.State.FAILED ? 1 : 0;
  }
}
