package io.fleetlearn.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlearn.app.options.BatchTrainOptions;
import io.fleetlearn.batch.BatchCounters;
import io.fleetlearn.batch.BatchTrainingConfig;
import io.fleetlearn.batch.ReadHistoryFiles;
import io.fleetlearn.batch.TrainingSummary;
import io.fleetlearn.batch.WarmStart;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.ModelUpdatePublisher;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.registry.ModelUpdate;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.kafka.common.KafkaException;

/**
 * {@code train}: one model per entity from history files (bootstrap and backfill). Runs the batch
 * job (embedded Flink by default), prints the summary table read back from the output, and with
 * {@code --publishModels} publishes the trained models as version-1 champions on model-updates.
 */
final class TrainCommand {
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);

  private TrainCommand() {}

  static int run(String[] args, PrintStream out) throws Exception {
    BatchTrainOptions o = BatchTrainingJob.parseOptions(args);
    BatchTrainingConfig config;
    KafkaClientConfig kafka = null;
    try {
      config = BatchTrainingJob.config(o);
      // Problems that would only surface after training (or deep inside a Flink stack trace) are
      // reported before the job starts.
      if (o.getPublishModels()) {
        kafka = KafkaClientConfig.of(o.getBootstrapServers(), o.getKafkaProperties());
      }
      FileSystems.setDefaultPipelineOptions(o);
      ReadHistoryFiles.checkInput(config.input(), config.format(), config.schema());
    } catch (IllegalArgumentException e) {
      out.println("train: " + e.getMessage());
      return 2;
    }
    String master = o.as(FlinkPipelineOptions.class).getFlinkMaster();
    out.println(
        "Training one model per "
            + String.join(config.schema().entitySeparator(), config.schema().entityColumns())
            + " from "
            + config.input()
            + " ("
            + config.format()
            + ") on "
            + o.getRunner().getSimpleName()
            + (o.getRunner().getSimpleName().equals("FlinkRunner") ? " " + master : "")
            + ", run "
            + config.runId());
    PipelineResult result;
    PipelineResult.State state;
    try {
      result = BatchTrainingJob.build(o, config).run();
      state = result.waitUntilFinish();
    } catch (RuntimeException e) {
      out.println("Training failed: " + rootMessage(e));
      return 1;
    }
    if (state != PipelineResult.State.DONE) {
      out.println("Training did not finish: " + state);
      return 1;
    }
    Map<String, Long> counters = Map.of();
    try {
      counters = BatchCounters.totals(result.metrics());
    } catch (UnsupportedOperationException e) {
      // A runner without metrics still gets the table; only the row counts are missing.
    }
    TrainingSummary summary = TrainingSummary.read(config.output(), config.runId());
    out.print(summary.format(counters));
    if (kafka == null) {
      return 0;
    }
    List<ModelUpdate> updates = WarmStart.updates(summary);
    ModelUpdatePublisher.Result r;
    try {
      // The topics a new deployment needs, created as `run` creates them (existing ones untouched).
      TopicAdmin.createTopics(kafka.asMap(), Topics.of(o));
      r =
          ModelUpdatePublisher.publishNew(
              kafka, o.getModelUpdatesTopic(), o.getModelHistoryTopic(), updates, KAFKA_TIMEOUT);
    } catch (IOException | KafkaException e) {
      out.println(
          "\nWarm start failed: "
              + rootMessage(e)
              + "\nThe models are written; running the command again publishes those not yet on "
              + o.getModelUpdatesTopic()
              + ".");
      return 1;
    }
    out.println(
        "\nWarm start: published "
            + r.published().size()
            + " model(s) as version 1 (PROMOTED) to "
            + o.getModelUpdatesTopic()
            + (r.published().isEmpty() ? "" : ": " + r.published()));
    for (JsonNode n : summary.entities()) {
      String entity = n.path("entity").asText();
      if (n.path("status").asText().equals("TRAINED") && !WarmStart.isValidMachineId(entity)) {
        out.println(
            "  not published: \""
                + entity
                + "\" is not a valid machineId (1-128 characters of A-Z a-z 0-9 . _ : -)");
      }
    }
    for (ModelUpdate u : updates) {
      Long v = r.existing().get(u.machineId());
      if (v != null) {
        out.println(
            "  left "
                + u.machineId()
                + " alone: the topic already holds its model"
                + (v > 0 ? " version " + v : "")
                + " (a warm start never overwrites)");
      }
    }
    return 0;
  }

  /** The innermost message, which names the actual problem under the runner's wrapping. */
  static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + ": " + c.getMessage();
  }
}
