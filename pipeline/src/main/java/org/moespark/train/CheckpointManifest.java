package org.moespark.train;

import java.util.List;
import java.util.Map;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeTransformer;
import org.moespark.model.ParamBuffer;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What a checkpoint holds besides tensors: enough to resume exactly, to refuse resuming under
 * another configuration, and (format 2) to load the tensors without this code base.
 *
 * @param config the flattened effective config (key → value) of the variant: the dense twin's
 *     has {@code model.dense = true}
 * @param dataPosition batches consumed from the training stream
 * @param rngState named generator states (e.g. the data-order and jitter seeds' counters)
 * @param state names of the flat arrays saved beside the parameters (e.g. adam.m, adam.v)
 * @param expertSlots parameter slots stored one file per expert (first dimension = expert)
 * @param experts experts of the saved model (0 for a dense model)
 * @param byteOrder of every value in the tensor files ({@code little-endian})
 * @param model the variant's model as trained (null in format-1 checkpoints)
 * @param tensors every tensor of the whole model in every file, with its byte offset (empty in
 *     format-1 checkpoints); {@code data-schemas/checkpoint.md} describes the format
 */
public record CheckpointManifest(
    int format,
    long step,
    long tokensSeen,
    long dataPosition,
    Map<String, Long> rngState,
    Map<String, String> config,
    String tokenizerHash,
    List<String> state,
    List<String> expertSlots,
    int experts,
    String dataType,
    String byteOrder,
    CheckpointModel model,
    List<CheckpointTensor> tensors) {

  public static final int FORMAT = 2;
  public static final String LITTLE_ENDIAN = "little-endian";

  /**
   * The manifest of a checkpoint of {@code model} in {@code type}. The tensor list describes the
   * whole model (global shapes, every expert file), never a rank's shard: an outside reader must
   * not need to know how the run was sharded.
   */
  public static CheckpointManifest of(ModelConfig model, DataType type, long step, long tokensSeen,
      long dataPosition, Map<String, Long> rngState, Map<String, String> config, String tokenizerHash,
      List<String> state) {
    List<ParamBuffer.Slot> whole = MoeTransformer.layout(model).layout();
    return new CheckpointManifest(FORMAT, step, tokensSeen, dataPosition, rngState, config,
        tokenizerHash, state,
        whole.stream().filter(ParamBuffer.Slot::isExpert).map(ParamBuffer.Slot::name).toList(),
        model.dense() ? 0 : model.experts(), type.name(), LITTLE_ENDIAN, CheckpointModel.of(model),
        CheckpointTensors.describe(whole, state, type));
  }
}
