package io.fleetlearn.batch;

import io.fleetlearn.training.WindowOutcome;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.View;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PCollectionView;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The batch per-entity training, bounded input to files:
 *
 * <pre>
 * ReadHistoryFiles → KeepMatchingRows → LearnEncoding (side input)
 *   → TrainPerEntity (EncodeRows → CollectTrainingSet → [TrainGlobalModel] → TrainOnEntityHistory)
 *   → WriteModelFiles, [CompareWithGlobalModel], and every rejected row → WriteRejectedRows
 * </pre>
 *
 * <p>Returns the per-entity outcomes ({@link #OUTCOMES}) and all rejected rows ({@link #REJECTED})
 * for tests and callers that want more than the files.
 */
public final class TrainFromHistory extends PTransform<PBegin, PCollectionTuple> {
  public static final TupleTag<KV<String, WindowOutcome>> OUTCOMES = TrainPerEntity.OUTCOMES;
  public static final TupleTag<RejectedRow> REJECTED = new TupleTag<RejectedRow>("rejected") {};

  private final BatchTrainingConfig config;

  public TrainFromHistory(BatchTrainingConfig config) {
    this.config = config;
  }

  @Override
  public PCollectionTuple expand(PBegin begin) {
    PCollectionTuple read =
        begin.apply(
            "ReadHistoryFiles",
            new ReadHistoryFiles(config.input(), config.format(), config.schema()));
    PCollection<TabularRecord> kept =
        read.get(ReadHistoryFiles.ROWS)
            .apply("KeepMatchingRows", ParDo.of(new KeepMatchingRowsFn(config.schema())))
            .setCoder(TabularRecordCoder.of());
    PCollectionView<TabularEncoder> encoder =
        kept.apply("LearnEncoding", new LearnEncoding(config.schema()));
    PCollectionTuple trained =
        kept.apply(
            "TrainPerEntity",
            new TrainPerEntity(
                config.schema(),
                encoder,
                config.training(),
                config.maxRowsPerEntity(),
                config.compareGlobal()));
    PCollection<KV<String, WindowOutcome>> outcomes = trained.get(TrainPerEntity.OUTCOMES);
    outcomes.apply("WriteModelFiles", new WriteModelFiles(config, encoder));
    if (config.compareGlobal()) {
      PCollectionView<GlobalModel> global =
          trained
              .get(TrainPerEntity.GLOBAL_MODEL)
              .apply("GlobalModelForComparison", View.asSingleton());
      outcomes.apply("CompareWithGlobalModel", new CompareWithGlobalModel(config, encoder, global));
    }
    PCollection<RejectedRow> rejected =
        PCollectionList.of(read.get(ReadHistoryFiles.REJECTED))
            .and(trained.get(TrainPerEntity.REJECTED))
            .apply("CollectRejectedRows", Flatten.pCollections())
            .setCoder(RejectedRowCoder.of());
    rejected.apply("WriteRejectedRows", new WriteRejectedRows(config));
    return PCollectionTuple.of(OUTCOMES, outcomes).and(REJECTED, rejected);
  }
}
