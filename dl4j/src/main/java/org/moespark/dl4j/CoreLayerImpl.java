package org.moespark.dl4j;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.moespark.model.Buffers;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeStats;
import org.moespark.model.ParamBuffer;
import org.nd4j.common.base.Preconditions;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The runtime side of a {@link CoreLayer}: a core module over DL4J's params and gradient view
 * arrays (zero copy), with activations moved between DL4J's layouts and the core's token-major
 * {@code [N, C]} rows (one copy each way, into buffers the layer owns, so the core may keep its
 * input until backward).
 *
 * <p>Gradient convention: DL4J's epsilon is the gradient of the loss SUMMED over examples and its
 * updater divides by the minibatch; the core's backward gives the gradient of the per-token MEAN
 * plus the router losses. So epsilon enters scaled by 1/N and the gradients leave scaled by N
 * (N = tokens), which also weights the router losses as {@link CoreLayer} documents.
 *
 * <p>The core keeps its buffers across steps, so its work runs outside DL4J's workspaces (an
 * array allocated in one is invalid once the workspace cycles); only the returned activations
 * and epsilons live in them.
 */
abstract class CoreLayerImpl extends BaseLayer<CoreLayer> {
  private ParamBuffer pb;
  private INDArray x;
  private INDArray dy;
  private int batch;
  private int seq;
  private boolean forwarded;

  CoreLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  /** Builds the core module over {@code pb} (dtype of the network). */
  protected abstract void build(ParamBuffer pb, ModelConfig cfg, long seed);

  /** x [N, C] of {@code batch} sequences of {@code seq} tokens → y [N, C]. */
  protected abstract INDArray forward(INDArray x, int batch, int seq, boolean training);

  /** dy [N, C] → dx [N, C], accumulating into the gradient views. */
  protected abstract INDArray backward(INDArray dy);

  /** Router statistics of the last forward, or null for a layer without an MoE FFN. */
  public abstract MoeStats stats();

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    INDArray y;
    try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      ensureCore();
      x = toTokens(input, x);
      y = forward(x, batch, seq, training);
    }
    forwarded = true;
    INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, y.dataType(), input.shape(), 'c');
    fromTokens(y, out, 1);
    return out;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    Preconditions.checkState(forwarded && gradientsFlattened != null,
        "backprop needs a forward pass and the network's gradient view (ComputationGraph.initGradientsView) %s",
        layerId());
    long tokens = x.rows();
    INDArray dx;
    try (MemoryWorkspace ws = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
      dy = toTokens(epsilon, dy).divi(tokens);
      INDArray into = pb.grads();
      into.assign(0);
      dx = backward(dy);
      if (into != gradientsFlattened) {
        // DL4J creates the gradient view between the first forward and its backward
        // (ComputationGraph.calcBackpropGradients): copy once; the next forward uses the view.
        gradientsFlattened.assign(into);
      }
      gradientsFlattened.muli(tokens);
    }
    INDArray epsOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dx.dataType(), input.shape(), 'c');
    fromTokens(dx, epsOut, tokens);
    Gradient g = new DefaultGradient(gradientsFlattened);
    for (Map.Entry<String, INDArray> e : gradientViews.entrySet()) {
      g.setGradientFor(e.getKey(), e.getValue());
    }
    return new Pair<>(g, epsOut);
  }

  /** Regularization plus the router losses of the last forward, weighted per {@link CoreLayer}. */
  @Override
  public double calcRegularizationScore(boolean backpropParamsOnly) {
    double score = super.calcRegularizationScore(backpropParamsOnly);
    MoeStats s = forwarded ? stats() : null;
    if (s == null) {
      return score;
    }
    ModelConfig cfg = layerConf().modelConfig();
    double tokensPerExample = (double) x.rows() / input.size(0);
    return score + tokensPerExample * (cfg.auxCoef() * s.auxLoss() + cfg.seqAuxCoef() * s.seqAuxLoss()
        + cfg.zCoef() * s.zLoss());
  }

  /**
   * The core over the current views, rebuilt when DL4J has replaced one; without a gradient view
   * yet (inference, or the first forward of a gradient computation) the gradients go to a private
   * buffer.
   */
  private void ensureCore() {
    if (pb != null && pb.params() == paramsFlattened
        && (gradientsFlattened == null || pb.grads() == gradientsFlattened)) {
      return;
    }
    CoreLayer conf = layerConf();
    INDArray grads = gradientsFlattened != null ? gradientsFlattened : paramsFlattened.like();
    pb = conf.layout().wrap(paramsFlattened, grads);
    build(pb, conf.modelConfig(), CoreParamInitializer.initSeed(this.conf));
  }

  /** DL4J activations → c-order [N, C] rows (sequence-major), setting batch and seq. */
  private INDArray toTokens(INDArray a, INDArray buf) {
    long c = layerConf().getNIn();
    DataType type = paramsFlattened.dataType();
    if (a.rank() == 2) {
      Preconditions.checkArgument(a.columns() == c, "input %s has %s columns, the layer width is %s %s",
          a.shapeInfoToString(), a.columns(), c, layerId());
      batch = 1;
      seq = (int) a.rows();
      buf = Buffers.ensure(buf, type, a.rows(), c);
      return buf.assign(a);
    }
    Preconditions.checkArgument(a.rank() == 3, "expected [N, C] or a recurrent [B, C, T] / [B, T, C] input, got %s %s",
        a.shapeInfoToString(), layerId());
    boolean ncw = layerConf().dataFormat() == RNNFormat.NCW;
    batch = (int) a.size(0);
    seq = (int) a.size(ncw ? 2 : 1);
    Preconditions.checkArgument(a.size(ncw ? 1 : 2) == c, "input %s (%s) has width %s, the layer width is %s %s",
        a.shapeInfoToString(), layerConf().dataFormat(), a.size(ncw ? 1 : 2), c, layerId());
    buf = Buffers.ensure(buf, type, (long) batch * seq, c);
    buf.reshape('c', batch, seq, c).assign(ncw ? a.permute(0, 2, 1) : a);
    return buf;
  }

  /** Core rows [N, C] (times {@code scale}) → {@code out} in the input's DL4J layout. */
  private void fromTokens(INDArray rows, INDArray out, double scale) {
    INDArray src = out.rank() == 2 ? rows : rows.reshape('c', batch, seq, rows.columns());
    if (out.rank() == 3 && layerConf().dataFormat() == RNNFormat.NCW) {
      src = src.permute(0, 2, 1);
    }
    out.assign(src);
    if (scale != 1) {
      out.muli(scale);
    }
  }
}
