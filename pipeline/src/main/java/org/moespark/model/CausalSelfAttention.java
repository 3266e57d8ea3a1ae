package org.moespark.model;

import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Causal multi-head self-attention with RoPE (Vaswani et al. 2017; Su et al. 2021).
 * Letters: B batch, T positions, C width, H heads, D = C/H head width, G = B·H, N = B·T.
 * {@code qkv = x·Wqkv} ([C, 3C], columns q | k | v, head h at h·D), heads batched as [G, T, D];
 * {@code P = softmax(rope(q)·rope(k)ᵀ/√D + causal mask)}, {@code y = P·v}, {@code out = y·Wo}.
 * The mask is no bias: the causal softmax ({@link HostSoftmax#causal}) leaves the masked entries out
 * and writes P = 0 there, and the T×T products run over the causal blocks only ({@link CausalMatmul}).
 */
final class CausalSelfAttention {
  private final INDArray wqkv;
  private final INDArray wqkvGrad;
  private final INDArray wo;
  private final INDArray woGrad;
  private final int heads;
  private final Rope ropeQ;
  private final Rope ropeK;
  private int b;
  private int t;
  private INDArray x;
  private INDArray qkv;
  private INDArray split;
  private INDArray q;
  private INDArray k;
  private INDArray att;
  private INDArray y;
  private INDArray merged;
  private INDArray out;
  private INDArray dMerged;
  private INDArray dy;
  private INDArray dAtt;
  private INDArray dRot;
  private INDArray dSplit;
  private INDArray dqkv;
  private INDArray dx;
  /** The q | k | v slices of split and dSplit and att's [G·T, T] rows: views made once per buffer. */
  private INDArray[] splitParts;
  private INDArray[] dSplitParts;
  private INDArray attRows;

  CausalSelfAttention(INDArray wqkv, INDArray wqkvGrad, INDArray wo, INDArray woGrad, int heads,
      double ropeTheta) {
    this.wqkv = wqkv;
    this.wqkvGrad = wqkvGrad;
    this.wo = wo;
    this.woGrad = woGrad;
    this.heads = heads;
    long d = wo.size(0) / heads;
    this.ropeQ = new Rope(ropeTheta, 1.0 / Math.sqrt(d));
    this.ropeK = new Rope(ropeTheta, 1.0);
  }

  /** x [B·T, C] → [B·T, C] (this module's buffer); keeps x for backward. */
  INDArray forward(INDArray x, int batch, int seq) {
    DataType type = x.dataType();
    long c = wo.size(0);
    long d = c / heads;
    long g = (long) batch * heads;
    allocate(type, batch, seq, c, d, g);
    this.x = x;
    Gemm.exec(x, wqkv, qkv, false, false, 1.0, 0.0);
    HeadLayout.toHeads(qkv, split, batch, seq, 3, heads, (int) d);
    ropeQ.forward(splitParts[0], q);
    ropeK.forward(splitParts[1], k);
    CausalMatmul.lowerOfProduct(q, k, att);
    HostSoftmax.causal(attRows);
    CausalMatmul.lowerTimes(att, splitParts[2], y);
    HeadLayout.toTokens(y, merged, batch, seq, 1, heads, (int) d);
    Gemm.exec(merged, wo, out, false, false, 1.0, 0.0);
    return out;
  }

  /** dout [B·T, C] → dx [B·T, C]; accumulates dWqkv and dWo. */
  INDArray backward(INDArray dout) {
    long c = wo.size(0);
    long d = c / heads;
    long g = (long) b * heads;
    Gemm.exec(List.of(Gemm.call(merged, dout, woGrad, true, false, 1.0, 1.0),
        Gemm.call(dout, wo, dMerged, false, true, 1.0, 0.0)));
    HeadLayout.toHeads(dMerged, dy, b, t, 1, heads, (int) d);
    CausalMatmul.lowerOfProduct(dy, splitParts[2], dAtt);
    CausalMatmul.lowerTransposedTimes(att, dy, dSplitParts[2]);
    softmaxBackward(g * t);
    CausalMatmul.lowerTimes(dAtt, k, dRot);
    ropeQ.backward(dRot, dSplitParts[0]);
    CausalMatmul.lowerTransposedTimes(dAtt, q, dRot);
    ropeK.backward(dRot, dSplitParts[1]);
    HeadLayout.toTokens(dSplit, dqkv, b, t, 3, heads, (int) d);
    Gemm.exec(List.of(Gemm.call(x, dqkv, wqkvGrad, true, false, 1.0, 1.0),
        Gemm.call(dqkv, wqkv, dx, false, true, 1.0, 0.0)));
    return dx;
  }

  /**
   * dS = P ⊙ (dP − rowsum(dP ⊙ P)) in place over the [G·T, T] rows, one host pass per row
   * ({@link RowAccess}, split over the cores by {@link RowRanges}) over the causal part only: the
   * masked entries have P = 0, so their dS is 0 (ND4J took four whole-matrix ops, two allocating the
   * [G·T, T] product). float32 computes in float32 but for the row sum ({@link RowKernels#dot}).
   */
  private void softmaxBackward(long rows) {
    boolean single = att.dataType() == DataType.FLOAT;
    RowRanges.forEach((int) rows, t, (from, to) -> {
      RowAccess dA = RowAccess.of(dAtt, t);
      RowAccess pA = RowAccess.of(att, t);
      if (single) {
        float[] dp = new float[t];
        float[] p = new float[t];
        for (int row = from; row < to; row++) {
          dA.get(row, dp);
          pA.get(row, p);
          int n = row % t + 1;
          float dot = (float) RowKernels.dot(dp, p, n);
          for (int j = 0; j < n; j++) {
            dp[j] = p[j] * (dp[j] - dot);
          }
          java.util.Arrays.fill(dp, n, t, 0);
          dA.put(row, dp);
        }
        return;
      }
      double[] dp = new double[t];
      double[] p = new double[t];
      for (int row = from; row < to; row++) {
        dA.get(row, dp);
        pA.get(row, p);
        int last = row % t;
        double dot = 0;
        for (int j = 0; j <= last; j++) {
          dot += dp[j] * p[j];
        }
        for (int j = 0; j <= last; j++) {
          dp[j] = p[j] * (dp[j] - dot);
        }
        java.util.Arrays.fill(dp, last + 1, t, 0);
        dA.put(row, dp);
      }
    });
  }

  private void allocate(DataType type, int batch, int seq, long c, long d, long g) {
    long n = (long) batch * seq;
    b = batch;
    t = seq;
    INDArray[] before = {split, dSplit, att};
    qkv = Buffers.ensure(qkv, type, n, 3 * c);
    split = Buffers.ensure(split, type, 3, g, seq, d);
    q = Buffers.ensure(q, type, g, seq, d);
    k = Buffers.ensure(k, type, g, seq, d);
    att = Buffers.ensure(att, type, g, seq, seq);
    y = Buffers.ensure(y, type, g, seq, d);
    merged = Buffers.ensure(merged, type, n, c);
    out = Buffers.ensure(out, type, n, c);
    dMerged = Buffers.ensure(dMerged, type, n, c);
    dy = Buffers.ensure(dy, type, g, seq, d);
    dAtt = Buffers.ensure(dAtt, type, g, seq, seq);
    dRot = Buffers.ensure(dRot, type, g, seq, d);
    dSplit = Buffers.ensure(dSplit, type, 3, g, seq, d);
    dqkv = Buffers.ensure(dqkv, type, n, 3 * c);
    dx = Buffers.ensure(dx, type, n, c);
    if (split != before[0]) {
      splitParts = parts(split);
    }
    if (dSplit != before[1]) {
      dSplitParts = parts(dSplit);
    }
    if (att != before[2]) {
      attRows = att.reshape('c', g * seq, seq);
    }
  }

  /** The slices of a [3, G, T, D] buffer: contiguous [G, T, D] views. */
  private static INDArray[] parts(INDArray split) {
    INDArray[] parts = new INDArray[3];
    for (int i = 0; i < 3; i++) {
      parts[i] = split.get(NDArrayIndex.point(i), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
    }
    return parts;
  }
}
