package org.moespark.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.moespark.model.ParamBuffer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The tensor list of a checkpoint, computed from the WHOLE model's layout (not a rank's shard), in
 * the order {@link CheckpointStore} writes: {@code dense.bin} holds the non-expert slots in layout
 * order for the parameters, then the same for each state array; {@code expert-NNNNN.bin} holds that
 * expert's slice of each expert slot, for the parameters, then for each state array.
 */
public final class CheckpointTensors {
  public static final String PARAMS = "params";
  public static final String DENSE_FILE = "dense.bin";

  private CheckpointTensors() {}

  public static List<CheckpointTensor> describe(List<ParamBuffer.Slot> wholeModel, List<String> state,
      DataType type) {
    int width = type.width();
    String dtype = dtype(type);
    List<String> arrays = new ArrayList<>(List.of(PARAMS));
    arrays.addAll(state);
    List<ParamBuffer.Slot> dense = wholeModel.stream().filter(s -> !s.isExpert()).toList();
    List<ParamBuffer.Slot> experts = wholeModel.stream().filter(ParamBuffer.Slot::isExpert).toList();
    List<CheckpointTensor> out = new ArrayList<>();
    long offset = 0;
    for (String array : arrays) {
      for (ParamBuffer.Slot s : dense) {
        long bytes = s.length() * width;
        out.add(new CheckpointTensor(s.name(), array, s.role().name(), s.shape(), dtype, DENSE_FILE,
            offset, bytes, null));
        offset += bytes;
      }
    }
    int count = experts.isEmpty() ? 0 : (int) experts.get(0).shape()[0];
    for (int e = 0; e < count; e++) {
      String file = expertFile(e);
      long at = 0;
      for (String array : arrays) {
        for (ParamBuffer.Slot s : experts) {
          long[] one = Arrays.copyOfRange(s.shape(), 1, s.shape().length);
          long bytes = s.length() / s.shape()[0] * width;
          out.add(new CheckpointTensor(s.name(), array, s.role().name(), one, dtype, file, at, bytes, e));
          at += bytes;
        }
      }
    }
    return out;
  }

  /** Bytes {@code file} must have: the end of its last tensor. */
  static long fileBytes(List<CheckpointTensor> tensors, String file) {
    return tensors.stream().filter(t -> t.file().equals(file)).mapToLong(t -> t.offset() + t.bytes())
        .max().orElse(0);
  }

  public static String expertFile(int expert) {
    return String.format("expert-%05d.bin", expert);
  }

  public static String dtype(DataType type) {
    return switch (type) {
      case FLOAT -> "float32";
      case DOUBLE -> "float64";
      default -> throw new IllegalArgumentException("checkpoints hold float32 or float64, not " + type);
    };
  }
}
