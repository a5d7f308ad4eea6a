package io.fleetlearn.training;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Chooses which candidate model serves a machine from their scores of the same validation rows. The
 * rule is conservative, because validation sets are small (a window's 30-100 rows with a few
 * defects) and the highest validation AUC is often the luckiest, not the best:
 *
 * <ol>
 *   <li>the fleet model ({@link ModelKind#FLEET}) serves unless another candidate beats it;
 *   <li>{@link ModelKind#FLEET_TUNED} replaces it if it beats it;
 *   <li>{@link ModelKind#OWN} replaces the result of step 2 if it beats that.
 * </ol>
 *
 * <p>A candidate beats another when its validation AUC is higher by at least {@code margin} and
 * higher in at least {@code confidence} of {@link #RESAMPLES} paired, class-stratified bootstrap
 * resamples of the validation rows (both scored on the same resample). The order prefers the fleet
 * model's calibration at a tie: {@link ModelKind#FLEET_TUNED} starts from the fleet's scores, so
 * mixing it with other machines' models ranks better across machines than an {@link ModelKind#OWN}
 * model of the same AUC. A candidate that is absent is skipped; without the fleet model, the first
 * candidate present serves.
 */
public final class CandidateSelection {
  /** Bootstrap resamples per comparison. */
  public static final int RESAMPLES = 200;

  private CandidateSelection() {}

  /** The chosen kind, the validation AUC of each candidate, and why. */
  public record Choice(ModelKind kind, Map<ModelKind, Double> validationAuc, String reason) {}

  /**
   * @param scores each candidate's scores of the validation rows (same rows, same order)
   * @param labels the validation rows' 0/1 labels
   * @param seed makes the bootstrap deterministic
   */
  public static Choice choose(
      Map<ModelKind, float[]> scores, byte[] labels, double margin, double confidence, long seed) {
    if (scores.isEmpty()) {
      throw new IllegalArgumentException("no candidates");
    }
    int n = labels.length;
    int positives = 0;
    for (byte y : labels) {
      positives += y;
    }
    // Each candidate's rows are sorted once, for its AUC and for every bootstrap it enters.
    Map<ModelKind, Ranked> ranked = new EnumMap<>(ModelKind.class);
    Map<ModelKind, Double> aucs = new EnumMap<>(ModelKind.class);
    int[] once = new int[n];
    Arrays.fill(once, 1);
    for (Map.Entry<ModelKind, float[]> e : scores.entrySet()) {
      Ranked r = new Ranked(e.getValue(), n);
      ranked.put(e.getKey(), r);
      aucs.put(e.getKey(), r.auc(once, labels, positives, n - positives));
    }
    ModelKind[] order = {ModelKind.FLEET, ModelKind.FLEET_TUNED, ModelKind.OWN};
    ModelKind best = null;
    String reason = "";
    for (ModelKind k : order) {
      if (!scores.containsKey(k)) {
        continue;
      }
      if (best == null) {
        best = k;
        reason = k == ModelKind.FLEET ? "fleet model unless beaten" : "the only candidate";
        continue;
      }
      if (positives == 0 || positives == n) {
        reason = "validation rows hold one class: nothing can beat " + best;
        continue;
      }
      double gain = aucs.get(k) - aucs.get(best);
      if (gain < margin) {
        continue;
      }
      double wins = winShare(ranked.get(k), ranked.get(best), labels, seed ^ k.ordinal());
      if (wins >= confidence) {
        reason =
            String.format(
                Locale.ROOT,
                "%s beat %s on validation: AUC %+.3f, higher in %.0f%% of resamples",
                k,
                best,
                gain,
                100 * wins);
        best = k;
      } else {
        String kept =
            String.format(
                Locale.ROOT,
                "%s kept: %s AUC %+.3f on validation but higher in only %.0f%% of resamples",
                best,
                k,
                gain,
                100 * wins);
        reason = reason.contains(" beat ") ? reason + "; " + kept : kept;
      }
    }
    return new Choice(best, aucs, reason);
  }

  /**
   * Share of paired, stratified bootstrap resamples in which {@code a} has the higher AUC. Each
   * candidate's rows are sorted once; a resample is a count per row, and its AUC one pass over the
   * sorted rows (O(n) instead of a sort per resample): the same AUCs, and so the same share, as
   * sorting each resample's rows.
   */
  static double winShare(Ranked a, Ranked b, byte[] labels, long seed) {
    int n = labels.length;
    int p = 0;
    for (byte y : labels) {
      p += y;
    }
    int[] pos = new int[p];
    int[] neg = new int[n - p];
    for (int i = 0, ip = 0, in = 0; i < n; i++) {
      if (labels[i] == 1) {
        pos[ip++] = i;
      } else {
        neg[in++] = i;
      }
    }
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] count = new int[n];
    int wins = 0;
    for (int r = 0; r < RESAMPLES; r++) {
      Arrays.fill(count, 0);
      for (int i = 0; i < pos.length; i++) {
        count[pos[rnd.nextInt(pos.length)]]++;
      }
      for (int i = 0; i < neg.length; i++) {
        count[neg[rnd.nextInt(neg.length)]]++;
      }
      if (a.auc(count, labels, pos.length, neg.length)
          > b.auc(count, labels, pos.length, neg.length)) {
        wins++;
      }
    }
    return (double) wins / RESAMPLES;
  }

  /**
   * A candidate's rows in ascending order of score, with where each group of equal scores starts.
   */
  static final class Ranked {
    private final int[] order;
    private final boolean[] groupStart;

    Ranked(float[] scores, int n) {
      long[] keys = new long[n];
      for (int i = 0; i < n; i++) {
        int bits = Float.floatToRawIntBits(scores[i] + 0.0f);
        bits ^= (bits >> 31) & 0x7fffffff;
        keys[i] = ((long) bits << 32) | i;
      }
      Arrays.sort(keys);
      order = new int[n];
      groupStart = new boolean[n];
      for (int i = 0; i < n; i++) {
        order[i] = (int) keys[i];
        groupStart[i] = i == 0 || (keys[i] >> 32) != (keys[i - 1] >> 32);
      }
    }

    /** Mann-Whitney AUC of the rows weighted by {@code count}, ties counted half. */
    double auc(int[] count, byte[] labels, long positives, long negatives) {
      if (positives == 0 || negatives == 0) {
        return 0.5;
      }
      int n = order.length;
      long twiceU = 0;
      long below = 0;
      int i = 0;
      while (i < n) {
        long gp = 0;
        long gn = 0;
        do {
          int r = order[i];
          if (labels[r] == 1) {
            gp += count[r];
          } else {
            gn += count[r];
          }
          i++;
        } while (i < n && !groupStart[i]);
        twiceU += gp * (2 * below + gn);
        below += gn;
      }
      return twiceU / (2.0 * positives * negatives);
    }
  }
}
