package io.fleetlearn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PortRangeTest {
  @Test
  void parsesSinglePortsRangesAndAnyFreePort() {
    assertEquals(PortRange.of(9250, 9259), PortRange.parse("9250-9259"));
    assertEquals(10, PortRange.parse(" 9250 - 9259 ").size());
    assertEquals(PortRange.of(9260, 9260), PortRange.parse("9260"));
    assertTrue(PortRange.parse("0").isAnyFree());
    assertEquals("9250-9259", PortRange.parse("9250-9259").toString());
    assertEquals("9260", PortRange.parse("9260").toString());
  }

  @Test
  void refusesWhatIsNotAPortRange() {
    for (String bad : new String[] {"", "abc", "9259-9250", "70000", "-1", "0-10", "1-2000"}) {
      assertThrows(IllegalArgumentException.class, () -> PortRange.parse(bad), bad);
    }
  }

  @Test
  void disabledConfigOpensNoEndpointButKeepsDefaults() {
    MetricsConfig c = MetricsConfig.disabled();
    assertEquals(false, c.enabled());
    assertEquals(MetricsConfig.DEFAULT_BIND_ADDRESS, c.bindAddress());
    assertEquals(
        MetricsConfig.endpoint("127.0.0.1", "0"), MetricsConfig.of(true, "127.0.0.1", "0"));
    assertThrows(IllegalArgumentException.class, () -> MetricsConfig.endpoint(" ", "0"));
  }
}
