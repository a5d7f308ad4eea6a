package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.job.options.RetrainingOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.junit.jupiter.api.Test;

/** The runner settings the job chooses for itself, and that explicit flags override. */
class RunnerDefaultsTest {
  private static FlinkPipelineOptions parse(String... args) {
    return RetrainingJob.parseOptions(args, RetrainingOptions.class).as(FlinkPipelineOptions.class);
  }

  @Test
  void reusesObjectsBetweenChainedOperatorsUnlessTold() {
    assertTrue(parse().getObjectReuse());
    assertFalse(parse("--objectReuse=false").getObjectReuse());
  }

  @Test
  void shortBundlesAndBundlesClosedAtEachCheckpointSoTheWatermarkMovesUnlessTold() {
    FlinkPipelineOptions o = parse();
    assertEquals(RetrainingJob.DEFAULT_MAX_BUNDLE_TIME_MILLIS, o.getMaxBundleTimeMills());
    assertTrue(o.getMaxBundleTimeMills() < 1000, "shorter than the runner's own default");
    assertTrue(o.getFinishBundleBeforeCheckpointing());

    FlinkPipelineOptions told =
        parse("--maxBundleTimeMills=1000", "--finishBundleBeforeCheckpointing=false");
    assertEquals(1000, told.getMaxBundleTimeMills());
    assertFalse(told.getFinishBundleBeforeCheckpointing());
  }

  @Test
  void embeddedJobsCheckpointToFilesNotToTheJobManagersMemory() {
    FlinkPipelineOptions o = parse();
    assertEquals("filesystem", o.getStateBackend());
    Path dir = Path.of(URI.create(o.getStateBackendStoragePath()));
    assertTrue(Files.isDirectory(dir), dir.toString());
    assertEquals(o.getStateBackendStoragePath(), parse().getStateBackendStoragePath());
  }

  @Test
  void aChosenStateBackendOrAClusterIsLeftAlone() {
    FlinkPipelineOptions rocks =
        parse("--stateBackend=rocksdb", "--stateBackendStoragePath=file:///var/ckpt");
    assertEquals("rocksdb", rocks.getStateBackend());
    assertEquals("file:///var/ckpt", rocks.getStateBackendStoragePath());
    assertNull(parse("--flinkMaster=127.0.0.1:8081").getStateBackend());
  }
}
