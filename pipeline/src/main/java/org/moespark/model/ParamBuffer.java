package org.moespark.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Parameters as named, c-order views into one flat allocation, with a gradient buffer of the
 * same layout. The optimizer, clipping, all-reduce and checkpoints see one array each (one op,
 * not hundreds); layers see shaped views (DL4J's params-view contract).
 */
public final class ParamBuffer {
  /** One named tensor: its offset into the flat buffer and its shape. */
  public record Slot(String name, long offset, long[] shape, boolean decay) {
    public long length() {
      long n = 1;
      for (long s : shape) {
        n *= s;
      }
      return n;
    }
  }

  private final Map<String, Slot> slots;
  private final INDArray params;
  private final INDArray grads;

  private ParamBuffer(Map<String, Slot> slots, long total, DataType type) {
    this.slots = slots;
    this.params = Nd4j.zeros(type, total);
    this.grads = Nd4j.zeros(type, total);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The flat parameter vector [P]. */
  public INDArray params() {
    return params;
  }

  /** The flat gradient vector [P], same layout as {@link #params()}. */
  public INDArray grads() {
    return grads;
  }

  public INDArray view(String name) {
    return shaped(params, slot(name));
  }

  public INDArray grad(String name) {
    return shaped(grads, slot(name));
  }

  public Slot slot(String name) {
    Slot s = slots.get(name);
    Preconditions.checkArgument(s != null, "no parameter named %s; have %s", name, slots.keySet());
    return s;
  }

  public List<Slot> slots() {
    return List.copyOf(slots.values());
  }

  public long size() {
    return params.length();
  }

  public DataType dataType() {
    return params.dataType();
  }

  private static INDArray shaped(INDArray flat, Slot s) {
    return flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(s.offset(), s.offset() + s.length()))
        .reshape('c', s.shape());
  }

  /** Collects slots in order; {@link #allocate} lays them out back to back. */
  public static final class Builder {
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private long total;

    /** A tensor that weight decay applies to (matrices). */
    public Builder add(String name, long... shape) {
      return add(name, true, shape);
    }

    /** A tensor without weight decay (norm gains, biases, embeddings as configured). */
    public Builder addNoDecay(String name, long... shape) {
      return add(name, false, shape);
    }

    private Builder add(String name, boolean decay, long... shape) {
      Preconditions.checkArgument(!slots.containsKey(name), "duplicate parameter %s", name);
      Slot s = new Slot(name, total, shape.clone(), decay);
      slots.put(name, s);
      total += s.length();
      return this;
    }

    public ParamBuffer allocate(DataType type) {
      Preconditions.checkState(total > 0, "no parameters added");
      return new ParamBuffer(new LinkedHashMap<>(slots), total, type);
    }
  }
}
