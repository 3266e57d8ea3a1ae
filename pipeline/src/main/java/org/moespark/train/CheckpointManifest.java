package org.moespark.train;

import java.util.List;
import java.util.Map;

/**
 * What a checkpoint holds besides tensors: enough to resume exactly and to refuse resuming under
 * another configuration.
 *
 * @param config the flattened effective config (key → value) the run was started with
 * @param dataPosition batches consumed from the training stream
 * @param rngState named generator states (e.g. the data-order and jitter seeds' counters)
 * @param state names of the flat arrays saved beside the parameters (e.g. adam.m, adam.v)
 * @param expertSlots parameter slots stored one file per expert (first dimension = expert)
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
    String dataType) {

  public static final int FORMAT = 1;
}
