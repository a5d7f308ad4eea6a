package io.fleetlearn.app;

import io.fleetlearn.app.options.Durations;
import io.fleetlearn.app.options.SimulatorOptions;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.sim.SimulatorRunner;
import io.fleetlearn.sim.TimeSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Builds the simulator and its Kafka producer from options. */
final class SimulatorFactory {
  private SimulatorFactory() {}

  static SimulatorConfig config(SimulatorOptions o, long startMillis) {
    SimulatorConfig.Builder b =
        SimulatorConfig.builder()
            .machines(o.getMachines())
            .eventsPerSecondPerMachine(o.getEventsPerSecond())
            .seed(o.getSeed())
            .malformedRatio(o.getMalformedRatio())
            .labelRatio(o.getLabelRatio())
            .driftMagnitude(o.getDriftMagnitude())
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

  static KafkaProducer<byte[], byte[]> producer(KafkaClientConfig kafka) {
    Map<String, Object> p = kafka.asMap();
    p.putIfAbsent("acks", "all");
    p.putIfAbsent("linger.ms", "20");
    p.putIfAbsent("compression.type", "lz4");
    // Right after topics are created a partition can refuse the first batch (NOT_LEADER) while
    // later in-flight batches get OUT_OF_ORDER_SEQUENCE_NUMBER until they expire: one request in
    // flight keeps the idempotent producer in order. At the simulator's rates it costs nothing.
    p.putIfAbsent("max.in.flight.requests.per.connection", "1");
    return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  static SimulatorRunner runner(
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
