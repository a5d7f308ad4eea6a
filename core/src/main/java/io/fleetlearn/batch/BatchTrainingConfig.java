package io.fleetlearn.batch;

import io.fleetlearn.training.TrainingParams;
import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/**
 * Everything the batch per-entity training needs: where the history is and how to read it, the
 * {@link TabularSchema}, training parameters (the same {@link TrainingParams} as streaming), the
 * per-entity row cap, the output directory and model format, whether to compare with one global
 * model, and the run id stamped into every metadata file. Immutable.
 */
public final class BatchTrainingConfig implements Serializable {
  private static final long serialVersionUID = 1L;

  private final String input;
  private final String output;
  private final String runId;
  private final TabularFormat format;
  private final TabularSchema schema;
  private final TrainingParams training;
  private final int maxRowsPerEntity;
  private final ModelFormat modelFormat;
  private final boolean compareGlobal;

  private BatchTrainingConfig(Builder b) {
    this.input = Objects.requireNonNull(b.input, "input");
    this.output = Objects.requireNonNull(b.output, "output");
    this.runId = Objects.requireNonNull(b.runId, "runId");
    this.format = Objects.requireNonNull(b.format, "format");
    this.schema = Objects.requireNonNull(b.schema, "schema");
    this.training = Objects.requireNonNull(b.training, "training");
    this.maxRowsPerEntity = b.maxRowsPerEntity;
    this.modelFormat = Objects.requireNonNull(b.modelFormat);
    this.compareGlobal = b.compareGlobal;
    if (input.isBlank() || output.isBlank()) {
      throw new IllegalArgumentException("input and output must be given");
    }
    // WindowSampleCoder refuses larger samples; HoldoutSplit indexes rows in 24 bits.
    if (maxRowsPerEntity < 1 || maxRowsPerEntity > (1 << 22)) {
      throw new IllegalArgumentException("maxRowsPerEntity must be in [1, 4194304]");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** File pattern of the history (any Beam filesystem: local, gs://, s3://, ...). */
  public String input() {
    return input;
  }

  /** Output directory. */
  public String output() {
    return output;
  }

  /** {@code output} joined with a relative path. */
  public String outputPath(String relative) {
    return output.endsWith("/") ? output + relative : output + "/" + relative;
  }

  /** Identifies this run's files among older ones in the same output directory. */
  public String runId() {
    return runId;
  }

  public TabularFormat format() {
    return format;
  }

  public TabularSchema schema() {
    return schema;
  }

  public TrainingParams training() {
    return training;
  }

  /** Capacity of each entity's uniform sample (the streaming reservoir, sized for history). */
  public int maxRowsPerEntity() {
    return maxRowsPerEntity;
  }

  public ModelFormat modelFormat() {
    return modelFormat;
  }

  public boolean compareGlobal() {
    return compareGlobal;
  }

  /** Builder; {@code runId} defaults to a random UUID. */
  public static final class Builder {
    private String input;
    private String output;
    private String runId = UUID.randomUUID().toString();
    private TabularFormat format = TabularFormat.csv();
    private TabularSchema schema;
    private TrainingParams training = TrainingParams.defaults();
    private int maxRowsPerEntity = 100_000;
    private ModelFormat modelFormat = ModelFormat.UBJ;
    private boolean compareGlobal;

    public Builder input(String v) {
      input = v;
      return this;
    }

    public Builder output(String v) {
      output = v;
      return this;
    }

    public Builder runId(String v) {
      runId = v;
      return this;
    }

    public Builder format(TabularFormat v) {
      format = v;
      return this;
    }

    public Builder schema(TabularSchema v) {
      schema = v;
      return this;
    }

    public Builder training(TrainingParams v) {
      training = v;
      return this;
    }

    public Builder maxRowsPerEntity(int v) {
      maxRowsPerEntity = v;
      return this;
    }

    public Builder modelFormat(ModelFormat v) {
      modelFormat = v;
      return this;
    }

    public Builder compareGlobal(boolean v) {
      compareGlobal = v;
      return this;
    }

    public BatchTrainingConfig build() {
      return new BatchTrainingConfig(this);
    }
  }
}
