package io.fleetlearn.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsFileTest {
  @TempDir Path dir;

  @Test
  void createsAMissingFileWithTheSectionUnderATitle() throws Exception {
    Path f = dir.resolve("B.md");
    ResultsFile.write(f, "## Results\n\n| a |\n");
    assertEquals(
        "# Benchmarks\n\n" + ResultsFile.BEGIN + "\n## Results\n\n| a |\n" + ResultsFile.END + "\n",
        Files.readString(f, StandardCharsets.UTF_8));
  }

  @Test
  void replacesOnlyTheMeasuredSectionAndKeepsEverythingAroundIt() throws Exception {
    Path f = dir.resolve("B.md");
    Files.writeString(
        f,
        "# Benchmarks\n\nanalysis\n\n"
            + ResultsFile.BEGIN
            + "\nold numbers\n"
            + ResultsFile.END
            + "\n\n## Scoring\n\nkept\n");
    ResultsFile.write(f, "new numbers");
    assertEquals(
        "# Benchmarks\n\nanalysis\n\n"
            + ResultsFile.BEGIN
            + "\nnew numbers\n"
            + ResultsFile.END
            + "\n\n## Scoring\n\nkept\n",
        Files.readString(f, StandardCharsets.UTF_8));
  }

  @Test
  void appendsTheSectionToAFileWithoutMarkers() throws Exception {
    Path f = dir.resolve("B.md");
    Files.writeString(f, "# Notes\n\ntext\n");
    ResultsFile.write(f, "numbers");
    assertEquals(
        "# Notes\n\ntext\n\n" + ResultsFile.BEGIN + "\nnumbers\n" + ResultsFile.END + "\n",
        Files.readString(f, StandardCharsets.UTF_8));
  }
}
