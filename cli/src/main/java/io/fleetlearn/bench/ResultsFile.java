package io.fleetlearn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The benchmark results file: a Markdown document whose measured section, between {@link #BEGIN}
 * and {@link #END}, each run replaces. Everything around it (analysis, before/after notes, other
 * sections) is kept; a missing file is created with the section alone under a title.
 */
public final class ResultsFile {
  public static final String BEGIN = "<!-- bench:begin -->";
  public static final String END = "<!-- bench:end -->";

  private ResultsFile() {}

  /** Writes {@code section} (without markers) into {@code file}. */
  public static void write(Path file, String section) throws IOException {
    String block = BEGIN + "\n" + section.strip() + "\n" + END;
    String text;
    if (Files.exists(file)) {
      String old = Files.readString(file, StandardCharsets.UTF_8);
      int b = old.indexOf(BEGIN);
      int e = old.indexOf(END);
      if (b >= 0 && e > b) {
        text = old.substring(0, b) + block + old.substring(e + END.length());
      } else {
        text = old.stripTrailing() + "\n\n" + block + "\n";
      }
    } else {
      text = "# Benchmarks\n\n" + block + "\n";
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }
}
