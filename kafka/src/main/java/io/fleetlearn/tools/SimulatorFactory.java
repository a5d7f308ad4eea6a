package io.fleetlearn.tools;

import io.fleetlearn.command.Durations;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaClients;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.sim.TimeSource;
import io.fleetlearn.tools.options.SimulatorOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Builds the simulator and its Kafka producer from options. */
public final class SimulatorFactory {
  private SimulatorFactory() {}

  public static SimulatorConfig config(SimulatorOptions o, long startMillis) {
    SimulatorConfig.Builder b =
        SimulatorConfig.builder()
            .machines(o.getMachines())
            .eventsPerSecondPerMachine(o.getEventsPerSecond())
            .seed(o.getSeed())
            .malformedRatio(o.getMalformedRatio())
            .labelRatio(o.getLabelRatio())
            .driftMagnitude(o.getDriftMagnitude())
            .driftChangesRelation(o.getDriftChangesRelation())
            .driftFeatures(split(o.getDriftFeatures()))
            .driftStartMillis(startMillis + Durations.parse(o.getDriftAfter()).getMillis());
    List<String> drift = split(o.getDriftMachines());
    if (!drift.isEmpty()) {
      List<Integer> indices = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (String d : drift) {
        if (d.chars().allMatch(Character::isDigit)) {
          indices.add(Integer.parseInt(d));
        } else {
          ids.add(d);
        }
      }
      if (!indices.isEmpty()) {
        b.driftMachines(indices);
      }
      if (!ids.isEmpty()) {
        b.driftMachineIds(ids.toArray(new String[0]));
      }
    }
    return b.build();
  }

  public static KafkaProducer<byte[], byte[]> producer(KafkaClientConfig kafka) {
    return KafkaClients.producer(kafka, "fleetlearn-simulator", Map.of());
  }

  public static SimulatorRunner runner(
      KafkaProducer<byte[], byte[]> producer, String topic, SimulatorConfig config) {
    return new SimulatorRunner(producer, topic, config, TimeSource.system());
  }

  private static List<String> split(String csv) {
    List<String> out = new ArrayList<>();
    for (String s : Arrays.asList(csv.split(","))) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }
}
