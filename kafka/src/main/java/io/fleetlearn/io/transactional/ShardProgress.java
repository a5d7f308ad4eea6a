package io.fleetlearn.io.transactional;

import java.util.Optional;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * How far a shard's writers have committed: the writer generation of the last transaction and the
 * highest sequence number it committed, plus the same for the generation before it (a job restored
 * from a savepoint still replays records its predecessor numbered). It also names the generation
 * that owns the shard's transactional id ({@code owner}, the last one to open it) and the owner
 * before it ({@code from}), which is how a second job started with the same deployment id is told
 * apart from a job that replaced its predecessor (see {@link WriteInTransactionsFn}).
 *
 * <p>Kept as the metadata of the sink group's offset for the shard, which each transaction commits
 * atomically with its records, in the form {@code fleetlearn-sink/1 writer=<id> seq=<n>
 * [prev=<id>:<n>] [owner=<id>] [from=<id>]}.
 */
record ShardProgress(
    String writer,
    long seq,
    @Nullable String previousWriter,
    long previousSeq,
    @Nullable String owner,
    @Nullable String previousOwner) {
  private static final String PREFIX = "fleetlearn-sink/1 ";

  ShardProgress(String writer, long seq) {
    this(writer, seq, null, -1);
  }

  ShardProgress(String writer, long seq, @Nullable String previousWriter, long previousSeq) {
    this(writer, seq, previousWriter, previousSeq, null, null);
  }

  String toMetadata() {
    return PREFIX
        + "writer="
        + writer
        + " seq="
        + seq
        + (previousWriter == null ? "" : " prev=" + previousWriter + ":" + previousSeq)
        + (owner == null ? "" : " owner=" + owner)
        + (previousOwner == null ? "" : " from=" + previousOwner);
  }

  /** The progress once {@code writer} has committed up to {@code seq} on top of this one. */
  ShardProgress after(String writer, long seq) {
    return writer.equals(this.writer)
        ? new ShardProgress(writer, seq, previousWriter, previousSeq, owner, previousOwner)
        : new ShardProgress(writer, seq, this.writer, this.seq, owner, previousOwner);
  }

  /** This progress, with the shard's transactional id taken over by {@code generation}. */
  ShardProgress claimedBy(String generation) {
    return generation.equals(owner)
        ? this
        : new ShardProgress(writer, seq, previousWriter, previousSeq, generation, owner);
  }

  /** A shard without progress yet, whose transactional id {@code generation} takes. */
  static ShardProgress claim(String generation) {
    return new ShardProgress(generation, -1, null, -1, generation, null);
  }

  /** Empty when the metadata is absent or was not written by this sink (e.g. by KafkaIO's). */
  static Optional<ShardProgress> parse(String metadata) {
    if (metadata == null || !metadata.startsWith(PREFIX)) {
      return Optional.empty();
    }
    String[] parts = metadata.substring(PREFIX.length()).split(" ");
    if (parts.length < 2
        || parts.length > 5
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
      String previousWriter = null;
      long previousSeq = -1;
      String owner = null;
      String previousOwner = null;
      int i = 2;
      if (i < parts.length && parts[i].startsWith("prev=")) {
        String prev = parts[i++].substring("prev=".length());
        int colon = prev.lastIndexOf(':');
        if (colon <= 0) {
          return Optional.empty();
        }
        previousWriter = prev.substring(0, colon);
        previousSeq = Long.parseLong(prev.substring(colon + 1));
      }
      if (i < parts.length && parts[i].startsWith("owner=")) {
        owner = nonEmpty(parts[i++].substring("owner=".length()));
        if (owner == null) {
          return Optional.empty();
        }
      }
      if (i < parts.length && parts[i].startsWith("from=")) {
        previousOwner = nonEmpty(parts[i++].substring("from=".length()));
        if (previousOwner == null || owner == null) {
          return Optional.empty();
        }
      }
      if (i != parts.length) {
        return Optional.empty();
      }
      return Optional.of(
          new ShardProgress(writer, seq, previousWriter, previousSeq, owner, previousOwner));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static @Nullable String nonEmpty(String s) {
    return s.isEmpty() ? null : s;
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
