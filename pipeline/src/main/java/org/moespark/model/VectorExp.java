package org.moespark.model;

import static org.moespark.model.ExpKernels.LN2_HI;
import static org.moespark.model.ExpKernels.LN2_LO;
import static org.moespark.model.ExpKernels.LOG2E;
import static org.moespark.model.ExpKernels.MAGIC;
import static org.moespark.model.ExpKernels.MAGIC_BITS;
import static org.moespark.model.ExpKernels.MAX_ARG;
import static org.moespark.model.ExpKernels.MIN_ARG;
import static org.moespark.model.ExpKernels.POLY;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * e^x on 8 float lanes, {@link ExpKernels#exp}'s operations lane for lane. Its own class because
 * it takes and returns vectors, so it must inline into its callers, while the array kernels of
 * {@link VectorRowKernels} must not (the JVM options exclude that whole class from inlining).
 */
final class VectorExp {
  private VectorExp() {}

  /**
   * The clamp is two compares and blends, which give Math.max/min's results for these bounds (a NaN
   * compares false and stays NaN; no bound is ±0): the vector max and min with Math's rules cost
   * as much as the polynomial on JDK 17.
   */
  static FloatVector exp(FloatVector x) {
    x = x.blend(MIN_ARG, x.compare(VectorOperators.LT, MIN_ARG));
    x = x.blend(MAX_ARG, x.compare(VectorOperators.GT, MAX_ARG));
    FloatVector t = x.mul(LOG2E).add(MAGIC);
    FloatVector n = t.sub(MAGIC);
    FloatVector r = x.sub(n.mul(LN2_HI)).sub(n.mul(LN2_LO));
    FloatVector p = r.mul(POLY[0]).add(POLY[1]);
    p = p.mul(r).add(POLY[2]);
    p = p.mul(r).add(POLY[3]);
    p = p.mul(r).add(POLY[4]);
    p = p.mul(r).add(POLY[5]);
    p = p.mul(r.mul(r)).add(r).add(1f);
    return p.mul(t.reinterpretAsInts().sub(MAGIC_BITS).add(127).lanewise(VectorOperators.LSHL, 23)
        .reinterpretAsFloats());
  }
}
