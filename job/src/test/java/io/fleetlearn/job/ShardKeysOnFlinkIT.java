package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

/**
 * Where the Flink runner really runs a stateful step keyed by shard: each key's subtask, read from
 * the name of the thread that processed it, on the embedded mini-cluster at parallelism 2.
 */
class ShardKeysOnFlinkIT {
  private static final Map<Integer, Integer> SUBTASK_OF_KEY = new ConcurrentHashMap<>();
  private static final Pattern SUBTASK = Pattern.compile("\\((\\d+)/(\\d+)\\)");

  /** Records the subtask (1-based, from Flink's thread name) that holds each key's state. */
  static final class RecordSubtaskFn extends DoFn<KV<Integer, String>, Void> {
    @StateId("seen")
    private final StateSpec<ValueState<Integer>> seenSpec = StateSpecs.value(VarIntCoder.of());

    @ProcessElement
    public void process(@Element KV<Integer, String> e, @StateId("seen") ValueState<Integer> seen) {
      seen.write(1);
      Matcher m = SUBTASK.matcher(Thread.currentThread().getName());
      if (m.find()) {
        SUBTASK_OF_KEY.put(e.getKey(), Integer.parseInt(m.group(1)));
      }
    }
  }

  private static int[] perSubtask(int[] keys) {
    SUBTASK_OF_KEY.clear();
    FlinkPipelineOptions o = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
    o.setRunner(FlinkRunner.class);
    o.setParallelism(2);
    o.setStreaming(true);
    Pipeline p = Pipeline.create(o);
    List<KV<Integer, String>> elements =
        Arrays.stream(keys).mapToObj(k -> KV.of(k, "window of a machine")).toList();
    p.apply(Create.of(elements).withCoder(KvCoder.of(VarIntCoder.of(), StringUtf8Coder.of())))
        .apply(ParDo.of(new RecordSubtaskFn()));
    p.run().waitUntilFinish();
    int[] n = new int[2];
    for (int k : keys) {
      Integer subtask = SUBTASK_OF_KEY.get(k);
      assertNotNull(subtask, "key " + k + " processed, on a thread named (i/2)");
      n[subtask - 1]++;
    }
    return n;
  }

  @Test
  void theRunnerPutsEightOfSixteenSpreadShardsOnEachOfTwoSubtasks() {
    int[] spread = FlinkShardKeys.spread(16, 128);
    int[] zeroTo15 = IntStream.range(0, 16).toArray();
    int[] before = perSubtask(zeroTo15);
    int[] after = perSubtask(spread);
    assertEquals(
        List.of(7, 9),
        Arrays.stream(before).sorted().boxed().collect(Collectors.toList()),
        "0..15 as keys: " + Arrays.toString(before));
    assertEquals(List.of(8, 8), Arrays.stream(after).boxed().toList(), Arrays.toString(after));
  }
}
