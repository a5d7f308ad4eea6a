package io.fleetlearn.io.transactional;

import java.util.Optional;

/**
 * How far a shard's writer has committed: the writer generation and the highest sequence number in
 * a committed transaction. Kept as the metadata of the sink group's offset for the shard, which
 * each transaction commits atomically with its records, in the form {@code fleetlearn-sink/1
 * writer=<id> seq=<n>}.
 */
record ShardProgress(String writer, long seq) {
  private static final String PREFIX = "fleetlearn-sink/1 ";

  String toMetadata() {
    return PREFIX + "writer=" + writer + " seq=" + seq;
  }

  /** Empty when the metadata is absent or was not written by this sink (e.g. by KafkaIO's). */
  static Optional<ShardProgress> parse(String metadata) {
    if (metadata == null || !metadata.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = metadata.substring(PREFIX.length()).split(" ");
    if (parts.length != 2 || !parts[0].startsWith("writer=") || !parts[1].startsWith("seq=")) {
      return Optional.empty();
    }
    String writer = parts[0].substring("writer=".length());
    if (writer.isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ShardProgress(writer, Long.parseLong(parts[1].substring(4))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The highest sequence number of {@code writer} known to be committed, or -1 when nothing of that
   * generation is: progress of another generation says nothing about this one.
   */
  static long committedFor(String writer, Optional<ShardProgress> kafka, ShardProgress state) {
    long committed = -1;
    if (kafka.isPresent() && kafka.get().writer().equals(writer)) {
      committed = kafka.get().seq();
    }
    if (state != null && state.writer().equals(writer)) {
      committed = Math.max(committed, state.seq());
    }
    return committed;
  }
}
