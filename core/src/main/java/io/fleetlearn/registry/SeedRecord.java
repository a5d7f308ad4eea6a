package io.fleetlearn.registry;

import java.io.Serializable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The latest record of one machine on the model-updates topic, as the registry reads it at
 * start-up: the value bytes (null if the record could not be fetched), the highest version found in
 * any of the machine's records (-1 if none was readable), and where the record was, for logs.
 */
public record SeedRecord(byte @Nullable [] value, long highestVersion, String coordinates)
    implements Serializable {}
