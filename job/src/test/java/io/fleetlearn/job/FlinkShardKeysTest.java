package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.job.options.RetrainingOptions;
import io.fleetlearn.pipeline.RetrainingConfig;
import java.util.Arrays;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.adapter.FlinkKey;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

/**
 * Shard keys against Flink's own placement of a Beam key: which subtask owns it for a parallelism,
 * computed with the runner's key encoding and Flink's key-group assignment (not with the class
 * under test).
 */
class FlinkShardKeysTest {
  private static int[] perSubtask(int[] keys, int maxParallelism, int parallelism) {
    int[] n = new int[parallelism];
    for (int k : keys) {
      n[
          KeyGroupRangeAssignment.assignKeyToParallelOperator(
              FlinkKey.of(k, VarIntCoder.of()), maxParallelism, parallelism)]++;
    }
    return n;
  }

  private static int[] zeroTo(int n) {
    int[] k = new int[n];
    Arrays.setAll(k, i -> i);
    return k;
  }

  @Test
  void theKeysZeroToFifteenLoadTheSubtasksUnevenly() {
    // Why the keys are chosen: with 0..15, 9 and 7 shards on 2 subtasks, 5 on the busiest of 4,
    // and one of 8 subtasks gets none.
    assertArrayEquals(new int[] {9, 7}, perSubtask(zeroTo(16), 128, 2));
    assertArrayEquals(new int[] {5, 4, 4, 3}, perSubtask(zeroTo(16), 128, 4));
    assertEquals(0, Arrays.stream(perSubtask(zeroTo(16), 128, 8)).min().getAsInt());
  }

  @Test
  void spreadKeysGiveEverySubtaskItsShareOfTheShards() {
    for (int shards = 1; shards <= 32; shards++) {
      int[] keys = FlinkShardKeys.spread(shards, 128);
      assertEquals(shards, keys.length);
      assertEquals(shards, Arrays.stream(keys).distinct().count(), "distinct keys");
      for (int p = 1; p <= Math.min(shards, 16); p++) {
        int[] n = perSubtask(keys, 128, p);
        int min = Arrays.stream(n).min().getAsInt();
        int max = Arrays.stream(n).max().getAsInt();
        assertTrue(max - min <= 2, shards + " shards on " + p + ": " + Arrays.toString(n));
        if (shards % p == 0) {
          assertEquals(min, max, shards + " shards on " + p + ": " + Arrays.toString(n));
        }
      }
    }
  }

  @Test
  void otherMaxParallelismsAndMoreShardsThanKeyGroups() {
    int[] keys = FlinkShardKeys.spread(16, 256);
    assertArrayEquals(new int[] {8, 8}, perSubtask(keys, 256, 2));
    assertArrayEquals(new int[] {2, 2, 2, 2, 2, 2, 2, 2}, perSubtask(keys, 256, 8));
    // Close to one shard per key group, the groups' integer edges cost up to one more.
    int[] hundred = FlinkShardKeys.spread(100, 128);
    for (int p = 1; p <= 16; p++) {
      int[] n = perSubtask(hundred, 128, p);
      assertTrue(Arrays.stream(n).max().getAsInt() - Arrays.stream(n).min().getAsInt() <= 2);
    }
    int[] many = FlinkShardKeys.spread(300, 128);
    assertEquals(300, Arrays.stream(many).distinct().count());
    int[] n = perSubtask(many, 128, 4);
    assertTrue(Arrays.stream(n).max().getAsInt() - Arrays.stream(n).min().getAsInt() <= 3);
    assertThrows(IllegalArgumentException.class, () -> FlinkShardKeys.spread(0, 128));
  }

  @Test
  void theMaxParallelismIsTheOneFlinkWillUse() {
    FlinkPipelineOptions o =
        RetrainingJob.parseOptions(new String[0], RetrainingOptions.class)
            .as(FlinkPipelineOptions.class);
    o.setParallelism(-1);
    assertEquals(128, FlinkShardKeys.maxParallelism(o));
    o.setParallelism(2);
    assertEquals(128, FlinkShardKeys.maxParallelism(o));
    o.setParallelism(100);
    assertEquals(256, FlinkShardKeys.maxParallelism(o));
    o.setMaxParallelism(512);
    assertEquals(512, FlinkShardKeys.maxParallelism(o));
  }

  @Test
  void theJobsConfigurationCarriesTheSpreadKeys() {
    RetrainingOptions o =
        RetrainingJob.parseOptions(
            new String[] {"--fleetShards=8", "--parallelism=4"}, RetrainingOptions.class);
    RetrainingConfig config = RetrainingJob.config(o);
    int[] keys = config.scoring().shardKeys();
    assertArrayEquals(FlinkShardKeys.spread(8, 128), keys);
    assertArrayEquals(new int[] {2, 2, 2, 2}, perSubtask(keys, 128, 4));
    // Every machine is on one of them.
    for (int m = 0; m < 100; m++) {
      int key = config.scoring().shardKey("machine-" + m);
      assertTrue(Arrays.stream(keys).anyMatch(k -> k == key));
    }
  }
}
