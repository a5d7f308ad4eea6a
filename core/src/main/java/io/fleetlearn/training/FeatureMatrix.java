package io.fleetlearn.training;

/**
 * A dense row-major float matrix gathered from chosen rows of a larger one, with its labels: the
 * exact layout xgboost4j's {@code DMatrix(float[], nrow, ncol, missing)} takes without copying.
 */
public final class FeatureMatrix {
  private final float[] data;
  private final float[] labels;
  private final int rows;
  private final int cols;

  private FeatureMatrix(float[] data, float[] labels, int rows, int cols) {
    this.data = data;
    this.labels = labels;
    this.rows = rows;
    this.cols = cols;
  }

  /** Gathers {@code rowIndex} rows of the row-major {@code source} ({@code cols} wide). */
  public static FeatureMatrix gather(
      float[] source, byte[] sourceLabels, int cols, int[] rowIndex) {
    int n = rowIndex.length;
    float[] data = new float[n * cols];
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      int r = rowIndex[i];
      System.arraycopy(source, r * cols, data, i * cols, cols);
      labels[i] = sourceLabels[r];
    }
    return new FeatureMatrix(data, labels, n, cols);
  }

  public float[] data() {
    return data;
  }

  public float[] labels() {
    return labels;
  }

  /** Labels as 0/1 bytes, the form the metrics take. */
  public byte[] labelBytes() {
    byte[] b = new byte[rows];
    for (int i = 0; i < rows; i++) {
      b[i] = (byte) labels[i];
    }
    return b;
  }

  public int rows() {
    return rows;
  }

  public int cols() {
    return cols;
  }
}
