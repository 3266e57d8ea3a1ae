package org.moespark.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded initialisation of every slot by its declared {@link ParamBuffer.Init}, independent of the
 * ND4J backend's RNG: ones, zeros, or normal(0, initStd); projections that write into the residual
 * stream are scaled by {@code 1/√(2·layers)} as in GPT-2 (Radford et al. 2019, §2.3), so the
 * residual variance does not grow with depth. Each slot, and each expert of an expert slot, draws
 * from its own stream seeded by (seed, slot name, expert), so a rank that holds a slice of the
 * experts initialises exactly the values the whole model would hold there.
 */
public final class ParamInit {
  private ParamInit() {}

  /** Writes every slot of {@code pb} (the values only; its gradients are not touched). */
  public static void init(ParamBuffer pb, ModelConfig cfg, long seed) {
    double residualStd = cfg.initStd() / Math.sqrt(2.0 * cfg.layers());
    for (ParamBuffer.Slot s : pb.slots()) {
      INDArray v = pb.view(s.name());
      switch (s.init()) {
        case ONES -> v.assign(1.0);
        case ZEROS -> v.assign(0.0);
        case NORMAL, RESIDUAL_NORMAL -> {
          double std = s.init() == ParamBuffer.Init.RESIDUAL_NORMAL ? residualStd : cfg.initStd();
          int parts = s.isExpert() ? (int) s.shape()[0] : 1;
          INDArray flat = v.reshape(parts, s.length() / parts);
          for (int e = 0; e < parts; e++) {
            int expert = s.isExpert() ? pb.firstExpert() + e : 0;
            flat.getRow(e).assign(normal(s.length() / parts, std, streamSeed(seed, s.name(), expert))
                .castTo(v.dataType()));
          }
        }
      }
    }
  }

  /** The seed of one slot's (one expert's) stream: a SplitMix64 mix of its coordinates. */
  static long streamSeed(long seed, String slot, int expert) {
    return new SplittableRandom(seed ^ (31L * slot.hashCode() + expert) * 0x9E3779B97F4A7C15L).nextLong();
  }

  private static INDArray normal(long n, double std, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] values = new double[Math.toIntExact(n)];
    for (int i = 0; i < values.length; i++) {
      values[i] = std * gaussian(rnd);
    }
    return Nd4j.createFromArray(values);
  }

  /** Box–Muller: one standard normal draw. */
  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
