package io.fleetlearn.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @ParameterizedTest(name = "\"{0}\" = {1} ms")
  @CsvSource(
      delimiter = '|',
      value = {
        "250ms | 250",
        "0ms | 0",
        "30s | 30000",
        "5m | 300000", // 5 * 60 * 1000
        "2h | 7200000", // 2 * 3600 * 1000
        "7d | 604800000", // 7 * 86400 * 1000
        "' 30s ' | 30000",
        "5 m | 300000",
        "5M | 300000",
        "250MS | 250",
        "PT5M | 300000",
        "pt5m | 300000",
        "PT0.5S | 500",
        "P1DT2H | 93600000", // (24 + 2) * 3600 * 1000
        "PT36H | 129600000",
      })
  void parsesShortFormsAndIso8601(String text, long millis) {
    assertEquals(millis, Durations.parse(text).getMillis());
  }

  @ParameterizedTest(name = "\"{0}\" is refused")
  @ValueSource(
      strings = {
        "",
        " ",
        "5",
        "s",
        "ms",
        "1.5s",
        "5x",
        "5min",
        "five minutes",
        "P",
        "PT",
        "PTXM",
        "9223372036854775807d",
        "5 5s"
      })
  void refusesAnythingElseNamingTheAcceptedForms(String text) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Durations.parse(text));
    assertTrue(e.getMessage().startsWith("not a duration: \"" + text + "\""), e.getMessage());
    assertTrue(e.getMessage().contains("500ms, 30s, 5m, 2h, 7d or PT5M"), e.getMessage());
  }
}
