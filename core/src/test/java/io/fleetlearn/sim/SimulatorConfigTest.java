package io.fleetlearn.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {
  @Test
  void hasTheDocumentedDefaults() {
    SimulatorConfig c = SimulatorConfig.builder().build();
    assertEquals(8, c.machines());
    assertEquals(20, c.eventsPerSecondPerMachine());
    assertEquals(160, c.eventsPerSecond());
    assertEquals(42, c.seed());
    assertEquals(List.of("temperature", "vibration", "pressure", "current"), c.features());
    assertEquals("press-", c.machineIdPrefix());
    assertEquals(Set.of(), c.driftMachines());
    assertEquals(3, c.driftMagnitude());
    assertEquals(List.of("vibration"), c.driftFeatures());
    assertTrue(c.driftChangesRelation());
    assertEquals(0, c.malformedRatio());
    assertEquals(1.0, c.labelRatio());
    assertEquals(0, c.epochMillisRatio());
  }

  @Test
  void namesMachinesWithZeroPaddedIndices() {
    SimulatorConfig c = SimulatorConfig.builder().build();
    assertEquals("press-000", c.machineId(0));
    assertEquals("press-007", c.machineId(7));
    assertEquals(7, c.machineIndex("press-007"));
    assertEquals(-1, c.machineIndex("press-008"));
    assertEquals(-1, c.machineIndex("press-7"));
    assertEquals(-1, c.machineIndex("drill-007"));
    SimulatorConfig big = SimulatorConfig.builder().machines(1500).machineIdPrefix("m").build();
    assertEquals("m0042", big.machineId(42));
    assertEquals(1499, big.machineIndex("m1499"));
    assertThrows(IndexOutOfBoundsException.class, () -> big.machineId(1500));
  }

  @Test
  void resolvesDriftMachinesByIndexOrId() {
    SimulatorConfig byId =
        SimulatorConfig.builder().driftMachineIds("press-005", "press-002").build();
    assertEquals(Set.of(2, 5), byId.driftMachines());
    assertTrue(byId.isDriftMachine(5));
    assertFalse(byId.isDriftMachine(4));
    SimulatorConfig byIndex = SimulatorConfig.builder().driftMachines(1, 6).build();
    assertEquals(Set.of(1, 6), byIndex.driftMachines());
    // Ids resolve against the final prefix, whatever the order of the builder calls.
    SimulatorConfig prefixLater =
        SimulatorConfig.builder().driftMachineIds("cnc-001").machineIdPrefix("cnc-").build();
    assertEquals(Set.of(1), prefixLater.driftMachines());
    assertEquals(byIndex.driftMachines(), byIndex.toBuilder().build().driftMachines());
    SimulatorConfig both =
        SimulatorConfig.builder()
            .driftMachines(List.of(0, 3))
            .driftMachineIds("press-003", "press-004")
            .build();
    assertEquals(Set.of(0, 3, 4), both.driftMachines());
    assertEquals(
        Set.of(4),
        both.toBuilder().driftMachines().driftMachineIds("press-004").build().driftMachines());
  }

  @Test
  void rejectsSettingsOutOfRange() {
    assertThrows(
        IllegalArgumentException.class, () -> SimulatorConfig.builder().machines(0).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> SimulatorConfig.builder().eventsPerSecondPerMachine(0).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> SimulatorConfig.builder().eventsPerSecondPerMachine(Double.NaN).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> SimulatorConfig.builder().malformedRatio(1.5).build());
    assertThrows(
        IllegalArgumentException.class, () -> SimulatorConfig.builder().labelRatio(-0.1).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> SimulatorConfig.builder().driftMagnitude(Double.POSITIVE_INFINITY).build());
    assertThrows(
        IllegalArgumentException.class, () -> SimulatorConfig.builder().driftMachines(8).build());
    assertThrows(
        IllegalArgumentException.class,
        () -> SimulatorConfig.builder().driftMachineIds("press-999").build());
    assertThrows(
        IllegalArgumentException.class,
        () -> SimulatorConfig.builder().driftFeatures("humidity").build());
    assertThrows(
        IllegalArgumentException.class,
        () -> SimulatorConfig.builder().features("temperature", "temperature").build());
    assertThrows(
        IllegalArgumentException.class, () -> SimulatorConfig.builder().features().build());
    // Machine ids must satisfy the contract's pattern.
    assertThrows(
        IllegalArgumentException.class,
        () -> SimulatorConfig.builder().machineIdPrefix("press 1/").build());
  }
}
