package io.fleetlearn.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Data sets of the tests, as files: they may be read from a jar on other modules' classpaths. */
public final class TestData {
  private static Path ai4i;

  private TestData() {}

  /**
   * The AI4I 2020 Predictive Maintenance Dataset (S. Matzka, UCI Machine Learning Repository, CC BY
   * 4.0) as a file.
   */
  public static synchronized Path ai4iCsv() {
    if (ai4i == null) {
      try (InputStream in = TestData.class.getResourceAsStream("/ai4i2020/ai4i2020.csv")) {
        if (in == null) {
          throw new IllegalStateException("ai4i2020.csv is not on the classpath");
        }
        Path f = Files.createTempFile("ai4i2020-", ".csv");
        f.toFile().deleteOnExit();
        Files.copy(in, f, StandardCopyOption.REPLACE_EXISTING);
        ai4i = f;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return ai4i;
  }
}
