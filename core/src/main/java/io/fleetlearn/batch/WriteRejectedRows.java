package io.fleetlearn.batch;

import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Rejected rows → {@code OUTPUT/rejected/rows-00000-of-00001.jsonl}, one JSON object per row
 * (source, line, stage, reason, detail, raw). The file exists, empty, when nothing was rejected.
 */
public final class WriteRejectedRows extends PTransform<PCollection<RejectedRow>, PDone> {
  /** Prefix of the rejected-rows file, relative to the output directory. */
  public static final String PREFIX = "rejected/rows";

  private final BatchTrainingConfig config;

  public WriteRejectedRows(BatchTrainingConfig config) {
    this.config = config;
  }

  @Override
  public PDone expand(PCollection<RejectedRow> rows) {
    return rows.apply(
            "FormatRejectedRow",
            MapElements.into(TypeDescriptors.strings()).via(RejectedRow::toJson))
        .apply(
            "WriteRejectedFile",
            TextIO.write().to(config.outputPath(PREFIX)).withSuffix(".jsonl").withNumShards(1));
  }
}
