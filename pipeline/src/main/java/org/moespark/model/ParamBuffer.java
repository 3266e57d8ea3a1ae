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
  /**
   * What a parameter is, declared once where the model lays out its slots: the optimizer, the
   * initialisation, clipping, all-reduce and checkpoints read it here instead of from names.
   */
  public enum Role {
    /** A replicated matrix with weight decay. */
    DENSE(true),
    /** A replicated tensor without weight decay (norm gains, embeddings). */
    NO_DECAY(false),
    /** Router weights: replicated, decayed, optionally with their own learning-rate scale. */
    ROUTER(true),
    /**
     * Stacked per expert (first dimension = expert), decayed; all expert slots form one contiguous
     * region after the replicated ones, so an expert-parallel split and the per-expert checkpoint
     * files are ranges of it.
     */
    EXPERT(true),
    /** Used for selection only (DeepSeek's expert bias): no gradient, no optimizer update. */
    SELECTION_ONLY(false);

    private final boolean decay;

    Role(boolean decay) {
      this.decay = decay;
    }
  }

  /** How a slot is initialised (GPT-2 scheme, see ParamInit). */
  public enum Init { ONES, ZEROS, NORMAL, RESIDUAL_NORMAL }

  /** One named tensor: its offset into the flat buffer, its shape and what it is. */
  public record Slot(String name, long offset, long[] shape, Role role, Init init) {
    public boolean decay() {
      return role.decay;
    }

    public boolean isExpert() {
      return role == Role.EXPERT;
    }

    public long length() {
      long n = 1;
      for (long s : shape) {
        n *= s;
      }
      return n;
    }
  }

  private final Map<String, Slot> slots;
  private final int firstExpert;
  private final long expertOffset;
  private final INDArray params;
  private final INDArray grads;

  private ParamBuffer(Map<String, Slot> slots, int firstExpert, long expertOffset, INDArray params,
      INDArray grads) {
    this.slots = slots;
    this.firstExpert = firstExpert;
    this.expertOffset = expertOffset;
    this.params = params;
    this.grads = grads;
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
    Preconditions.checkState(grads != null, "parameter %s: this buffer holds values only (see Builder.wrap)",
        name);
    return shaped(grads, slot(name));
  }

  public Slot slot(String name) {
    Slot s = slots.get(name);
    Preconditions.checkArgument(s != null, "no parameter named %s; have %s", name, slots.keySet());
    return s;
  }

  /** The slots in layout order: replicated ones first, then the expert region. */
  public List<Slot> slots() {
    return List.copyOf(slots.values());
  }

  /**
   * Global id of the first expert whose slices the expert slots hold (0 unless this is an
   * expert-parallel shard); slice i of an expert slot is expert {@code firstExpert() + i}.
   */
  public int firstExpert() {
    return firstExpert;
  }

  /** Offset of the contiguous expert region (= {@link #size()} without expert slots). */
  public long expertOffset() {
    return expertOffset;
  }

  public long size() {
    return params.length();
  }

  public DataType dataType() {
    return params.dataType();
  }

  /**
   * Built on the data buffer at an absolute offset rather than with {@code get(interval)}: a
   * wrapped flat array may itself be a view deep into a larger one (DL4J's per-layer params view),
   * where M2.1's {@code get} misreads the offset (see {@link Views}).
   */
  private static INDArray shaped(INDArray flat, Slot s) {
    return Nd4j.create(flat.data(), s.shape(), Nd4j.getStrides(s.shape(), 'c'),
        flat.offset() + s.offset(), 'c');
  }

  /**
   * Collects slots; {@link #allocate} lays out the replicated slots back to back in the order
   * added, then the expert slots in the order added (one contiguous expert region).
   */
  public static final class Builder {
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private int firstExpert;

    /** The expert slots hold experts from global id {@code first} on (an expert-parallel shard). */
    public Builder firstExpert(int first) {
      this.firstExpert = first;
      return this;
    }

    /** A dense matrix with weight decay, normal init. */
    public Builder add(String name, long... shape) {
      return add(name, Role.DENSE, Init.NORMAL, shape);
    }

    /** A tensor without weight decay, normal init. */
    public Builder addNoDecay(String name, long... shape) {
      return add(name, Role.NO_DECAY, Init.NORMAL, shape);
    }

    public Builder add(String name, Role role, Init init, long... shape) {
      Preconditions.checkArgument(!slots.containsKey(name), "duplicate parameter %s", name);
      slots.put(name, new Slot(name, -1, shape.clone(), role, init));
      return this;
    }

    /** Elements of the expert slots ({@code true}) or of the others, without allocating. */
    public long elements(boolean experts) {
      return slots.values().stream().filter(s -> s.isExpert() == experts).mapToLong(Slot::length).sum();
    }

    public ParamBuffer allocate(DataType type) {
      long total = elements(false) + elements(true);
      Preconditions.checkState(total > 0, "no parameters added");
      return wrap(Nd4j.zeros(type, total), Nd4j.zeros(type, total));
    }

    /**
     * The layout over existing contiguous arrays of {@link #elements} length (zero copy: DL4J's
     * params and gradient view arrays); {@code grads} may be null for values only (initialising,
     * reading), where {@link ParamBuffer#grad} fails.
     */
    public ParamBuffer wrap(INDArray params, INDArray grads) {
      Map<String, Slot> laid = new LinkedHashMap<>();
      long replicated = place(laid, false, 0);
      long total = place(laid, true, replicated);
      for (INDArray a : grads == null ? List.of(params) : List.of(params, grads)) {
        Preconditions.checkArgument(a.length() == total && a.elementWiseStride() == 1,
            "a flat buffer of %s contiguous elements is needed for this layout, got %s", total,
            a.shapeInfoToString());
      }
      return new ParamBuffer(laid, firstExpert, replicated, params, grads);
    }

    /**
     * The slots as {@link #allocate} would lay them out, without allocating: a checkpoint describes
     * the whole model from this while a rank holds only its shard.
     */
    public List<Slot> layout() {
      Map<String, Slot> laid = new LinkedHashMap<>();
      place(laid, true, place(laid, false, 0));
      return List.copyOf(laid.values());
    }

    /** Lays out the expert or the replicated slots from {@code offset}; returns the end. */
    private long place(Map<String, Slot> laid, boolean experts, long offset) {
      for (Slot s : slots.values()) {
        if (s.isExpert() == experts) {
          laid.put(s.name(), new Slot(s.name(), offset, s.shape(), s.role(), s.init()));
          offset += s.length();
        }
      }
      return offset;
    }
  }
}
