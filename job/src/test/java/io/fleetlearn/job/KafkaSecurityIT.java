package io.fleetlearn.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fleetlearn.command.CommandLine;
import io.fleetlearn.io.embedded.EmbeddedKafkaBroker;
import io.fleetlearn.testing.flink.FlinkJobs;
import io.fleetlearn.testing.kafka.TlsFiles;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product against a broker that only lets authenticated clients in: SASL/PLAIN over TLS on a
 * real broker (a self-signed certificate for 127.0.0.1, made with keytool). Every client of the
 * product gets its security settings from one {@code --kafkaProperties} file: {@code topics},
 * {@code simulate} and {@code consume}, and the retraining job on the Flink runner (its KafkaIO
 * source and its exactly-once sinks). A wrong password fails at once with a clear message, and no
 * secret ever appears in what the product prints or logs.
 */
class KafkaSecurityIT {
  private static final String LISTENER = "SASL_SSL";
  private static final String PREFIX = "sec-";
  private static final String USER = "fleetlearn";

  @TempDir Path dir;

  private final String password = "user-pw-" + UUID.randomUUID();
  private final String wrongPassword = "wrong-pw-" + UUID.randomUUID();
  private final String keyStorePassword = "ks-pw-" + UUID.randomUUID();
  private final String trustStorePassword = "ts-pw-" + UUID.randomUUID();

  /** Everything the JVM prints while the test runs (System.out, System.err, slf4j's log lines). */
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  @Test
  void allClientsWorkOverSaslSslAndAWrongPasswordFailsClearlyWithoutLeakingSecrets()
      throws Exception {
    TlsFiles tls = TlsFiles.create(dir, keyStorePassword, trustStorePassword);
    Path good = clientProperties("client.properties", tls, password);
    Path bad = clientProperties("wrong.properties", tls, wrongPassword);
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
    PrintStream out = tee(stdout);
    System.setOut(out);
    System.setErr(tee(stderr));
    try (EmbeddedKafkaBroker broker = saslSslBroker(tls)) {
      String sasl = broker.bootstrapServers(LISTENER);
      List<String> kafka = List.of("--bootstrapServers=" + sasl, "--kafkaProperties=" + good);

      // (a) every client through the SASL_SSL listener, configured by the properties file
      int created =
          Main.run(
              args(
                      kafka,
                      "topics",
                      "--sensorEventsTopic=" + PREFIX + "events",
                      "--modelUpdatesTopic=" + PREFIX + "updates",
                      "--driftMetricsTopic=" + PREFIX + "drift",
                      "--deadLetterTopic=" + PREFIX + "dlq",
                      "--topicPartitions=2")
                  .toArray(new String[0]),
              out);
      assertTrue(created == 0, "topics created");
      CompletableFuture<Integer> simulator =
          CompletableFuture.supplyAsync(
              () ->
                  run(
                      args(
                          kafka,
                          "simulate",
                          "--sensorEventsTopic=" + PREFIX + "events",
                          "--machines=2",
                          "--eventsPerSecond=40",
                          "--duration=50s"),
                      out));
      Thread.sleep(3000);
      PipelineResult job =
          FlinkJobs.start(
              sasl,
              PREFIX,
              "--kafkaProperties=" + good,
              "--windowSize=10s",
              "--checkpointingInterval=1000");
      try {
        ByteArrayOutputStream consumed = new ByteArrayOutputStream();
        int code =
            Main.run(
                args(
                        kafka,
                        "consume",
                        "--modelUpdatesTopic=" + PREFIX + "updates",
                        "--fromBeginning=true",
                        // Two windows of each machine: the first one may hold only the last
                        // moments of the simulator's first window (SKIPPED, too few events).
                        "--maxRecords=4",
                        "--duration=150s")
                    .toArray(new String[0]),
                new PrintStream(consumed, true, StandardCharsets.UTF_8));
        String updates = consumed.toString(StandardCharsets.UTF_8);
        out.println(updates);
        assertTrue(code == 0, updates);
        assertTrue(
            updates.contains("4 record(s)"), "model updates arrive over SASL_SSL: " + updates);
        assertTrue(updates.contains("PROMOTED"), updates);
        assertTrue(simulator.get(90, TimeUnit.SECONDS) == 0, "simulator sent without failures");
      } finally {
        job.cancel();
      }

      // (b) a wrong password: a clear error at once, from the job and from the commands
      for (String command : List.of("run", "simulate", "consume")) {
        List<String> wrong =
            args(
                List.of("--bootstrapServers=" + sasl, "--kafkaProperties=" + bad),
                command,
                "--kafkaWaitTimeout=2m");
        long begin = System.nanoTime();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);
        assertEquals(
            CommandLine.FAILURE, Main.run(wrong.toArray(new String[0]), out, err), command);
        String error = errBytes.toString(StandardCharsets.UTF_8);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - begin);
        out.println(command + " with a wrong password: " + error);
        assertTrue(seconds < 60, command + " gave up after " + seconds + " s, not at once");
        assertTrue(error.contains("refused") && error.contains("Authentication failed"), error);
        assertFalse(error.contains(wrongPassword), error);
      }

