package org.moespark.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads and writes a {@link BpeModel} as a Hugging Face {@code tokenizers} tokenizer.json: model
 * BPE (vocab + merges, no unk token, merges applied even to whole-vocab words), ByteLevel
 * pre-tokenizer with the GPT-2 regex and no prefix space, ByteLevel decoder, the special tokens
 * as added tokens. Paths go through the Hadoop FileSystem API, so local and HDFS both work.
 */
public final class TokenizerJson {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TokenizerJson() {}

  /** {@code <out>/tokenizer/run_id=<runId>/tokenizer.json} */
  public static String path(String out, String runId) {
    return out.replaceAll("/+$", "") + "/tokenizer/run_id=" + runId + "/tokenizer.json";
  }

  public static void write(BpeModel model, String path, Configuration hadoop) {
    Path p = new Path(path);
    try (OutputStream os = p.getFileSystem(hadoop).create(p, true)) {
      JSON.writerWithDefaultPrettyPrinter().writeValue(os, toJson(model));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + path, e);
    }
  }

  public static BpeModel read(String path, Configuration hadoop) {
    Path p = new Path(path);
    try (InputStream in = p.getFileSystem(hadoop).open(p)) {
      return fromJson(JSON.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  static ObjectNode toJson(BpeModel model) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    root.putNull("padding");
    ArrayNode added = root.putArray("added_tokens");
    for (String s : model.specials()) {
      added.addObject().put("id", model.specialId(s)).put("content", s).put("single_word", false)
          .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
    }
    root.putNull("normalizer");
    byteLevel(root.putObject("pre_tokenizer"));
    root.putNull("post_processor");
    byteLevel(root.putObject("decoder"));
    ObjectNode bpe = root.putObject("model");
    bpe.put("type", "BPE");
    bpe.putNull("dropout");
    bpe.putNull("unk_token");
    bpe.putNull("continuing_subword_prefix");
    bpe.putNull("end_of_word_suffix");
    bpe.put("fuse_unk", false);
    bpe.put("byte_fallback", false);
    bpe.put("ignore_merges", false);
    ObjectNode vocab = bpe.putObject("vocab");
    for (int id = 0; id < model.vocabSize(); id++) {
      vocab.put(model.spelling(id), id);
    }
    ArrayNode merges = bpe.putArray("merges");
    for (int r = 0; r < model.mergeCount(); r++) {
      // Byte-level spellings never hold a space (byte 0x20 is spelled 'Ġ'), so "a b" is unambiguous.
      merges.add(model.spelling(model.left(r)) + " " + model.spelling(model.right(r)));
    }
    return root;
  }

  private static void byteLevel(ObjectNode n) {
    n.put("type", "ByteLevel");
    n.put("add_prefix_space", false);
    n.put("trim_offsets", true);
    n.put("use_regex", true);
  }

  /** Rebuilds the model from its merges and checks that every vocab id agrees. */
  static BpeModel fromJson(JsonNode root) {
    JsonNode model = root.path("model");
    if (!"BPE".equals(model.path("type").asText())) {
      throw new IllegalArgumentException("tokenizer.json: model.type must be BPE, is " + model.path("type"));
    }
    Map<String, Integer> vocab = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      vocab.put(e.getKey(), e.getValue().asInt());
    }
    List<int[]> merges = new ArrayList<>();
    for (JsonNode m : model.path("merges")) {
      String[] parts = m.isArray() ? new String[] {m.get(0).asText(), m.get(1).asText()} : m.asText().split(" ", -1);
      if (parts.length != 2 || !vocab.containsKey(parts[0]) || !vocab.containsKey(parts[1])) {
        throw new IllegalArgumentException("tokenizer.json: bad merge " + m);
      }
      merges.add(new int[] {vocab.get(parts[0]), vocab.get(parts[1])});
    }
    List<String> specials = new ArrayList<>();
    for (JsonNode t : root.path("added_tokens")) {
      specials.add(t.path("content").asText());
    }
    BpeModel bpe = BpeModel.fromMerges(merges, specials);
    if (bpe.vocabSize() != vocab.size()) {
      throw new IllegalArgumentException("tokenizer.json: vocab has " + vocab.size()
          + " tokens, merges and added tokens give " + bpe.vocabSize());
    }
    for (int id = 0; id < bpe.vocabSize(); id++) {
      Integer given = vocab.get(bpe.spelling(id));
      if (given == null || given != id) {
        throw new IllegalArgumentException("tokenizer.json: token " + bpe.spelling(id) + " has id "
            + given + ", merge order gives " + id);
      }
    }
    return bpe;
  }
}
