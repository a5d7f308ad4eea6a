package io.fleetlearn.job.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.drift.DriftThresholds;
import io.fleetlearn.job.RetrainingJob;
import org.junit.jupiter.api.Test;

class DriftOptionsTest {

  private static DriftThresholds thresholds(String... flags) {
    String[] args = new String[flags.length + 1];
    args[0] = "--bootstrapServers=kafka:9092";
    System.arraycopy(flags, 0, args, 1, flags.length);
    return RetrainingJob.config(RetrainingJob.parseOptions(args, RetrainingOptions.class)).drift();
  }

  @Test
  void theDriftFlagsReachTheDetectorsThresholds() {
    DriftThresholds t =
        thresholds(
            "--alphaWarn=0.02",
            "--alphaDrift=0.0001",
            "--psiWarn=0.05",
            "--psiDrift=0.3",
            "--labelHWarn=0.15",
            "--labelHDrift=0.4",
            "--minDriftEvents=60");

    assertEquals(0.02, t.alphaWarn());
    assertEquals(0.0001, t.alphaDrift());
    assertEquals(0.05, t.psiWarn());
    assertEquals(0.3, t.psiDrift());
    assertEquals(0.15, t.labelHWarn());
    assertEquals(0.4, t.labelHDrift());
    assertEquals(60, t.minEvents());
  }

  @Test
  void withoutFlagsAndWithTheDeployedFileTheThresholdsAreTheDefaults() {
    String defaults = DriftThresholds.defaults().toString();

    assertEquals(defaults, thresholds().toString());
    assertEquals(defaults, thresholds("--optionsFile=config/pipeline.properties").toString());
  }

  @Test
  void aDriftLevelAboveTheWarnLevelIsRefusedWithBothValues() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> thresholds("--alphaWarn=0.001", "--alphaDrift=0.01"));

    assertTrue(e.getMessage().contains("alphaDrift=0.01"), e.getMessage());
    assertTrue(e.getMessage().contains("alphaWarn=0.001"), e.getMessage());
  }
}
