package io.fleetlearn.app;

import io.fleetlearn.app.options.Durations;
import io.fleetlearn.app.options.RetrainingOptions;
import io.fleetlearn.io.Delivery;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaReadiness;
import io.fleetlearn.io.TopicAdmin;
import java.io.PrintStream;
import java.util.List;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code run}: the retraining pipeline against an existing Kafka. On the embedded Flink
 * mini-cluster (the default) it runs until Ctrl-C; with {@code --flinkMaster=HOST:PORT}, under
 * {@code flink run} or in a JobManager in application mode it submits the job to that cluster and
 * returns.
 */
final class RunCommand {
  private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

  private RunCommand() {}

  static int run(String[] args, PrintStream out) throws Exception {
    RetrainingOptions o = RetrainingJob.parseOptions(args, RetrainingOptions.class);
    KafkaClientConfig kafka = RetrainingJob.kafka(o);
    LOG.info("Kafka client configuration: {}", kafka);
    KafkaReadiness.await(
        kafka,
        java.time.Duration.ofMillis(Durations.parse(o.getKafkaWaitTimeout()).getMillis()),
        out::println);
    TopicAdmin.createTopics(kafka.asMap(), Topics.of(o));
    // The topics the exactly-once sinks write (the history topic's name is empty when it is off).
    List<String> exactlyOnceOutputs =
        List.of(o.getModelUpdatesTopic(), o.getDriftMetricsTopic(), o.getModelHistoryTopic());
    if (o.getExactlyOnce()) {
      TopicAdmin.checkSinkShards(kafka.asMap(), o.getSinkShards(), exactlyOnceOutputs);
    }
    FlinkPipelineOptions flink = o.as(FlinkPipelineOptions.class);
    boolean restoresState =
        (flink.getSavepointPath() != null && !flink.getSavepointPath().isEmpty())
            // `flink run -s` and the operator's upgrades restore through Flink's configuration;
            // in application mode main() runs again when a JobManager fails over and the job
            // resumes from its last checkpoint. The sink's progress is part of that state.
            || FlinkClientContext.restorePath().isPresent()
            || FlinkClientContext.applicationMode();
    if (o.getExactlyOnce() && !restoresState) {
      // A fresh start: the exactly-once sink's progress from any earlier job no longer applies.
      Delivery d = Delivery.exactlyOnce(o.getSinkShards(), o.getConsumerGroup());
      TopicAdmin.resetSinkGroups(
          kafka.asMap(), exactlyOnceOutputs.stream().map(d::sinkGroup).toList());
    }
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
