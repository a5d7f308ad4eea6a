package io.fleetlearn.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;

/** Encodes a {@link ModelUpdate} as its published JSON, so the coder is the contract. */
public final class ModelUpdateCoder extends AtomicCoder<ModelUpdate> {
  private static final ModelUpdateCoder INSTANCE = new ModelUpdateCoder();

  public static ModelUpdateCoder of() {
    return INSTANCE;
  }

  private ModelUpdateCoder() {}

  @Override
  public void encode(ModelUpdate u, OutputStream out) throws IOException {
    ByteArrayCoder.of().encode(u.toJson(), out);
  }

  @Override
  public ModelUpdate decode(InputStream in) throws IOException {
    return ModelUpdate.fromJson(ByteArrayCoder.of().decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}
