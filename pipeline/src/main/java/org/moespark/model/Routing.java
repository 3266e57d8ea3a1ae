package org.moespark.model;

/**
 * The routing decisions of one MoE forward, token-major: index {@code n·K + k}, k the rank
 * 0..K−1 by selection score. The arrays are reused by the next forward.
 *
 * @param expert [N·K] global expert ids
 * @param gate [N·K] gate values (unbiased scores, renormalised when configured)
 * @param dropped [N·K] whether capacity dropped the pair
 */
public record Routing(int[] expert, float[] gate, boolean[] dropped) {}
