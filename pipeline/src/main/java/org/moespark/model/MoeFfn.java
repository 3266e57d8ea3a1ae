package org.moespark.model;

import java.util.Arrays;
import org.moespark.model.moe.ExpertExchange;
import org.moespark.model.moe.GroupedExperts;
import org.moespark.model.moe.LocalExchange;
import org.moespark.model.moe.RouterZLoss;
import org.moespark.model.moe.SequenceBalanceLoss;
import org.moespark.model.moe.SharedExperts;
import org.moespark.model.moe.SwitchBalanceLoss;
import org.moespark.model.moe.TokenDispatcher;
import org.moespark.model.moe.TopKRouter;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The MoE FFN: route → permute → exchange to the experts' ranks → grouped experts → exchange
 * back → unpermute (gate-weighted) → + shared experts. Routing, capacity and gates stay on the
 * token's rank; only the expert compute moves (the {@link ExpertExchange} is the identity
 * without expert parallelism). Backward also carries the gradients of
 * {@code auxCoef·aux + seqAuxCoef·seqAux + zCoef·z} into the router and the input; the caller
 * adds those weighted terms (from {@link #stats()}) to the reported loss.
 */
public final class MoeFfn implements Ffn {
  private final ModelConfig cfg;
  private final int experts;
  private final int k;
  private final TopKRouter router;
  private final TokenDispatcher dispatcher;
  private final GroupedExperts grouped;
  private final SharedExperts shared;
  private final long width;
  private final DataType type;
  private int n = -1;
  private int batch;
  private INDArray y;
  private INDArray dx;
  private double[] dGate;
  private double[] dProbs;
  private double[] dLogits;
  private float[] gateOut;
  private boolean[] droppedOut;
  private java.util.function.UnaryOperator<long[]> sumLoads = java.util.function.UnaryOperator.identity();
  private long[] balanceLoad;
  private MoeStats stats;
  private Routing routing;

  private final ExpertExchange exchange;

  public MoeFfn(ModelConfig cfg, MoeParams p, long seed) {
    this(cfg, p, seed, new LocalExchange());
  }

  /** With the experts of {@code p} being this rank's slice, reached through {@code exchange}. */
  public MoeFfn(ModelConfig cfg, MoeParams p, long seed, ExpertExchange exchange) {
    this.exchange = exchange;
    this.cfg = cfg;
    this.experts = cfg.experts();
    this.k = cfg.topK();
    this.width = p.router().rows();
    this.type = p.router().dataType();
    this.router = new TopKRouter(cfg, p.router(), p.routerGrad(), p.expertBias(), seed);
    this.dispatcher = new TokenDispatcher(experts, k, cfg.capacityFactor());
    this.grouped = new GroupedExperts(p.w13(), p.w13Grad(), p.w2(), p.w2Grad());
    this.shared = p.hasShared()
        ? new SharedExperts(p.sharedW13(), p.sharedW13Grad(), p.sharedW2(), p.sharedW2Grad())
        : null;
  }

  private void ensure(int tokens) {
    if (tokens == n) {
      return;
    }
    n = tokens;
    y = Nd4j.create(type, tokens, width);
    dx = Nd4j.create(type, tokens, width);
    grouped.ensure(exchange.maxExpertRows(tokens * k));
    dGate = new double[tokens * k];
    dProbs = new double[tokens * experts];
    dLogits = new double[tokens * experts];
    gateOut = new float[tokens * k];
    droppedOut = new boolean[tokens * k];
  }

  @Override
  public INDArray forward(INDArray x, int batch, boolean training) {
    int tokens = (int) x.rows();
    Preconditions.checkArgument(batch > 0 && tokens % batch == 0,
        "%s tokens are not %s sequences of equal length", tokens, batch);
    ensure(tokens);
    this.batch = batch;
    router.forward(x, training);
    dispatcher.plan(router.expert(), tokens);
    INDArray xPerm = dispatcher.permute(x);
    exchange.plan(dispatcher.keptPerExpert());
    INDArray expertOut = grouped.forward(exchange.toExperts(xPerm), exchange.localCounts());
    dispatcher.unpermute(exchange.fromExperts(expertOut), router.gate(), y);
    if (shared != null) {
      shared.addForward(x, y);
    }
    balanceLoad = training ? sumLoads.apply(dispatcher.load().clone()) : dispatcher.load();
    record();
    return y;
  }

  @Override
  public INDArray backward(INDArray dy) {
    Preconditions.checkState(n > 0, "backward before forward");
    INDArray dOut = dispatcher.unpermuteBackward(dy, router.gate(), dGate);
    INDArray dExpertIn = grouped.backward(exchange.toExperts(dOut));
    dispatcher.permuteBackward(exchange.fromExperts(dExpertIn), dx);
    Arrays.fill(dProbs, 0);
    Arrays.fill(dLogits, 0);
    if (cfg.auxCoef() > 0) {
      SwitchBalanceLoss.addGrad(cfg.auxCoef(), balanceLoad, n, dProbs);
    }
    if (cfg.seqAuxCoef() > 0) {
      SequenceBalanceLoss.addGrad(cfg.seqAuxCoef(), router.expert(), batch, n, k, experts, dProbs);
    }
    if (cfg.zCoef() > 0) {
      RouterZLoss.addGrad(cfg.zCoef(), router.softmaxOfLogits(), router.logSumExp(), n, experts, dLogits);
    }
    router.backward(dGate, dProbs, dLogits, dx);
    if (shared != null) {
      shared.addBackward(dy, dx);
    }
    return dx;
  }

  private void record() {
    int[] expert = router.expert();
    double[] gate = router.gate();
    int[] slot = dispatcher.slotOfPair();
    double[] meanGate = new double[experts];
    for (int p = 0; p < n * k; p++) {
      gateOut[p] = (float) gate[p];
      droppedOut[p] = slot[p] == n * k;
      meanGate[expert[p]] += gate[p] / n;
    }
    long[] dropped = dispatcher.dropped().clone();
    stats = new MoeStats(
        SwitchBalanceLoss.value(router.probs(), balanceLoad, n),
        SequenceBalanceLoss.value(router.probs(), expert, batch, n, k, experts),
        RouterZLoss.value(router.logSumExp(), n),
        Arrays.stream(dropped).sum(), dispatcher.load().clone(), dropped, meanGate);
    routing = new Routing(expert, gateOut, droppedOut);
  }

  /** The next backward overwrites the expert weights' gradients ({@link MoeTransformer#zeroGrads}). */
  void overwriteExpertGrads() {
    grouped.overwriteGrads();
  }

  /** See {@link MoeTransformer#sumLoadsWith}. */
  void sumLoadsWith(java.util.function.UnaryOperator<long[]> sum) {
    this.sumLoads = sum;
  }

  /** Losses and loads of the last forward. */
  public MoeStats stats() {
    return stats;
  }

  /** Routing decisions of the last forward (arrays reused by the next forward). */
  public Routing routing() {
    return routing;
  }
}
