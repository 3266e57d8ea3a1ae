package org.moespark.model;

/**
 * What one MoE forward measured.
 *
 * @param auxLoss Switch balance loss, unweighted (1 = balanced)
 * @param seqAuxLoss DeepSeek-V3 sequence-wise balance loss, unweighted
 * @param zLoss router z-loss, unweighted
 * @param droppedTokens (token, choice) pairs dropped by capacity
 * @param load [E] pairs routed to each expert (before capacity)
 * @param dropped [E] pairs dropped per expert
 * @param meanGate [E] mean over tokens of the gate given to each expert (0 where not selected,
 *     dropped pairs included): the token-averaged gate vector
 */
public record MoeStats(double auxLoss, double seqAuxLoss, double zLoss, long droppedTokens,
    long[] load, long[] dropped, double[] meanGate) {}
