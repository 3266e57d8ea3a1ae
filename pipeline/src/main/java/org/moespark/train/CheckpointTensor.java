package org.moespark.train;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One tensor in one checkpoint file: {@code bytes} bytes from {@code offset}, c-order, values of
 * {@code dtype} in the manifest's byte order.
 *
 * @param name the parameter's name (e.g. {@code h1.moe.w13}); the same name appears once per
 *     array and, for an expert tensor, once per expert
 * @param array {@code params}, or the optimizer state array it belongs to ({@code adam.m}, …)
 * @param role what the parameter is ({@code DENSE}, {@code NO_DECAY}, {@code ROUTER},
 *     {@code EXPERT}, {@code SELECTION_ONLY})
 * @param shape of this entry: an expert tensor's entry is one expert's slice, without the expert
 *     dimension
 * @param dtype {@code float32} or {@code float64}
 * @param expert the global expert id of an {@code EXPERT} entry; absent otherwise
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CheckpointTensor(String name, String array, String role, long[] shape, String dtype,
    String file, long offset, long bytes, Integer expert) {}
