package io.fleetlearn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.cli.options.SoakOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class SoakCommandTest {
  @Test
  void runsAtTwiceTheSustainableRateForTenMinutesUnlessToldOtherwise() {
    SoakOptions o = new SoakCommand().parse(new String[] {"--windowSize=1m"}, SoakOptions.class);
    assertEquals(2.0 * SoakCommand.SUSTAINABLE_RATE, o.getRate());
    assertEquals("10m", o.getDuration());
    assertEquals("1m", o.getWindowSize(), "an explicit flag wins");
    assertEquals("3m", o.getStateRetention());
    assertEquals("benchmarks/soak.md", o.getOutput());
  }

  @Test
  void everyReportRowHasTheHeadersColumns() {
    SoakCommand.Sample s = new SoakCommand.Sample();
    s.phase = "load";
    s.outputLag = Double.NaN;
    String[] header = SoakCommand.header().split("\n");
    int columns = header[0].split("\\|", -1).length;
    for (String line : List.of(header[1], SoakCommand.row(s))) {
      assertEquals(columns, line.split("\\|", -1).length, line);
    }
    assertTrue(SoakCommand.row(s).contains("NaN"), "an unknown lag stays visible");
  }
}
