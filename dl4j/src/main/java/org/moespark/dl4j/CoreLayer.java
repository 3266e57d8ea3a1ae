package org.moespark.dl4j;

import java.util.Collection;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.moespark.model.ModelConfig;
import org.moespark.model.ParamBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Configuration shared by the DL4J layers that wrap a module of the moe-spark core: the MoE
 * options, the parameter layout (the core's {@link ParamBuffer} slots, laid over DL4J's params
 * view) and width-preserving input/output types. Feed-forward input {@code [N, C]} is N tokens of
 * one sequence; recurrent input {@code [B, C, T]} (NCW) or {@code [B, T, C]} (NWC) is B sequences.
 *
 * <p>Router losses follow DL4J's recurrent convention (per-token losses summed over time, averaged
 * over examples): a layer adds {@code T·(auxCoef·aux + seqAuxCoef·seqAux + zCoef·z)} to the score,
 * so with an {@code RnnOutputLayer} the score is T times the core's per-token loss and the
 * coefficients mean what they mean in {@code model.*}.
 */
public abstract class CoreLayer extends FeedForwardLayer {
  @JsonProperty private int ffnHidden;
  @JsonProperty private int experts;
  @JsonProperty private int topK;
  @JsonProperty private ModelConfig.Router router;
  @JsonProperty private boolean normalizeGates;
  @JsonProperty private double jitter;
  @JsonProperty private double capacityFactor;
  @JsonProperty private int sharedExperts;
  @JsonProperty private int sharedHidden;
  @JsonProperty private double auxCoef;
  @JsonProperty private double seqAuxCoef;
  @JsonProperty private double zCoef;
  @JsonProperty private double initStd;
  @JsonProperty private int depth;
  @JsonProperty private RNNFormat dataFormat;

  /** For JSON. */
  protected CoreLayer() {}

  protected CoreLayer(Builder<?> b) {
    super(b);
    this.nOut = b.getNIn();
    this.ffnHidden = b.ffnHidden;
    this.experts = b.experts;
    this.topK = b.topK;
    this.router = b.router;
    this.normalizeGates = b.normalizeGates;
    this.jitter = b.jitter;
    this.capacityFactor = b.capacityFactor;
    this.sharedExperts = b.sharedExperts;
    this.sharedHidden = b.sharedHidden;
    this.auxCoef = b.auxCoef;
    this.seqAuxCoef = b.seqAuxCoef;
    this.zCoef = b.zCoef;
    this.initStd = b.initStd;
    this.depth = b.depth;
    this.dataFormat = b.dataFormat;
  }

