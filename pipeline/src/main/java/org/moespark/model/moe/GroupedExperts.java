package org.moespark.model.moe;

import java.util.ArrayList;
import java.util.List;
import org.moespark.model.Gemm;
import org.moespark.model.HostRows;
import org.moespark.model.RowBlock;
import org.moespark.model.SwiGluActivation;
import org.moespark.model.Views;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * E SwiGLU experts with stacked weights {@code w13} [E, C, 2F] (w1 | w3 fused) and {@code w2}
 * [E, F, C], run as a grouped GEMM: one GEMM per expert and weight over that expert's contiguous
 * row block of the permuted input ({@link RowBlock}s: no copies, and no ND4J views, which cost
 * more than the GEMM on small blocks), the activation once over the whole block.
 * Experts are local: a rank holding experts [e0, e0 + E_local) passes those weights and the
 * row counts of those experts; the caller maps global ids to the block.
 */
public final class GroupedExperts {
  private final int experts;
  private final RowBlock[] w1;
  private final RowBlock[] w3;
  private final RowBlock[] w13;
  private final RowBlock[] w13Grad;
  private final RowBlock[] w2;
  private final RowBlock[] w2Grad;
  private final long width;
  private final SwiGluActivation act;
  private final int[] start;
  private int[] count;
  private int m;
  private int rows = -1;
  private INDArray xPerm;
  private INDArray out;
  private INDArray dxPerm;
  private boolean overwriteGrads;

  public GroupedExperts(INDArray w13, INDArray w13Grad, INDArray w2, INDArray w2Grad) {
    Preconditions.checkArgument(w13.rank() == 3 && w2.rank() == 3 && w13.size(0) == w2.size(0)
            && w13.size(2) == 2 * w2.size(1) && w13.size(1) == w2.size(2),
        "need w13 [E, C, 2F] and w2 [E, F, C]; got %s and %s", w13.shapeInfoToString(),
        w2.shapeInfoToString());
    this.experts = (int) w13.size(0);
    long f = w2.size(1);
    this.width = w13.size(1);
    this.w1 = new RowBlock[experts];
    this.w3 = new RowBlock[experts];
    this.w13 = new RowBlock[experts];
    this.w13Grad = new RowBlock[experts];
    this.w2 = new RowBlock[experts];
    this.w2Grad = new RowBlock[experts];
    for (int e = 0; e < experts; e++) {
      INDArray w13e = Views.slice(w13, e);
      this.w13[e] = RowBlock.of(w13e);
      this.w13Grad[e] = RowBlock.of(Views.slice(w13Grad, e));
      this.w1[e] = RowBlock.of(Views.columns(w13e, 0, f));
      this.w3[e] = RowBlock.of(Views.columns(w13e, f, 2 * f));
      this.w2[e] = RowBlock.of(Views.slice(w2, e));
      this.w2Grad[e] = RowBlock.of(Views.slice(w2Grad, e));
    }
    this.act = new SwiGluActivation((int) f, w13.dataType());
    this.start = new int[experts + 1];
  }

  /** Buffers for blocks of up to {@code maxRows} rows (plus one all-zero row for drops). */
  public void ensure(int maxRows) {
    if (maxRows == rows) {
      return;
    }
    rows = maxRows;
    act.ensure(maxRows);
    out = Nd4j.zeros(act.a().dataType(), maxRows + 1, width);
    dxPerm = Nd4j.zeros(act.a().dataType(), maxRows + 1, width);
  }

  /**
   * @param x [≥ M, C]: expert e's rows follow expert e − 1's
   * @param rowsPerExpert rows of each local expert
   * @return [rows + 1, C]: rows [0, M) the expert outputs, row {@code rows} zero
   */
  public INDArray forward(INDArray x, int[] rowsPerExpert) {
    Preconditions.checkArgument(rowsPerExpert.length == experts, "need %s row counts, got %s",
        experts, rowsPerExpert.length);
    xPerm = x;
    count = rowsPerExpert;
    for (int e = 0; e < experts; e++) {
      start[e + 1] = start[e] + count[e];
    }
    m = start[experts];
    Preconditions.checkArgument(m <= rows, "%s rows exceed the ensured %s", m, rows);
    List<Gemm.Call> calls = new ArrayList<>(2 * experts);
    for (int e = 0; e < experts; e++) {
      if (count[e] > 0) {
        RowBlock xe = block(x, e);
        calls.add(new Gemm.Call(xe, w1[e], block(act.a(), e), false, false, 1.0, 0.0));
        calls.add(new Gemm.Call(xe, w3[e], block(act.b(), e), false, false, 1.0, 0.0));
      }
    }
    Gemm.exec(calls);
    if (m > 0) {
      act.forward(m);
    }
    calls.clear();
    for (int e = 0; e < experts; e++) {
      if (count[e] > 0) {
        calls.add(new Gemm.Call(block(act.g(), e), w2[e], block(out, e), false, false, 1.0, 0.0));
      }
    }
    Gemm.exec(calls);
    return out;
  }

  /**
   * The next {@link #backward} writes the weight gradients instead of adding to them (beta 0, and
   * zeros for experts without rows): they need no clearing pass before it.
   */
  public void overwriteGrads() {
    overwriteGrads = true;
  }

  /**
   * Accumulates into the weight gradients, or overwrites them after {@link #overwriteGrads}.
   *
   * @param dOut [≥ M, C] gradient of the expert outputs, same row layout
   * @return dx [rows + 1, C]: rows [0, M) the input gradient, row {@code rows} zero
   */
  public INDArray backward(INDArray dOut) {
    double beta = overwriteGrads ? 0.0 : 1.0;
    List<Gemm.Call> calls = new ArrayList<>(2 * experts);
    for (int e = 0; e < experts; e++) {
      if (count[e] > 0) {
        RowBlock de = block(dOut, e);
        calls.add(new Gemm.Call(block(act.g(), e), de, w2Grad[e], true, false, 1.0, beta));
        calls.add(new Gemm.Call(de, w2[e], block(act.dg(), e), false, true, 1.0, 0.0));
      }
    }
    Gemm.exec(calls);
    if (m > 0) {
      act.backward(m);
    }
    calls.clear();
    for (int e = 0; e < experts; e++) {
      if (count[e] > 0) {
        RowBlock dh = block(act.dh(), e);
        calls.add(new Gemm.Call(block(xPerm, e), dh, w13Grad[e], true, false, 1.0, beta));
        calls.add(new Gemm.Call(dh, w13[e], block(dxPerm, e), false, true, 1.0, 0.0));
      }
    }
    Gemm.exec(calls);
    if (overwriteGrads) {
      for (int e = 0; e < experts; e++) {
        if (count[e] == 0) {
          HostRows.zero(w13Grad[e].matrix());
          HostRows.zero(w2Grad[e].matrix());
        }
      }
      overwriteGrads = false;
    }
    return dxPerm;
  }

  private RowBlock block(INDArray a, int e) {
    return new RowBlock(a, start[e], start[e + 1]);
  }
}
