package io.fleetlearn.job;

import com.fasterxml.jackson.databind.JsonNode;
import io.fleetlearn.batch.BatchCounters;
import io.fleetlearn.batch.BatchTrainingConfig;
import io.fleetlearn.batch.ReadHistoryFiles;
import io.fleetlearn.batch.TrainingSummary;
import io.fleetlearn.batch.WarmStart;
import io.fleetlearn.command.Command;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.ModelUpdatePublisher;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.job.options.BatchTrainOptions;
import io.fleetlearn.job.options.ModelParamsOptions;
import io.fleetlearn.job.options.TabularInputOptions;
import io.fleetlearn.registry.ModelUpdate;
import io.fleetlearn.tools.Topics;
import io.fleetlearn.tools.options.KafkaOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.kafka.common.KafkaException;

/**
 * {@code train}: one model per entity from history files (bootstrap and backfill). Runs the batch
 * job (embedded Flink by default), prints the summary table read back from the output, and with
 * {@code --publishModels} publishes the trained models as version-1 champions on model-updates.
 */
public final class TrainCommand extends Command {
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(60);

  public TrainCommand() {
    super(
        "train",
        "train one model per entity from history files (CSV/JSONL) in a batch job; optionally"
            + " publish them on model-updates as version-1 champions",
        "Trains one XGBoost model per entity from history files in a batch job (the Flink runner's\n"
            + "embedded mini-cluster by default; under `flink run`, that cluster), with the streaming\n"
            + "pipeline's sampling and trainer. Writes OUTPUT/entities/<entity>.ubj|json and\n"
            + "<entity>.metadata.json, rejected rows to OUTPUT/rejected/, prints a summary table.\n"
            + "--compareGlobal adds one global model on the same holdout; --publishModels publishes\n"
            + "the models as version-1 champions on Kafka. Beam's and the Flink runner's own options\n"
            + "(--parallelism, --flinkMaster, ...) are accepted too.\n"
            + "Example (from the repository root):\n"
            + "  java -jar cli/target/fleetlearn.jar train \\\n"
            + "    --input=core/src/test/resources/ai4i2020/ai4i2020.csv --output=/tmp/ai4i-models \\\n"
            + "    --entityColumns=Type --labelColumn='Machine failure' \\\n"
            + "    --numericColumns='Air temperature [K],Process temperature [K],Rotational speed"
            + " [rpm],Torque [Nm],Tool wear [min]' \\\n"
            + "    --compareGlobal=true");
  }

  @Override
  public List<Class<? extends PipelineOptions>> options() {
    return List.of(
        TabularInputOptions.class,
        BatchTrainOptions.class,
        ModelParamsOptions.class,
        KafkaOptions.class,
        FlinkPipelineOptions.class);
  }

  @Override
  public Map<String, String> defaults() {
    return BatchTrainingJob.DEFAULTS;
  }

  @Override
  public int run(String[] args, PrintStream out) throws Exception {
    FlinkClasspath.require("train");
    BatchTrainOptions o = BatchTrainingJob.configure(parse(args, BatchTrainOptions.class), args);
    // Problems that would only surface after training (or deep inside a Flink stack trace) are
    // reported before the job starts, as usage errors.
    BatchTrainingConfig config = BatchTrainingJob.config(o);
    KafkaClientConfig kafka = null;
    if (o.getPublishModels()) {
      kafka = KafkaClientConfig.of(o.getBootstrapServers(), o.getKafkaProperties());
    }
    FileSystems.setDefaultPipelineOptions(o);
    ReadHistoryFiles.checkInput(config.input(), config.format(), config.schema());
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
