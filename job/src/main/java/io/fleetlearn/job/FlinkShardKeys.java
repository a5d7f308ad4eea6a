package io.fleetlearn.job;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.adapter.FlinkKey;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;

/**
 * The keys of the steps keyed by shard (the trainers, and the fleet scorer): integers that the
 * Flink runner spreads evenly over its subtasks.
 *
 * <p>Flink hashes each key (the runner's {@link FlinkKey}: the key's encoded bytes) into one of
 * {@code maxParallelism} key groups and gives every subtask a contiguous range of groups. The keys
 * 0 to 15 fall 9 and 7 on 2 subtasks, 5, 4, 4 and 3 on 4, and leave one of 8 subtasks without a
 * shard, so the busiest trainer had up to 1.5 times its share of the machines, and the window-close
 * burst took that much longer. These keys are chosen, with the runner's own key encoding and
 * Flink's own assignment, to sit in evenly spaced key groups: shard {@code i} of {@code n} in the
 * middle of the {@code i}-th of {@code n} equal slices of the groups. Every parallelism that
 * divides the shard count then gets the same number of shards per subtask, and any other within
 * one. docs/capacity.md.
 */
public final class FlinkShardKeys {
  private FlinkShardKeys() {}

  /** Keys tried before giving up on a shard's key group (never reached for real group counts). */
  static final int SEARCH_LIMIT = 1 << 24;

  /** One key per shard, distinct, shard {@code i} in the key group {@link #targetGroup} names. */
  public static int[] spread(int shards, int maxParallelism) {
    if (shards < 1 || maxParallelism < 1) {
      throw new IllegalArgumentException("shards and max parallelism must be >= 1");
    }
    Map<Integer, ArrayDeque<Integer>> waiting = new HashMap<>();
    for (int i = 0; i < shards; i++) {
      waiting
          .computeIfAbsent(targetGroup(i, shards, maxParallelism), g -> new ArrayDeque<>())
          .add(i);
    }
    int[] keys = new int[shards];
    int left = shards;
    for (int k = 0; k < SEARCH_LIMIT && left > 0; k++) {
      ArrayDeque<Integer> q = waiting.get(keyGroup(k, maxParallelism));
      if (q != null && !q.isEmpty()) {
        keys[q.poll()] = k;
        left--;
      }
    }
    if (left > 0) {
      throw new IllegalStateException(
          "no key found for every one of " + shards + " key groups of " + maxParallelism);
    }
    return keys;
  }

  /**
   * The key group shard {@code i} of {@code shards} is placed in: the middle of its slice of the
   * groups, so that no shard sits on the edge of a subtask's range.
   */
  static int targetGroup(int i, int shards, int maxParallelism) {
    return (int) ((2L * i + 1) * maxParallelism / (2L * shards));
  }

  /** The key group Flink assigns an integer key of a Beam stateful step to. */
  static int keyGroup(int key, int maxParallelism) {
    return KeyGroupRangeAssignment.assignToKeyGroup(
        FlinkKey.of(key, VarIntCoder.of()), maxParallelism);
  }

  /**
   * The max parallelism the job's keyed steps will have: {@code --maxParallelism} when set, else
   * Flink's default for {@code --parallelism} (128 up to a parallelism of 85), and 128 when the
   * cluster chooses the parallelism.
   */
  public static int maxParallelism(FlinkPipelineOptions o) {
    if (o.getMaxParallelism() > 0) {
      return o.getMaxParallelism();
    }
    if (o.getParallelism() > 0) {
      return KeyGroupRangeAssignment.computeDefaultMaxParallelism(o.getParallelism());
    }
    return KeyGroupRangeAssignment.DEFAULT_LOWER_BOUND_MAX_PARALLELISM;
  }
}