  /** The runtime layer of this configuration (its views are set by {@link #instantiate}). */
  protected abstract CoreLayerImpl newImpl(NeuralNetConfiguration conf, DataType networkDataType);

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray paramsView, boolean initializeParams, DataType networkDataType) {
    LayerValidation.assertNInNOutSet(getClass().getSimpleName(), getLayerName(), layerIndex, getNIn(), getNOut());
    CoreLayerImpl layer = newImpl(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(paramsView);
    layer.setParamTable(initializer().init(conf, paramsView, initializeParams));
    layer.setConf(conf);
    return layer;
  }

  /** Attention heads of the core config; layers without attention keep the one head it validates. */
  protected int heads() {
    return 1;
  }

  /** RoPE base of the core config; unused by layers without attention. */
  protected double ropeTheta() {
    return 10000;
  }

  protected abstract double normEps();

  /** Declares this layer's slots (no prefix) for {@code cfg}. */
  protected abstract void addSlots(ParamBuffer.Builder b, ModelConfig cfg);

  /**
   * The core's config for this layer: width nIn, the MoE options, and {@code depth} as the layer
   * count (the GPT-2 residual init scale); vocabulary and sequence length do not apply here.
   */
  public ModelConfig modelConfig() {
    return new ModelConfig(1, Math.toIntExact(getNIn()), depth, heads(), 1, ffnHidden, experts, topK,
        router, normalizeGates, jitter, capacityFactor, sharedExperts, sharedHidden, 1, auxCoef,
        seqAuxCoef, zCoef, 0, false, true, ropeTheta(), normEps(), initStd);
  }

  /** The core's slot layout of this layer; DL4J's params view is its flat buffer. */
  public ParamBuffer.Builder layout() {
    ParamBuffer.Builder b = ParamBuffer.builder();
    addSlots(b, modelConfig());
    return b;
  }

  public RNNFormat dataFormat() {
    return dataFormat;
  }

  @Override
  public ParamInitializer initializer() {
    return CoreParamInitializer.INSTANCE;
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    if (inputType instanceof InputType.InputTypeRecurrent r) {
      return InputType.recurrent(getNIn(), r.getTimeSeriesLength(), r.getFormat());
    }
    return super.getOutputType(layerIndex, inputType);
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    super.setNIn(inputType, override);
    nOut = nIn;
    if (inputType instanceof InputType.InputTypeRecurrent r) {
      dataFormat = r.getFormat();
    }
  }

  /** Recurrent activations are taken as they come (the layer needs the sequences). */
  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return inputType.getType() == InputType.Type.RNN ? null : super.getPreProcessorForInputType(inputType);
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    long params = initializer().numParams(this);
    return new LayerMemoryReport.Builder(layerName, getClass(), inputType, getOutputType(-1, inputType))
        .standardMemory(params, getIUpdater().stateSize(params))
        .workingMemory(0, 0, 0, 4L * inputType.arrayElementsPerExample())
        .cacheMemory(0, 0)
        .build();
  }

  /** The MoE options, in DL4J builder style; defaults are moe-spark's {@code model.*} defaults. */
  @SuppressWarnings("unchecked")
  public abstract static class Builder<T extends Builder<T>> extends FeedForwardLayer.Builder<T> {
    private int ffnHidden = 512;
    private int experts = 8;
    private int topK = 2;
    private ModelConfig.Router router = ModelConfig.Router.SOFTMAX;
    private boolean normalizeGates = true;
    private double jitter;
    private double capacityFactor;
    private int sharedExperts;
    private int sharedHidden;
    private double auxCoef = 0.01;
    private double seqAuxCoef;
    private double zCoef = 0.001;
    private double initStd = 0.02;
    private int depth = 1;
    private RNNFormat dataFormat = RNNFormat.NCW;

    /** F: each expert's hidden width. */
    public T ffnHidden(int f) {
      this.ffnHidden = f;
      return (T) this;
    }

    public T experts(int e) {
      this.experts = e;
      return (T) this;
    }

    public T topK(int k) {
      this.topK = k;
      return (T) this;
    }

    public T router(ModelConfig.Router r) {
      this.router = r;
      return (T) this;
    }

    public T normalizeGates(boolean normalize) {
      this.normalizeGates = normalize;
      return (T) this;
    }

    public T jitter(double j) {
      this.jitter = j;
      return (T) this;
    }

    /** 0 = dropless. */
    public T capacityFactor(double cf) {
      this.capacityFactor = cf;
      return (T) this;
    }

    public T sharedExperts(int count, int hidden) {
      this.sharedExperts = count;
      this.sharedHidden = hidden;
      return (T) this;
    }

    /** Weights of the Switch balance loss, DeepSeek's sequence-wise one and the router z-loss. */
    public T routerLosses(double aux, double seqAux, double z) {
      this.auxCoef = aux;
      this.seqAuxCoef = seqAux;
      this.zCoef = z;
      return (T) this;
    }

    public T initStd(double std) {
      this.initStd = std;
      return (T) this;
    }

    /** Layers of the whole network, for the residual-projection init scale 1/√(2·depth). */
    public T depth(int layers) {
      this.depth = layers;
      return (T) this;
    }

    /** Layout of recurrent input (set from the input type when the graph has one). */
    public T dataFormat(RNNFormat format) {
      this.dataFormat = format;
      return (T) this;
    }
  }
}
