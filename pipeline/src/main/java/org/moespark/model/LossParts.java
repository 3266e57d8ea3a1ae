package org.moespark.model;

/**
 * The training loss and its parts: {@code total = ce + auxCoef·aux + seqAuxCoef·seqAux + zCoef·z}.
 * The router losses are unweighted and averaged over the MoE layers (0 for a dense model).
 */
public record LossParts(double ce, double aux, double seqAux, double z, double total) {}
