package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Every transformer module's backward against central differences in float64. */
class ModuleGradCheckTest {
  private static final int B = 2;
  private static final int T = 5;
  private static final int C = 8;
  private static final int N = B * T;

  @Test
  void embeddingScatterAddsRowGradients() {
    ParamBuffer pb = ParamBuffer.builder().addNoDecay("wte", 7, C).allocate(DataType.DOUBLE);
    pb.view("wte").assign(SampledGradCheck.randn(1, 7, C));
    int[] tokens = {3, 0, 3, 6, 1, 3, 2, 2, 5, 0};
    INDArray r = SampledGradCheck.randn(2, N, C);
    Embedding emb = new Embedding(pb.view("wte"), pb.grad("wte"));
    emb.forward(tokens);
    emb.backward(r);
    assertThat(pb.grad("wte").getRow(4).sumNumber().doubleValue()).isZero();
    SampledGradCheck.check("wte", pb.view("wte"), pb.grad("wte"),
        () -> SampledGradCheck.dot(emb.forward(tokens), r), 1000, 3);
  }

  @Test
  void rmsNormGradientsForInputAndGain() {
    ParamBuffer pb = ParamBuffer.builder().add("x", N, C).addNoDecay("g", C).allocate(DataType.DOUBLE);
    pb.view("x").assign(SampledGradCheck.randn(4, N, C));
    pb.view("g").assign(SampledGradCheck.randn(5, C));
    INDArray r = SampledGradCheck.randn(6, N, C);
    RmsNorm norm = new RmsNorm(pb.view("g"), pb.grad("g"), 1e-5);
    INDArray y = norm.forward(pb.view("x"));
    double rms = Math.sqrt(pb.view("x").getRow(0).mul(pb.view("x").getRow(0)).meanNumber().doubleValue() + 1e-5);
    assertThat(y.getDouble(0, 3)).isCloseTo(pb.view("x").getDouble(0, 3) / rms * pb.view("g").getDouble(3),
        org.assertj.core.data.Offset.offset(1e-12));
    pb.grad("x").assign(norm.backward(r));
    SampledGradCheck.check("x", pb.view("x"), pb.grad("x"), () -> SampledGradCheck.dot(norm.forward(pb.view("x")), r), 1000, 7);
    SampledGradCheck.check("g", pb.view("g"), pb.grad("g"), () -> SampledGradCheck.dot(norm.forward(pb.view("x")), r), 1000, 8);
  }

  @Test
  void attentionWithRopeGradients() {
    attentionGradients(B, T);
  }

  /** 70 positions: the T×T products run in causal blocks of 32, 32 and 6 rows (CausalMatmul). */
  @Test
  void attentionGradientsAcrossCausalBlocks() {
    attentionGradients(1, 70);
  }

  private static void attentionGradients(int batch, int seq) {
    int heads = 2;
    int n = batch * seq;
    ParamBuffer pb = ParamBuffer.builder().add("x", n, C).add("wqkv", C, 3 * C).add("wo", C, C)
        .allocate(DataType.DOUBLE);
    pb.view("x").assign(SampledGradCheck.randn(9, n, C));
    pb.view("wqkv").assign(SampledGradCheck.randn(10, C, 3 * C).muli(0.5));
    pb.view("wo").assign(SampledGradCheck.randn(11, C, C).muli(0.5));
    INDArray r = SampledGradCheck.randn(12, n, C);
    CausalSelfAttention attn = new CausalSelfAttention(pb.view("wqkv"), pb.grad("wqkv"), pb.view("wo"),
        pb.grad("wo"), heads, 10000.0);
    attn.forward(pb.view("x"), batch, seq);
    pb.grad("x").assign(attn.backward(r));
    java.util.function.DoubleSupplier loss = () -> SampledGradCheck.dot(attn.forward(pb.view("x"), batch, seq), r);
    SampledGradCheck.check("x", pb.view("x"), pb.grad("x"), loss, 1000, 13);
    SampledGradCheck.check("wqkv", pb.view("wqkv"), pb.grad("wqkv"), loss, 1000, 14);
    SampledGradCheck.check("wo", pb.view("wo"), pb.grad("wo"), loss, 1000, 15);
  }

  @Test
  void attentionIsCausal() {
    ParamBuffer pb = ParamBuffer.builder().add("wqkv", C, 3 * C).add("wo", C, C).allocate(DataType.DOUBLE);
    pb.view("wqkv").assign(SampledGradCheck.randn(16, C, 3 * C));
    pb.view("wo").assign(SampledGradCheck.randn(17, C, C));
    CausalSelfAttention attn = new CausalSelfAttention(pb.view("wqkv"), pb.grad("wqkv"), pb.view("wo"),
        pb.grad("wo"), 2, 10000.0);
    INDArray x = SampledGradCheck.randn(18, N, C);
    INDArray before = attn.forward(x, B, T).dup();
    x.getRow(T - 1).addi(1.0); // last position of sequence 0
    INDArray after = attn.forward(x, B, T);
    for (int n = 0; n < N; n++) {
      boolean changed = !before.getRow(n).equalsWithEps(after.getRow(n), 1e-12);
      assertThat(changed).as("row %d", n).isEqualTo(n == T - 1);
    }
  }

  @Test
  void lmHeadAndCrossEntropyGradients() {
    int v = 11;
    ParamBuffer pb = ParamBuffer.builder().add("x", N, C).add("w", v, C).allocate(DataType.DOUBLE);
    pb.view("x").assign(SampledGradCheck.randn(19, N, C));
    pb.view("w").assign(SampledGradCheck.randn(20, v, C));
    int[] y = {1, 0, 10, 4, 4, 7, 2, 9, 3, 5};
    LmHead head = new LmHead(pb.view("w"), pb.grad("w"));
    CrossEntropy ce = new CrossEntropy();
    INDArray logits = head.forward(pb.view("x"));
    double expected = 0;
    for (int n = 0; n < N; n++) {
      INDArray row = logits.getRow(n);
      double max = row.maxNumber().doubleValue();
      double lse = max + Math.log(org.nd4j.linalg.ops.transforms.Transforms.exp(row.sub(max), true).sumNumber().doubleValue());
      expected += (lse - row.getDouble(y[n])) / N;
    }
    assertThat(ce.forward(logits, y)).isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-12));
    pb.grad("x").assign(head.backward(ce.backward(), ce.gradScale()));
    java.util.function.DoubleSupplier loss = () -> ce.forward(head.forward(pb.view("x")), y);
    SampledGradCheck.check("x", pb.view("x"), pb.grad("x"), loss, 1000, 21);
    SampledGradCheck.check("w", pb.view("w"), pb.grad("w"), loss, 1000, 22);
  }
}
