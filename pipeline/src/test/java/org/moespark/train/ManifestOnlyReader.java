package org.moespark.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checkpoint reader that knows only the documented format (data-schemas/checkpoint.md): it parses
 * manifest.json as plain JSON (not {@link CheckpointManifest}) and reads each tensor at its byte
 * offset; it never calls the model's layout code or {@link CheckpointStore}. Experts are stacked
 * on a leading dimension by their {@code expert} field, as an outside reader would.
 */
final class ManifestOnlyReader {
  /** A tensor of the whole model: its shape and c-order values. */
  record Tensor(String role, long[] shape, double[] values) {}

  final JsonNode manifest;
  private final Path dir;

  ManifestOnlyReader(Path checkpointDir) throws IOException {
    this.dir = checkpointDir;
    this.manifest = new ObjectMapper().readTree(checkpointDir.resolve("manifest.json").toFile());
  }

  /** The tensors of {@code array} ({@code params}, {@code adam.m}, …) by name. */
  Map<String, Tensor> tensors(String array) throws IOException {
    if (!manifest.path("byteOrder").asText().equals("little-endian")) {
      throw new IllegalStateException("unexpected byte order " + manifest.path("byteOrder"));
    }
    Map<String, List<JsonNode>> byName = new LinkedHashMap<>();
    for (JsonNode t : manifest.withArray("tensors")) {
      if (t.get("array").asText().equals(array)) {
        byName.computeIfAbsent(t.get("name").asText(), k -> new ArrayList<>()).add(t);
      }
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<JsonNode>> e : byName.entrySet()) {
      List<JsonNode> parts = new ArrayList<>(e.getValue());
      parts.sort(java.util.Comparator.comparingInt(t -> t.path("expert").asInt(-1)));
      JsonNode first = parts.get(0);
      long[] shape = shape(first.get("shape"));
      boolean expert = first.has("expert");
      List<Double> values = new ArrayList<>();
      for (JsonNode p : parts) {
        for (double v : read(p)) {
          values.add(v);
        }
      }
      if (expert) {
        long[] stacked = new long[shape.length + 1];
        stacked[0] = parts.size();
        System.arraycopy(shape, 0, stacked, 1, shape.length);
        shape = stacked;
      }
      out.put(e.getKey(), new Tensor(first.get("role").asText(), shape,
          values.stream().mapToDouble(Double::doubleValue).toArray()));
    }
    return out;
  }

  private double[] read(JsonNode t) throws IOException {
    int width = switch (t.get("dtype").asText()) {
      case "float32" -> 4;
      case "float64" -> 8;
      default -> throw new IllegalStateException("dtype " + t.get("dtype"));
    };
    long count = 1;
    for (long d : shape(t.get("shape"))) {
      count *= d;
    }
    if (count * width != t.get("bytes").asLong()) {
      throw new IllegalStateException(t + ": shape and bytes disagree");
    }
    byte[] b = new byte[Math.toIntExact(t.get("bytes").asLong())];
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve(t.get("file").asText()).toFile(), "r")) {
      f.seek(t.get("offset").asLong());
      f.readFully(b);
    }
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    double[] v = new double[(int) count];
    for (int i = 0; i < count; i++) {
      v[i] = width == 4 ? bb.getFloat() : bb.getDouble();
    }
    return v;
  }

  private static long[] shape(JsonNode n) {
    long[] s = new long[n.size()];
    for (int i = 0; i < s.length; i++) {
      s[i] = n.get(i).asLong();
    }
    return s;
  }
}
