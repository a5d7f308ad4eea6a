package io.fleetlearn.io;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Waits for a Kafka cluster to answer before a job is built (building it already asks Kafka for
 * partitions). Retries with exponential backoff (1 s doubling to 30 s) and says what it is waiting
 * for on each attempt, instead of failing with a stack trace or restarting in a tight loop. A
 * broker that answers but refuses the client's credentials or certificates (SASL or SSL
 * authentication, or authorization) fails at once with a message that names the settings to check;
 * the message never contains a secret (Kafka's errors do not echo them).
 */
public final class KafkaReadiness {
  private KafkaReadiness() {}

  /**
   * Returns once the cluster answers; throws {@link IllegalStateException} with the last cause
   * after {@code timeout}.
   *
   * @param progress receives one line per failed attempt
   */
  public static void await(KafkaClientConfig kafka, Duration timeout, Consumer<String> progress) {
    Map<String, Object> props = kafka.asMap();
    props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    long deadline = System.nanoTime() + timeout.toNanos();
    long backoffMillis = 1000;
    int attempt = 0;
    try (Admin admin = Admin.create(props)) {
      while (true) {
        attempt++;
        String cause;
        try {
          admin
              .describeCluster(new DescribeClusterOptions().timeoutMs(5000))
              .clusterId()
              .get(6, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException e) {
          if (e.getCause() instanceof AuthenticationException
              || e.getCause() instanceof AuthorizationException) {
            // Wrong credentials or trust settings do not heal by waiting: say so at once.
            throw new IllegalStateException(refusal(kafka, e.getCause()), e.getCause());
          }
          cause = String.valueOf(e.getCause().getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
          cause = "no answer within 6 s";
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new IllegalStateException(
              "Kafka at "
                  + kafka.bootstrapServers()
                  + " did not answer within "
                  + timeout.toSeconds()
                  + " s ("
                  + attempt
                  + " attempts); last error: "
                  + cause);
        }
        long sleep = Math.min(backoffMillis, left);
        progress.accept(
            String.format(
                "Kafka at %s is not reachable (attempt %d: %s); retrying in %d s",
                kafka.bootstrapServers(), attempt, cause, Math.max(1, sleep / 1000)));
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
        backoffMillis = Math.min(backoffMillis * 2, 30_000);
      }
    }
  }

  static String refusal(KafkaClientConfig kafka, Throwable cause) {
    Object protocol = kafka.asMap().getOrDefault("security.protocol", "PLAINTEXT");
    return "Kafka at "
        + kafka.bootstrapServers()
        + " refused the connection: "
        + cause.getClass().getSimpleName()
        + ": "
        + cause.getMessage()
        + " (security.protocol="
        + protocol
        + "; check sasl.mechanism, sasl.jaas.config and the ssl.* settings of --kafkaProperties)";
  }
}
