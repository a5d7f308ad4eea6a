package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.command.OptionsFile;
import io.fleetlearn.job.options.RetrainingOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OptionsFileTest {
  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("pipeline.properties");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void fileOptionsComeFirstAndTheCommandLineWins() throws Exception {
    Path f = file("# comment\nwindowSize = 5m\nrounds=30\n\ncheckpointingMode = EXACTLY_ONCE\n");
    String[] out =
        OptionsFile.expand(new String[] {"--optionsFile=" + f, "--rounds=10", "--idleTimeout=2s"});
    assertArrayEquals(
        new String[] {
          "--checkpointingMode=EXACTLY_ONCE", "--windowSize=5m", "--rounds=10", "--idleTimeout=2s"
        },
        out);
  }

  @Test
  void argumentsWithoutTheFlagAreUnchanged() {
    String[] args = {"--rounds=10"};
    assertArrayEquals(args, OptionsFile.expand(args));
  }

  @Test
  void refusesDashedNamesADuplicateFlagAndAMissingFile() throws Exception {
    Path f = file("--windowSize=5m\n");
    assertThrows(
        IllegalArgumentException.class,
        () -> OptionsFile.expand(new String[] {"--optionsFile=" + f}));
    assertThrows(
        IllegalArgumentException.class,
        () -> OptionsFile.expand(new String[] {"--optionsFile=" + f, "--optionsFile=" + f}));
    IllegalArgumentException missing =
        assertThrows(
            IllegalArgumentException.class,
            () -> OptionsFile.expand(new String[] {"--optionsFile=" + dir.resolve("missing")}));
    assertTrue(missing.getMessage().contains("cannot read the options file"), missing.getMessage());
  }

  @Test
  void theDeployedPipelineOptionsParse() {
    RetrainingOptions o =
        RetrainingJob.parseOptions(
            new String[] {
              "--optionsFile=config/pipeline.properties",
              "--bootstrapServers=kafka:9092",
              "--windowSize=1m"
            },
            RetrainingOptions.class);
    FlinkPipelineOptions flink = o.as(FlinkPipelineOptions.class);
    assertEquals("1m", o.getWindowSize(), "the command line wins");
    assertEquals(60_000L, flink.getCheckpointingInterval(), "the file's interval, not the default");
    assertEquals("EXACTLY_ONCE", flink.getCheckpointingMode());
    assertTrue(flink.isExternalizedCheckpointsEnabled());
    assertTrue(flink.getRetainExternalizedCheckpointsOnCancellation());
    assertEquals(128, flink.getMaxParallelism());
  }
}
