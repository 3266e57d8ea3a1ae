package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class MoeFfnTest {
  static final ModelConfig CFG = ModelConfigs.of("d-model=8", "heads=1", "ffn-hidden=6",
      "experts=4", "top-k=2", "router=sigmoid", "capacity-factor=1.0", "shared-experts=1",
      "shared-hidden=4", "seq-aux-coef=0.01");

  @Test
  void aSingleExpertWithSoftmaxIsTheDenseSwiGlu() {
    ModelConfig cfg = ModelConfigs.of("d-model=8", "heads=1", "ffn-hidden=6", "experts=1",
        "top-k=1");
    ParamBuffer pb = params(cfg, DataType.DOUBLE, 3);
    MoeParams p = MoeParams.of(pb, "");
    INDArray x = Nd4j.randn(DataType.DOUBLE, 10, 8);
    INDArray moe = new MoeFfn(cfg, p, 1).forward(x, 2, true);
    INDArray dense = new SwiGlu(p.w13().reshape(8, 12), p.w13Grad().reshape(8, 12),
        p.w2().reshape(6, 8), p.w2Grad().reshape(6, 8)).forward(x, 2, true);
    assertThat(moe.equalsWithEps(dense, 1e-12)).isTrue();
  }

  @Test
  void float32MatchesFloat64() {
    ParamBuffer pd = params(CFG, DataType.DOUBLE, 4);
    ParamBuffer pf = params(CFG, DataType.FLOAT, 4);
    pf.params().assign(pd.params());
    INDArray x = Nd4j.randn(DataType.DOUBLE, 32, 8);
    INDArray dy = Nd4j.randn(DataType.DOUBLE, 32, 8);
    MoeFfn md = new MoeFfn(CFG, MoeParams.of(pd, ""), 1);
    MoeFfn mf = new MoeFfn(CFG, MoeParams.of(pf, ""), 1);
    INDArray yd = md.forward(x, 4, true);
    INDArray yf = mf.forward(x.castTo(DataType.FLOAT), 4, true);
    assertThat(md.stats().droppedTokens()).isPositive();
    assertThat(mf.routing().dropped()).containsExactly(md.routing().dropped());
    assertThat(yf.castTo(DataType.DOUBLE).equalsWithEps(yd, 1e-4)).isTrue();
    INDArray dxd = md.backward(dy);
    INDArray dxf = mf.backward(dy.castTo(DataType.FLOAT));
    assertThat(dxf.castTo(DataType.DOUBLE).equalsWithEps(dxd, 1e-4)).isTrue();
    assertThat(pf.grads().castTo(DataType.DOUBLE).equalsWithEps(pd.grads(), 1e-4)).isTrue();
    assertThat(mf.stats().auxLoss()).isCloseTo(md.stats().auxLoss(), within(1e-5));
    assertThat(mf.stats().zLoss()).isCloseTo(md.stats().zLoss(), within(1e-4));
  }

  @Test
  void aChangedTokenCountGivesTheSameResultAsAFreshLayer() {
    ParamBuffer pb = params(CFG, DataType.DOUBLE, 5);
    MoeFfn reused = new MoeFfn(CFG, MoeParams.of(pb, ""), 1);
    reused.forward(Nd4j.randn(DataType.DOUBLE, 32, 8), 4, true);
    INDArray x = Nd4j.randn(DataType.DOUBLE, 12, 8);
    INDArray y = reused.forward(x, 3, true).dup();
    assertThat(y.rows()).isEqualTo(12);
    INDArray fresh = new MoeFfn(CFG, MoeParams.of(pb, ""), 1).forward(x, 3, true);
    assertThat(y.equalsWithEps(fresh, 1e-12)).isTrue();
  }

  @Test
  void inputsMayBeViewsAtAnOffset() {
    ParamBuffer pb = params(CFG, DataType.DOUBLE, 7);
    INDArray big = Nd4j.randn(DataType.DOUBLE, 80, 8);
    INDArray x = Views.rows(big, 40, 72);
    INDArray dy = Views.rows(big, 8, 40);
    MoeFfn onViews = new MoeFfn(CFG, MoeParams.of(pb, ""), 1);
    INDArray y = onViews.forward(x, 4, true).dup();
    INDArray dx = onViews.backward(dy).dup();
    INDArray grads = pb.grads().dup();
    pb.grads().assign(0);
    MoeFfn onCopies = new MoeFfn(CFG, MoeParams.of(pb, ""), 1);
    assertThat(onCopies.forward(x.dup(), 4, true).equalsWithEps(y, 1e-12)).isTrue();
    assertThat(onCopies.backward(dy.dup()).equalsWithEps(dx, 1e-12)).isTrue();
    assertThat(pb.grads().equalsWithEps(grads, 1e-12)).isTrue();
  }

  @Test
  void statsDescribeTheRouting() {
    ParamBuffer pb = params(CFG, DataType.FLOAT, 6);
    MoeFfn ffn = new MoeFfn(CFG, MoeParams.of(pb, ""), 1);
    ffn.forward(Nd4j.randn(DataType.FLOAT, 32, 8), 4, false);
    MoeStats s = ffn.stats();
    Routing r = ffn.routing();
    long[] load = new long[4];
    long[] dropped = new long[4];
    double gateSum = 0;
    for (int p = 0; p < r.expert().length; p++) {
      load[r.expert()[p]]++;
      dropped[r.expert()[p]] += r.dropped()[p] ? 1 : 0;
      gateSum += r.gate()[p];
    }
    assertThat(s.load()).containsExactly(load);
    assertThat(s.dropped()).containsExactly(dropped);
    assertThat(s.droppedTokens()).isEqualTo(java.util.Arrays.stream(dropped).sum());
    assertThat(java.util.Arrays.stream(s.meanGate()).sum()).isCloseTo(gateSum / 32, within(1e-5));
    assertThat(java.util.Arrays.stream(s.meanGate()).sum()).isCloseTo(1.0, within(1e-5));
    assertThat(s.auxLoss()).isGreaterThan(0);
    assertThat(s.seqAuxLoss()).isGreaterThan(0);
    assertThat(s.zLoss()).isGreaterThan(0);
  }

  static ParamBuffer params(ModelConfig cfg, DataType type, long seed) {
    ParamBuffer.Builder b = ParamBuffer.builder();
    MoeParams.addTo(b, "", cfg, cfg.experts());
    ParamBuffer pb = b.allocate(type);
    Nd4j.getRandom().setSeed(seed);
    pb.params().assign(Nd4j.randn(type, pb.size()).muli(0.5));
    MoeParams.of(pb, "").expertBias().assign(0);
    return pb;
  }
}
