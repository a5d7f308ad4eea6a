package io.fleetlearn.app;

import io.fleetlearn.app.options.BatchTrainOptions;
import io.fleetlearn.app.options.ModelParamsOptions;
import io.fleetlearn.batch.BatchTrainingConfig;
import io.fleetlearn.batch.LabelMapping;
import io.fleetlearn.batch.MissingValues;
import io.fleetlearn.batch.ModelFormat;
import io.fleetlearn.batch.RowFilter;
import io.fleetlearn.batch.TabularFormat;
import io.fleetlearn.batch.TabularSchema;
import io.fleetlearn.batch.TrainFromHistory;
import io.fleetlearn.training.TrainingParams;
import java.util.Arrays;
import java.util.UUID;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Builds the batch per-entity training job from options: history files → {@link TrainFromHistory} →
 * model files. The batch counterpart of {@link RetrainingJob}, with the same training parameters.
 */
public final class BatchTrainingJob {
  private BatchTrainingJob() {}

  /**
   * Parses command-line options. Unless told otherwise the job runs on the Flink runner's embedded
   * mini-cluster ({@code --flinkMaster=[local]}) in batch mode, attached: bounded input makes Flink
   * run it as a batch job, and the command waits for it to finish.
   */
  public static BatchTrainOptions parseOptions(String[] args) {
    String[] withRunner = args;
    if (!RetrainingJob.hasFlag(args, "runner")) {
      withRunner = Arrays.copyOf(args, args.length + 1);
      withRunner[args.length] = "--runner=" + FlinkRunner.class.getSimpleName();
    }
    BatchTrainOptions o =
        PipelineOptionsFactory.fromArgs(withRunner).withValidation().as(BatchTrainOptions.class);
    FlinkPipelineOptions flink = o.as(FlinkPipelineOptions.class);
    flink.setStreaming(false);
    if (!RetrainingJob.hasFlag(args, "flinkMaster")) {
      flink.setFlinkMaster("[local]");
    }
    if (!RetrainingJob.hasFlag(args, "jobName")) {
      o.setJobName("fleetlearn-batch-training");
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
