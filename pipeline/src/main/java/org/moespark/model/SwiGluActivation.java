package org.moespark.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.MulOp;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The gated middle of a SwiGLU FFN (Shazeer 2020, "GLU Variants"): {@code g = silu(a) ⊙ b} with
 * {@code a = x·w1}, {@code b = x·w3}, over the first {@code m} rows of its buffers, and the way
 * back to {@code dh = [da | db]} (the gradient w.r.t. the fused {@code x·[w1|w3]}).
 *
 * <p>Shared by the dense {@link SwiGlu} and the grouped experts, which fill {@link #a()} and
 * {@link #b()} with GEMMs (per expert row block) and read {@link #g()}. The buffers are
 * contiguous: {@code a} and {@code b} as strided halves of one {@code [R, 2F]} array made the
 * element-wise ops about 2x slower. {@code silu'} is built from the kept {@code sigmoid(a)}.
 */
public final class SwiGluActivation {
  private final int hidden;
  private final DataType type;
  private int capacity = -1;
  private INDArray a;
  private INDArray b;
  private INDArray sig;
  private INDArray silu;
  private INDArray g;
  private INDArray dg;
  private INDArray dh;

  public SwiGluActivation(int hidden, DataType type) {
    this.hidden = hidden;
    this.type = type;
  }

  /** Makes room for {@code rows} rows; reallocates only when the row count changes. */
  public void ensure(long rows) {
    if (rows == capacity) {
      return;
    }
    capacity = (int) rows;
    a = Nd4j.create(type, rows, hidden);
    b = Nd4j.create(type, rows, hidden);
    sig = Nd4j.create(type, rows, hidden);
    silu = Nd4j.create(type, rows, hidden);
    g = Nd4j.create(type, rows, hidden);
    dg = Nd4j.create(type, rows, hidden);
    dh = Nd4j.create(type, rows, 2L * hidden);
  }

  public int hidden() {
    return hidden;
  }

  /** {@code x·w1} [R, F], written by the caller before {@link #forward}. */
  public INDArray a() {
    return a;
  }

  /** {@code x·w3} [R, F], written by the caller before {@link #forward}. */
  public INDArray b() {
    return b;
  }

  /** {@code silu(a) ⊙ b} [R, F] after {@link #forward}. */
  public INDArray g() {
    return g;
  }

  /** dL/dg [R, F], written by the caller before {@link #backward}. */
  public INDArray dg() {
    return dg;
  }

  /** {@code [da | db]} [R, 2F] after {@link #backward}: the gradient of the fused pre-activation. */
  public INDArray dh() {
    return dh;
  }

  /** g = silu(a) ⊙ b on rows [0, m); float32 on the host's vector kernels ({@link RowKernels}, ~1.8× ND4J's three ops). */
  public void forward(long m) {
    if (type == DataType.FLOAT) {
      RowKernels.swigluRows(a, b, sig, silu, g, (int) m);
      return;
    }
    INDArray am = top(a, m);
    INDArray sm = top(sig, m);
    INDArray um = top(silu, m);
    Nd4j.exec(new Sigmoid(am, sm));
    Nd4j.exec(new MulOp(am, sm, um));
    Nd4j.exec(new MulOp(um, top(b, m), top(g, m)));
  }

  /**
   * db = dg ⊙ silu(a); da = dg ⊙ b ⊙ silu'(a), silu' = σ + silu·(1 − σ); on rows [0, m), in one
   * host pass per row (rows split over the cores by {@link RowRanges}) over the kept σ and silu: no
   * exp, so the six ND4J ops it replaces were pure memory traffic. float32 computes in float32
   * ({@link RowKernels#swigluBackwardRows}: the way through float64 {@link RowAccess} rows spent
   * most of its time converting), float64 through RowAccess.
   */
  public void backward(long m) {
    if (type == DataType.FLOAT) {
      RowKernels.swigluBackwardRows(dg, silu, sig, b, dh, (int) m, RowKernels.VECTOR);
      return;
    }
    INDArray dgm = top(dg, m);
    INDArray silum = top(silu, m);
    INDArray sigm = top(sig, m);
    INDArray bm = top(b, m);
    INDArray dhm = top(dh, m);
    INDArray da = Views.columns(dhm, 0, hidden);
    INDArray db = Views.columns(dhm, hidden, 2L * hidden);
    RowRanges.forEach((int) m, hidden, (from, to) -> {
      RowAccess dgRows = RowAccess.of(dgm);
      RowAccess siluRows = RowAccess.of(silum);
      RowAccess sigRows = RowAccess.of(sigm);
      RowAccess bRows = RowAccess.of(bm);
      RowAccess daRows = RowAccess.of(da);
      RowAccess dbRows = RowAccess.of(db);
      double[] dgr = new double[hidden];
      double[] u = new double[hidden];
      double[] sg = new double[hidden];
      double[] br = new double[hidden];
      for (int r = from; r < to; r++) {
        dgRows.get(r, dgr);
        siluRows.get(r, u);
        sigRows.get(r, sg);
        bRows.get(r, br);
        for (int j = 0; j < hidden; j++) {
          double d = dgr[j];
          br[j] = d * br[j] * (sg[j] + u[j] * (1 - sg[j]));
          u[j] = d * u[j];
        }
        daRows.put(r, br);
        dbRows.put(r, u);
      }
    });
  }

  private INDArray top(INDArray buf, long m) {
    return Views.prefix(buf, m);
  }
}
