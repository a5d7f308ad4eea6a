package io.fleetlearn.registry;

import java.io.IOException;
import java.io.Serializable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where the registry finds the champions that already exist when it starts: the latest record per
 * machine of the compacted model-updates topic. {@link ModelRegistryFn} opens one {@link Lookup}
 * per DoFn instance and consults it before it decides a machine's window (see {@link
 * ChampionSeed}). The Kafka implementation lives in {@code io}; {@link #none()} turns seeding off.
 */
public interface RegistrySeeds extends Serializable {
  /** Opens a lookup; called once per DoFn instance, closed when the instance is torn down. */
  Lookup open();

  /** A lookup of the registry topic; used by one thread. */
  interface Lookup extends AutoCloseable {
    /**
     * The highest version the lookup has seen for {@code machineId} so far; -1 when it knows of
     * none. The first call of a lookup reads the topic; later calls do no I/O.
     *
     * @throws IOException when the topic cannot be read
     */
    long highestVersion(String machineId) throws IOException;

    /**
     * The latest record of {@code machineId}, after reading what was added to the topic since the
     * last look; null when the topic has none.
     *
     * @throws IOException when the topic cannot be read
     */
    @Nullable SeedRecord latest(String machineId) throws IOException;

    /**
     * The record on the topic that decided {@code machineId}'s window starting at {@code
     * windowStartMillis}, pane {@code pane}, after reading what was added to the topic since the
     * last look; null when the topic has none (among the latest records of the machine that the
     * lookup keeps, see the implementation). An at-least-once replay uses it to publish the
     * decision again instead of deciding the window a second time.
     *
     * @throws IOException when the topic cannot be read
     */
    default @Nullable SeedRecord decided(String machineId, long windowStartMillis, long pane)
        throws IOException {
      return null;
    }

    @Override
    void close();
  }

  /** No seeding: every machine starts without a champion. */
  static RegistrySeeds none() {
    return new NoSeeds();
  }

  /** {@link RegistrySeeds#none()}. */
  final class NoSeeds implements RegistrySeeds {
    private static final long serialVersionUID = 1L;

    @Override
    public Lookup open() {
      return new Lookup() {
        @Override
        public long highestVersion(String machineId) {
          return -1;
        }

        @Override
        public @Nullable SeedRecord latest(String machineId) {
          return null;
        }

        @Override
        public void close() {}
      };
    }
  }
}
