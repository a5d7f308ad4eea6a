package io.fleetlearn.io.transactional;

import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How far a shard's writers have committed: the writer generation of the last transaction and the
 * highest sequence number it committed, plus the same for the generation before it (a job restored
 * from a savepoint still replays records its predecessor numbered). Kept as the metadata of the
 * sink group's offset for the shard, which each transaction commits atomically with its records, in
 * the form {@code fleetlearn-sink/1 writer=<id> seq=<n> [prev=<id>:<n>]}.
 */
record ShardProgress(String writer, long seq, @Nullable String previousWriter, long previousSeq) {
  private static final String PREFIX = "fleetlearn-sink/1 ";

  ShardProgress(String writer, long seq) {
    this(writer, seq, null, -1);
  }

  String toMetadata() {
    return PREFIX
        + "writer="
        + writer
        + " seq="
        + seq
        + (previousWriter == null ? "" : " prev=" + previousWriter + ":" + previousSeq);
  }

  /** The progress once {@code writer} has committed up to {@code seq} on top of this one. */
  ShardProgress after(String writer, long seq) {
    return writer.equals(this.writer)
        ? new ShardProgress(writer, seq, previousWriter, previousSeq)
        : new ShardProgress(writer, seq, this.writer, this.seq);
  }

  /** Empty when the metadata is absent or was not written by this sink (e.g. by KafkaIO's). */
  static Optional<ShardProgress> parse(String metadata) {
    if (metadata == null || !metadata.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = metadata.substring(PREFIX.length()).split(" ");
    if (parts.length < 2
        || parts.length > 3
        || !parts[0].startsWith("writer=")
        || !parts[1].startsWith("seq=")) {
      return Optional.empty();
    }
    String writer = parts[0].substring("writer=".length());
    if (writer.isEmpty()) {
      return Optional.empty();
    }
    try {
      long seq = Long.parseLong(parts[1].substring("seq=".length()));
      if (parts.length == 2) {
        return Optional.of(new ShardProgress(writer, seq));
      }
      if (!parts[2].startsWith("prev=")) {
        return Optional.empty();
      }
      String prev = parts[2].substring("prev=".length());
      int colon = prev.lastIndexOf(':');
      if (colon <= 0) {
        return Optional.empty();
      }
      return Optional.of(
          new ShardProgress(
              writer, seq, prev.substring(0, colon), Long.parseLong(prev.substring(colon + 1))));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * The highest sequence number of {@code writer} known to be committed, or -1 when nothing of that
   * generation is: progress of another generation says nothing about this one.
   */
  static long committedFor(
      String writer, Optional<ShardProgress> kafka, @Nullable ShardProgress state) {
    long committed = -1;
    if (kafka.isPresent()) {
      ShardProgress k = kafka.get();
      if (k.writer().equals(writer)) {
        committed = k.seq();
      } else if (writer.equals(k.previousWriter())) {
        committed = k.previousSeq();
      }
    }
    if (state != null && state.writer().equals(writer)) {
      committed = Math.max(committed, state.seq());
    }
    return committed;
  }
}
