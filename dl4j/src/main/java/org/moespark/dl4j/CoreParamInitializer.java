package org.moespark.dl4j;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.moespark.model.ParamBuffer;
import org.moespark.model.ParamBuffer.Role;
import org.moespark.model.ParamInit;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J's parameter contract over the core's layout: the params (gradient) view array of a
 * {@link CoreLayer} is the core's flat parameter (gradient) buffer, each DL4J parameter a shaped
 * view of one slot (key: {@link #key}), in layout order (the order DL4J's flat vector and gradient checks assume).
 * Weight decay follows the declared roles: decayed slots are DL4J "weights", no-decay slots
 * (norm gains) "biases", and the selection-only expert bias neither.
 */
final class CoreParamInitializer implements ParamInitializer {
  static final CoreParamInitializer INSTANCE = new CoreParamInitializer();

  private CoreParamInitializer() {}

  private static CoreLayer core(Layer layer) {
    return (CoreLayer) layer;
  }

  @Override
  public long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public long numParams(Layer layer) {
    ParamBuffer.Builder b = core(layer).layout();
    return b.elements(false) + b.elements(true);
  }

  @Override
  public List<String> paramKeys(Layer layer) {
    return keys(layer, s -> true);
  }

  @Override
  public List<String> weightKeys(Layer layer) {
    return keys(layer, s -> s.decay());
  }

  @Override
  public List<String> biasKeys(Layer layer) {
    return keys(layer, s -> s.role() == Role.NO_DECAY);
  }

  @Override
  public boolean isWeightParam(Layer layer, String key) {
    return weightKeys(layer).contains(key);
  }

  @Override
  public boolean isBiasParam(Layer layer, String key) {
    return biasKeys(layer).contains(key);
  }

  /**
   * Views of {@code paramsView}; when initialising, the core's seeded init (per slot streams) from
   * the network seed mixed with the layer name, so equally named slots of two layers differ.
   */
  @Override
  public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView,
      boolean initializeParams) {
    CoreLayer layer = core(conf.getLayer());
    ParamBuffer pb = layer.layout().wrap(paramsView, null);
    if (initializeParams) {
      ParamInit.init(pb, layer.modelConfig(), initSeed(conf));
    }
    return views(pb);
  }

  @Override
  public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf,
      INDArray gradientView) {
    return views(core(conf.getLayer()).layout().wrap(gradientView, null));
  }

  static long initSeed(NeuralNetConfiguration conf) {
    String name = conf.getLayer().getLayerName();
    return conf.getSeed() * 0x9E3779B97F4A7C15L + (name == null ? 0 : name.hashCode());
  }

  private static Map<String, INDArray> views(ParamBuffer pb) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (ParamBuffer.Slot s : pb.slots()) {
      out.put(key(s), pb.view(s.name()));
    }
    return out;
  }

  private static List<String> keys(Layer layer, Predicate<ParamBuffer.Slot> which) {
    return core(layer).layout().layout().stream().filter(which).map(CoreParamInitializer::key).toList();
  }

  /**
   * The DL4J parameter key of a slot: its name with '_' as '-', because DL4J's updater splits
   * {@code layer_key} gradient names at the last underscore.
   */
  static String key(ParamBuffer.Slot s) {
    return s.name().replace('_', '-');
  }
}
