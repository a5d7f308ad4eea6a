package io.fleetlearn.io.transactional;

import java.util.UUID;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;

/**
 * Numbers each shard's records 0, 1, 2, ... in the order they arrive, under a writer generation
 * drawn at random the first time the shard is seen. Both live in keyed state, so they are part of
 * the same checkpoint as the numbered records the writer holds back until that checkpoint
 * completes: a record the writer sees keeps its number across failures and restores. A run started
 * without state draws a new generation, which tells the writer that the progress Kafka holds for
 * the shard belongs to an earlier run. Input in the global window.
 */
final class SequenceRecordsFn
    extends DoFn<KV<Integer, KV<String, byte[]>>, KV<Integer, SequencedRecord>> {
  private static final long serialVersionUID = 1L;

  @StateId("nextSeq")
  private final StateSpec<ValueState<Long>> nextSeqSpec = StateSpecs.value(VarLongCoder.of());

  @StateId("writer")
  private final StateSpec<ValueState<String>> writerSpec = StateSpecs.value(StringUtf8Coder.of());

  @ProcessElement
  public void processElement(
      @Element KV<Integer, KV<String, byte[]>> in,
      @StateId("nextSeq") ValueState<Long> nextSeq,
      @StateId("writer") ValueState<String> writer,
      OutputReceiver<KV<Integer, SequencedRecord>> out) {
    String w = writer.read();
    if (w == null) {
      w = UUID.randomUUID().toString();
      writer.write(w);
    }
    Long next = nextSeq.read();
    long seq = next == null ? 0 : next;
    nextSeq.write(seq + 1);
    out.output(
        KV.of(
            in.getKey(),
            new SequencedRecord(w, seq, in.getValue().getKey(), in.getValue().getValue())));
  }
}
