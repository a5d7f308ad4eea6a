package io.fleetlearn.io.transactional;

import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Numbers each shard's records 0, 1, 2, ... in the order they arrive, under the job's writer
 * generation. The counter lives in keyed state, so it is part of the same checkpoint as the
 * numbered records the writer holds back until that checkpoint completes: a record the writer sees
 * keeps its number when the job fails over and restores its last checkpoint.
 *
 * <p>The generation is drawn when the pipeline is built, so it is the same across failovers of one
 * job and new for every submission, including a job started from a savepoint. A restored counter of
 * an earlier generation starts again at 0: numbers of a savepoint older than what its successor
 * published would otherwise collide with numbers that successor committed, and the writer would
 * take the new records for replays. Input in the global window.
 */
final class SequenceRecordsFn
    extends DoFn<KV<Integer, KV<String, byte[]>>, KV<Integer, SequencedRecord>> {
  private static final long serialVersionUID = 1L;

  private final String generation;

  @StateId("nextSeq")
  private final StateSpec<ValueState<Long>> nextSeqSpec = StateSpecs.value(VarLongCoder.of());

  @StateId("writer")
  private final StateSpec<ValueState<String>> writerSpec = StateSpecs.value(StringUtf8Coder.of());

  SequenceRecordsFn(String generation) {
    this.generation = generation;
  }

  /**
   * The next record's number: the stored counter if it belongs to {@code generation}, else 0 (no
   * state yet, or state restored from a savepoint of an earlier submission).
   */
  static long numberFor(String generation, String storedWriter, Long storedNext) {
    return generation.equals(storedWriter) && storedNext != null ? storedNext : 0;
  }

  @ProcessElement
  public void processElement(
      @Element KV<Integer, KV<String, byte[]>> in,
      @StateId("nextSeq") ValueState<Long> nextSeq,
      @StateId("writer") ValueState<String> writer,
      OutputReceiver<KV<Integer, SequencedRecord>> out) {
    String stored = writer.read();
    long seq = numberFor(generation, stored, nextSeq.read());
    if (!generation.equals(stored)) {
      writer.write(generation);
    }
    nextSeq.write(seq + 1);
    out.output(
        KV.of(
            in.getKey(),
            new SequencedRecord(
                generation, seq, in.getValue().getKey(), in.getValue().getValue())));
  }
}
