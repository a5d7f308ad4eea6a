package io.fleetlearn.tools;

import io.fleetlearn.command.Command;
import io.fleetlearn.command.Durations;
import io.fleetlearn.io.KafkaClientConfig;
import io.fleetlearn.io.KafkaReadiness;
import io.fleetlearn.io.TopicAdmin;
import io.fleetlearn.sim.SimulatorConfig;
import io.fleetlearn.tools.options.KafkaOptions;
import io.fleetlearn.tools.options.SimulatorOptions;
import java.io.PrintStream;
import java.util.List;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.kafka.clients.producer.KafkaProducer;

/** {@code simulate}: produces simulated sensor events in real time to an existing Kafka. */
public final class SimulateCommand extends Command {
  public SimulateCommand() {
    super(
        "simulate",
        "produce simulated sensor events to an existing Kafka",
        "Produces simulated sensor events in real time to an existing Kafka (--bootstrapServers is\n"
            + "required), creating the product's topics that are missing.");
  }

  @Override
  public List<Class<? extends PipelineOptions>> options() {
    return List.of(SimulatorOptions.class, KafkaOptions.class);
  }

  @Override
  public int run(String[] args, PrintStream out) throws Exception {
    SimulatorOptions o = parse(args, SimulatorOptions.class);
    KafkaClientConfig kafka = KafkaClientConfig.of(o.getBootstrapServers(), o.getKafkaProperties());
    KafkaReadiness.await(
        kafka,
        java.time.Duration.ofMillis(Durations.parse(o.getKafkaWaitTimeout()).getMillis()),
        out::println);
    TopicAdmin.createTopics(kafka.asMap(), Topics.of(o));
    SimulatorConfig config = SimulatorFactory.config(o, System.currentTimeMillis());
    long duration = Durations.parse(o.getDuration()).getMillis();
    out.println("Simulating " + config + " → " + o.getSensorEventsTopic());
    try (KafkaProducer<byte[], byte[]> producer = SimulatorFactory.producer(kafka);
        SimulatorRunner runner =
            SimulatorFactory.runner(producer, o.getSensorEventsTopic(), config)) {
      Thread loop = new Thread(runner, "simulator");
      loop.start();
      Thread hook = new Thread(runner::stop);
      Runtime.getRuntime().addShutdownHook(hook);
      loop.join(duration > 0 ? duration : 0);
      runner.stop();
      loop.join();
      out.printf(
          "sent %d events (%d malformed, %d labelled), %d failed%n",
          runner.getSent(), runner.getMalformed(), runner.getLabelled(), runner.getFailed());
      return runner.getFailed() > 0 ? 1 : 0;
    }
  }
}
