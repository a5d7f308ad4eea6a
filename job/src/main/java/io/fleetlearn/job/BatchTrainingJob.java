package io.fleetlearn.job;

import io.fleetlearn.batch.BatchTrainingConfig;
import io.fleetlearn.batch.LabelMapping;
import io.fleetlearn.batch.MissingValues;
import io.fleetlearn.batch.ModelFormat;
import io.fleetlearn.batch.RowFilter;
import io.fleetlearn.batch.TabularFormat;
import io.fleetlearn.batch.TabularSchema;
import io.fleetlearn.batch.TrainFromHistory;
import io.fleetlearn.command.Command;
import io.fleetlearn.job.options.BatchTrainOptions;
import io.fleetlearn.job.options.ModelParamsOptions;
import io.fleetlearn.training.TrainingParams;
import java.util.Collections;
import java.util.Map;
import java.util.UUID;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Builds the batch per-entity training job from options: history files → {@link TrainFromHistory} →
 * model files. The batch counterpart of {@link RetrainingJob}, with the same training parameters.
 */
public final class BatchTrainingJob {
  private BatchTrainingJob() {}

  /** The batch job's defaults where they differ from the options' own. */
  public static final Map<String, String> DEFAULTS =
      Collections.unmodifiableMap(
          Command.ordered("runner", "FlinkRunner", "jobName", "fleetlearn-batch-training"));

  /**
   * Parses options as {@code train} does ({@code --optionsFile} expanded, {@link #DEFAULTS} added
   * where unset, then {@link #configure}d). For tests.
   */
  public static BatchTrainOptions parseOptions(String[] commandLine) {
    return configure(
        PipelineOptionsFactory.fromArgs(Command.withDefaults(commandLine, DEFAULTS))
            .withValidation()
            .as(BatchTrainOptions.class),
        commandLine);
  }

  /**
   * Batch mode, attached (bounded input makes Flink run it as a batch job, and the command waits
   * for it to finish), on the Flink cluster of {@code flink run} when it runs under it, else on the
   * Flink runner's embedded mini-cluster ({@code --flinkMaster=[local]}) unless {@code
   * --flinkMaster} says otherwise.
   *
   * @param given the arguments as given, to tell a user's {@code --flinkMaster} from the default
   */
  public static BatchTrainOptions configure(BatchTrainOptions o, String[] given) {
    FlinkPipelineOptions flink = o.as(FlinkPipelineOptions.class);
    flink.setStreaming(false);
    if (!Command.hasFlag(given, "flinkMaster") && !FlinkClientContext.active()) {
      flink.setFlinkMaster("[local]");
    }
    return o;
  }

  /** The transforms' configuration from the options; throws on inconsistent options. */
  public static BatchTrainingConfig config(BatchTrainOptions o) {
    return config(o, UUID.randomUUID().toString());
  }

  static BatchTrainingConfig config(BatchTrainOptions o, String runId) {
    TabularSchema schema =
        TabularSchema.builder()
            .entityColumns(o.getEntityColumns())
            .entitySeparator(o.getEntitySeparator())
            .labelColumn(o.getLabelColumn())
            .labels(LabelMapping.parse(o.getLabelMapping()))
            .numericColumns(o.getNumericColumns())
            .categoricalColumns(o.getCategoricalColumns())
            .maxCategories(o.getMaxCategories())
            .timeColumn(o.getTimeColumn())
            .filter(RowFilter.parse(o.getFilter()))
            .missing(MissingValues.parse(o.getMissingValues()))
            .build();
    return BatchTrainingConfig.builder()
        .input(o.getInput())
        .output(o.getOutput())
        .runId(runId)
        .format(
            TabularFormat.of(
                o.getFormat(), o.getInput(), o.getDelimiter(), o.getQuote(), o.getColumnNames()))
        .schema(schema)
        .training(
            ModelParamsOptions.selection(o, TrainingParams.builder())
                .rounds(o.getRounds())
                .maxDepth(o.getMaxDepth())
                .eta(o.getEta())
                .minLabelledEvents(o.getMinLabelledRows())
                .minPerClass(o.getMinPerClass())
                .holdoutFraction(o.getHoldoutFraction())
                .threshold(o.getDecisionThreshold())
                .extraParams(o.getXgboostParams())
                .build())
        .maxRowsPerEntity(o.getMaxRowsPerEntity())
        .modelFormat(ModelFormat.parse(o.getModelFormat()))
        .compareGlobal(o.getCompareGlobal())
        .build();
  }

  /** The whole job: read, train per entity, write. */
  public static Pipeline build(BatchTrainOptions o, BatchTrainingConfig config) {
    Pipeline p = Pipeline.create(o);
    p.apply("TrainFromHistory", new TrainFromHistory(config));
    return p;
  }
}
