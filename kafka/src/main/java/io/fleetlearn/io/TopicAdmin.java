package io.fleetlearn.io;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent topic creation: creates the topics that are missing, leaves existing ones as they are,
 * and returns only once every partition of every requested topic has a leader, so a producer
 * started right after does not race the metadata propagation.
 */
public final class TopicAdmin {
  /** How long {@link #createTopics(Map, List)} waits in total. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
  private static final long POLL_MILLIS = 100;

  private TopicAdmin() {}

  /** Creates the missing topics with an admin client built from {@code adminProps}. */
  public static void createTopics(Map<String, Object> adminProps, List<TopicSpec> specs) {
    createTopics(adminProps, specs, DEFAULT_TIMEOUT);
  }

  /** As {@link #createTopics(Map, List)} with an explicit overall timeout. */
  public static void createTopics(
      Map<String, Object> adminProps, List<TopicSpec> specs, Duration timeout) {
    try (Admin admin = Admin.create(adminProps)) {
      createTopics(admin, specs, timeout);
    }
  }

  /**
   * Creates the missing topics with an existing admin client (which stays open).
   *
   * @throws TimeoutException if the topics are not created and led within {@code timeout}
   * @throws KafkaException if the cluster rejects a topic for another reason than that it exists
   */
  public static void createTopics(Admin admin, List<TopicSpec> specs, Duration timeout) {
    if (specs.isEmpty()) {
      return;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    List<NewTopic> newTopics = specs.stream().map(TopicSpec::toNewTopic).toList();
    CreateTopicsResult result =
        admin.createTopics(
            newTopics, new CreateTopicsOptions().timeoutMs((int) remainingMillis(deadline)));
    List<String> created = new ArrayList<>();
    for (TopicSpec spec : specs) {
      try {
        result.values().get(spec.name()).get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        created.add(spec.name());
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new KafkaException("could not create topic " + spec.name(), e.getCause());
        }
        // Existing topics are left alone on purpose: changing partitions or configs of a live
        // topic is an operator decision, not something a restarting job should do silently.
        LOG.debug("topic {} already exists", spec.name());
      } catch (java.util.concurrent.TimeoutException e) {
        throw new TimeoutException("timed out creating topic " + spec.name(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptException(e);
      }
    }
    if (!created.isEmpty()) {
      LOG.info("created topics {}", created);
    }
    awaitLeaders(admin, specs.stream().map(TopicSpec::name).collect(Collectors.toSet()), deadline);
  }

  // The controller acknowledges a creation before every broker has applied the new metadata;
  // waiting for leaders closes that window.
  private static void awaitLeaders(Admin admin, Set<String> names, long deadline) {
    Throwable last = null;
    while (true) {
      try {
        Map<String, TopicDescription> descriptions =
            admin
                .describeTopics(names)
                .allTopicNames()
                .get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        if (descriptions.values().stream().allMatch(TopicAdmin::allPartitionsLed)) {
          return;
        }
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
          throw new KafkaException("could not describe topics " + names, e.getCause());
        }
        last = e.getCause();
      } catch (java.util.concurrent.TimeoutException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptException(e);
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new TimeoutException("topics " + names + " have no leader yet", last);
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptException(e);
      }
    }
  }

  /**
   * Checks that each exactly-once output topic has at least {@code shards} partitions (each shard
   * keeps its progress under the partition of its number), so that a wrong {@code --sinkShards}
   * stops the job at start with a message rather than at its first output.
   *
   * @throws IllegalArgumentException naming the topics with too few partitions
   */
  public static void checkSinkShards(
      Map<String, Object> adminProps, int shards, List<String> topics) {
    List<String> names = topics.stream().filter(t -> t != null && !t.isEmpty()).toList();
    if (names.isEmpty() || shards <= 1) {
      return;
    }
    Map<String, Integer> partitions = new java.util.TreeMap<>();
    try (Admin admin = Admin.create(adminProps)) {
      admin
          .describeTopics(names)
          .allTopicNames()
          .get(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
          .forEach((name, d) -> partitions.put(name, d.partitions().size()));
    } catch (ExecutionException e) {
      throw new KafkaException("could not describe topics " + names, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptException(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new TimeoutException("could not describe topics " + names, e);
    }
    sinkShardsProblem(shards, partitions)
        .ifPresent(
            problem -> {
              throw new IllegalArgumentException(problem);
            });
  }

  /** The message for topics with fewer partitions than {@code shards}, if any. */
  static java.util.Optional<String> sinkShardsProblem(int shards, Map<String, Integer> partitions) {
    List<String> tooFew =
        partitions.entrySet().stream()
            .filter(e -> e.getValue() < shards)
            .map(e -> e.getKey() + " (" + e.getValue() + ")")
            .toList();
    return tooFew.isEmpty()
        ? java.util.Optional.empty()
        : java.util.Optional.of(
            "--sinkShards="
                + shards
                + " needs at least "
                + shards
                + " partitions in every exactly-once output topic; too few in "
                + String.join(", ", tooFew)
                + ": lower --sinkShards or add partitions");
  }

  private static boolean allPartitionsLed(TopicDescription description) {
    List<TopicPartitionInfo> partitions = description.partitions();
    return !partitions.isEmpty()
        && partitions.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
  }

  // At least 1 ms: a spent deadline still lets an already completed future answer, and admin
  // options reject non-positive timeouts.
  private static long remainingMillis(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }
}