      // (c) no secret in anything printed or logged, by the product or the broker
      out.flush();
      String log = captured.toString(StandardCharsets.UTF_8);
      // The capture works: the redacted client configuration that `run` logs is in it.
      assertTrue(log.contains("sasl.jaas.config=[redacted]"), "run logs its redacted config");
      String brokerLog = Files.readString(broker.logFile());
      for (String secret : List.of(password, wrongPassword, keyStorePassword, trustStorePassword)) {
        assertFalse(log.contains(secret), "a secret was printed or logged");
        assertFalse(brokerLog.contains(secret), "a secret is in the broker's log");
      }
    } finally {
      System.setOut(stdout);
      System.setErr(stderr);
    }
  }

  private EmbeddedKafkaBroker saslSslBroker(TlsFiles tls) {
    String l = "listener.name." + LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
    return EmbeddedKafkaBroker.builder(dir.resolve("kafka"))
        .partitions(2)
        .listener(LISTENER, "SASL_SSL")
        .serverProperty(l + "sasl.enabled.mechanisms", "PLAIN")
        .serverProperty(
            l + "plain.sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required user_"
                + USER
                + "=\""
                + password
                + "\";")
        .serverProperty(l + "ssl.keystore.type", "PKCS12")
        .serverProperty(l + "ssl.keystore.location", tls.keyStore.toString())
        .serverProperty(l + "ssl.keystore.password", tls.keyStorePassword)
        .serverProperty(l + "ssl.key.password", tls.keyStorePassword)
        .start();
  }

  private Path clientProperties(String name, TlsFiles tls, String pw) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(
        file,
        String.join(
            "\n",
            "security.protocol=SASL_SSL",
            "sasl.mechanism=PLAIN",
            "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\""
                + USER
                + "\" password=\""
                + pw
                + "\";",
            "ssl.truststore.type=PKCS12",
            "ssl.truststore.location=" + tls.trustStore.toString().replace("\\", "\\\\"),
            "ssl.truststore.password=" + tls.trustStorePassword,
            ""));
    return file;
  }

  private static List<String> args(List<String> kafka, String command, String... more) {
    List<String> all = new ArrayList<>();
    all.add(command);
    all.addAll(kafka);
    for (String m : more) {
      String flag = m.substring(0, m.indexOf('=') + 1);
      all.removeIf(a -> a.startsWith(flag));
      all.add(m);
    }
    return all;
  }

  private static int run(List<String> args, PrintStream out) {
    try {
      return Main.run(args.toArray(new String[0]), out);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private PrintStream tee(PrintStream original) {
    OutputStream both =
        new OutputStream() {
          @Override
          public void write(int b) {
            synchronized (captured) {
              captured.write(b);
            }
            original.write(b);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            synchronized (captured) {
              captured.write(b, off, len);
            }
            original.write(b, off, len);
          }

          @Override
          public void flush() {
            original.flush();
          }
        };
    return new PrintStream(both, true, StandardCharsets.UTF_8);
  }
}
