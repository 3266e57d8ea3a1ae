package org.moespark.train;

import java.util.List;
import org.moespark.dist.Collective;
import org.moespark.model.LossParts;
import org.moespark.model.MoeStats;

/**
 * Loss parts and per-layer expert loads of one optimizer step, summed over micro-batches (and
 * over the ranks of a data-parallel group).
 */
final class StepStats {
  final long[][] load;
  final long[][] dropped;
  private final double[][] gateSum;
  private double ce;
  private double aux;
  private double seqAux;
  private double z;
  private double total;

  StepStats(int moeLayers, int experts) {
    load = new long[moeLayers][experts];
    dropped = new long[moeLayers][experts];
    gateSum = new double[moeLayers][experts];
  }

  void add(LossParts lp, List<MoeStats> layers) {
    ce += lp.ce();
    aux += lp.aux();
    seqAux += lp.seqAux();
    z += lp.z();
    total += lp.total();
    for (int i = 0; i < layers.size(); i++) {
      MoeStats s = layers.get(i);
      for (int e = 0; e < load[i].length; e++) {
        load[i][e] += s.load()[e];
        dropped[i][e] += s.dropped()[e];
        gateSum[i][e] += s.meanGate()[e];
      }
    }
  }

  /** Sums the loss parts, loads and gates over the data-parallel group (every rank gets the sums). */
  void sumOver(Collective dp) {
    int layers = load.length;
    int experts = layers == 0 ? 0 : load[0].length;
    double[] d = new double[5 + layers * experts];
    long[] l = new long[2 * layers * experts];
    d[0] = ce;
    d[1] = aux;
    d[2] = seqAux;
    d[3] = z;
    d[4] = total;
    for (int i = 0; i < layers; i++) {
      System.arraycopy(gateSum[i], 0, d, 5 + i * experts, experts);
      System.arraycopy(load[i], 0, l, i * experts, experts);
      System.arraycopy(dropped[i], 0, l, (layers + i) * experts, experts);
    }
    dp.allReduceSum(d);
    dp.allReduceSum(l);
    ce = d[0];
    aux = d[1];
    seqAux = d[2];
    z = d[3];
    total = d[4];
    for (int i = 0; i < layers; i++) {
      System.arraycopy(d, 5 + i * experts, gateSum[i], 0, experts);
      System.arraycopy(l, i * experts, load[i], 0, experts);
      System.arraycopy(l, (layers + i) * experts, dropped[i], 0, experts);
    }
  }

  LossParts mean(int microBatches) {
    return new LossParts(ce / microBatches, aux / microBatches, seqAux / microBatches,
        z / microBatches, total / microBatches);
  }

  /** Token-averaged gate of expert e in MoE layer i (0 where never selected). */
  double meanGate(int layer, int expert, int microBatches) {
    return gateSum[layer][expert] / microBatches;
  }

  double droppedFraction() {
    long all = 0;
    long drop = 0;
    for (int i = 0; i < load.length; i++) {
      for (int e = 0; e < load[i].length; e++) {
        all += load[i][e];
        drop += dropped[i][e];
      }
    }
    return all == 0 ? 0 : (double) drop / all;
  }

  /** {max/mean load, MoE layer position} of the most imbalanced MoE layer; {1, 0} without MoE. */
  double[] worstMaxMeanLoad() {
    double worst = 1;
    int at = 0;
    for (int i = 0; i < load.length; i++) {
      long sum = 0;
      long max = 0;
      for (long l : load[i]) {
        sum += l;
        max = Math.max(max, l);
      }
      double r = sum == 0 ? 1 : max / ((double) sum / load[i].length);
      if (i == 0 || r > worst) {
        worst = r;
        at = i;
      }
    }
    return new double[] {worst, at};
  }
}
