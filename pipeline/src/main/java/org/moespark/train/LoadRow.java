package org.moespark.train;

import java.io.Serializable;

/** One row of {@code expert_load/}: one expert of one MoE layer at one step, over all ranks. */
public record LoadRow(long step, int layer, int expert, long tokens, long dropped, double meanGate,
    double bias) implements Serializable {}
