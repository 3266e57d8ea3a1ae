package org.moespark.model;

import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Seeded initialisation of every slot, independent of the ND4J backend's RNG: norm gains 1, the
 * selection-only expert bias 0, every other tensor normal(0, initStd); projections that write into
 * the residual stream (attention {@code wo}, FFN and expert {@code w2}) are scaled by
 * {@code 1/√(2·layers)} as in GPT-2 (Radford et al. 2019, §2.3), so the residual variance does not
 * grow with depth.
 */
final class ParamInit {
  private ParamInit() {}

  static void init(ParamBuffer pb, ModelConfig cfg, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double residualStd = cfg.initStd() / Math.sqrt(2.0 * cfg.layers());
    for (ParamBuffer.Slot s : pb.slots()) {
      INDArray v = pb.view(s.name());
      if (isNorm(s.name())) {
        v.assign(1.0);
      } else if (s.name().endsWith(MoeTransformer.EXPERT_BIAS)) {
        v.assign(0.0);
      } else {
        double std = isResidualProjection(s.name()) ? residualStd : cfg.initStd();
        double[] values = new double[(int) s.length()];
        for (int i = 0; i < values.length; i++) {
          values[i] = std * gaussian(rnd);
        }
        v.assign(Nd4j.createFromArray(values).castTo(v.dataType()).reshape(s.shape()));
      }
    }
  }

  static boolean isNorm(String name) {
    return name.endsWith("norm1") || name.endsWith("norm2") || name.equals("norm_f");
  }

  static boolean isResidualProjection(String name) {
    return name.endsWith("wo") || name.endsWith("w2");
  }

  /** Box–Muller: one standard normal draw. */
  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }
}
