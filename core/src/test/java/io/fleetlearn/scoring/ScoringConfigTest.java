package io.fleetlearn.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScoringConfigTest {
  @Test
  void shardKeysAreZeroToNUnlessChosen() {
    assertArrayEquals(
        new int[] {0, 1, 2}, ScoringConfig.builder().fleetShards(3).build().shardKeys());
    int[] chosen = {40, 7, 913};
    ScoringConfig c = ScoringConfig.builder().fleetShards(3).shardKeys(chosen).build();
    assertArrayEquals(chosen, c.shardKeys());
    chosen[0] = 1; // the config keeps its own copy
    assertEquals(40, c.shardKeys()[0]);
  }

  @Test
  void aMachinesShardKeyIsTheKeyOfItsHashModuloTheShards() {
    ScoringConfig c =
        ScoringConfig.builder().fleetShards(3).shardKeys(new int[] {40, 7, 913}).build();
    for (String m : List.of("press-1", "press-2", "lathe-17", "Ω-machine", "")) {
      int[] keys = {40, 7, 913};
      assertEquals(keys[Math.floorMod(m.hashCode(), 3)], c.shardKey(m), m);
    }
  }

  @Test
  void shardKeysMustBeOnePerShardAndDistinct() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ScoringConfig.builder().fleetShards(3).shardKeys(new int[] {1, 2}).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> ScoringConfig.builder().fleetShards(3).shardKeys(new int[] {1, 2, 1}).build());
  }
}
