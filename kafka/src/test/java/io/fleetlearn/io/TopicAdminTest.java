package io.fleetlearn.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class TopicAdminTest {
  @Test
  void sinkShardsNeedAPartitionEachInEveryOutputTopic() {
    Map<String, Integer> partitions = new TreeMap<>();
    partitions.put("model-updates", 4);
    partitions.put("drift-metrics", 2);
    assertEquals(Optional.empty(), TopicAdmin.sinkShardsProblem(2, partitions));
    String problem = TopicAdmin.sinkShardsProblem(3, partitions).orElseThrow();
    assertTrue(problem.startsWith("--sinkShards=3 needs at least 3 partitions"), problem);
    assertTrue(problem.contains("drift-metrics (2)"), problem);
    assertTrue(!problem.contains("model-updates"), problem);
  }
}
