package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Parity with the PyTorch reference (src/test/python/moe_ref.py, fixtures written by
 * make_parity_fixtures.py): the same weights give the same logits, loss parts, routing and
 * gradient of the total loss for every parameter, within 1e-4 relative (float64 both sides).
 */
class MoeTransformerParityTest {
  private static final double REL = 1e-4;
  private static final double ABS = 1e-9;

  @ParameterizedTest
  @ValueSource(strings = {"softmax_top2", "sigmoid_top2_bias", "capacity_drop", "shared_expert_untied"})
  void matchesPyTorch(String name) throws IOException {
    JsonNode f = load(name);
    @SuppressWarnings("unchecked")
    Map<String, Object> conf = new ObjectMapper().convertValue(f.get("config"), Map.class);
    ModelConfig cfg = ModelConfig.from(ConfigFactory.parseMap(conf));
    ParamBuffer pb = MoeTransformer.layout(cfg).allocate(DataType.DOUBLE);
    List<String> slots = new ArrayList<>();
    pb.slots().forEach(s -> slots.add(s.name()));
    List<String> fixtureNames = new ArrayList<>();
    f.get("params").fieldNames().forEachRemaining(fixtureNames::add);
    // loaded by name: the flat layout (expert region last) is ours, the tensors must be the same
    assertThat(slots).as("slot names").containsExactlyInAnyOrderElementsOf(fixtureNames);
    for (ParamBuffer.Slot s : pb.slots()) {
      JsonNode values = f.get("params").get(s.name());
      assertThat((long) values.size()).as(s.name()).isEqualTo(s.length());
      INDArray flat = pb.view(s.name()).reshape(s.length());
      for (int i = 0; i < values.size(); i++) {
        flat.putScalar(i, values.get(i).asDouble());
      }
    }
    MoeTransformer model = new MoeTransformer(cfg, pb, 1);
    int[][] tokens = new ObjectMapper().convertValue(f.get("tokens"), int[][].class);

    model.zeroGrads();
    LossParts loss = model.forward(tokens, false);
    model.backward();
    close("ce", loss.ce(), f.get("ce").asDouble());
    close("aux", loss.aux(), f.get("aux").asDouble());
    close("seq_aux", loss.seqAux(), f.get("seq_aux").asDouble());
    close("z", loss.z(), f.get("z").asDouble());
    close("total", loss.total(), f.get("total").asDouble());
    long dropped = model.moeStats().stream().mapToLong(MoeStats::droppedTokens).sum();
    assertThat(dropped).isEqualTo(f.get("dropped").asLong());
    for (int l = 0; l < model.routing().size(); l++) {
      int[] expected = new ObjectMapper().convertValue(f.get("experts").get(l), int[].class);
      assertThat(model.routing().get(l).expert()).as("experts of MoE layer %d", l).containsExactly(expected);
    }
    for (ParamBuffer.Slot s : pb.slots()) {
      INDArray g = pb.grad(s.name()).reshape(s.length());
      JsonNode expected = f.get("grads").get(s.name());
      for (int i = 0; i < expected.size(); i++) {
        close(s.name() + "[" + i + "]", g.getDouble(i), expected.get(i).asDouble());
      }
    }

    int[][] inputs = new int[tokens.length][];
    for (int b = 0; b < tokens.length; b++) {
      inputs[b] = java.util.Arrays.copyOf(tokens[b], tokens[b].length - 1);
    }
    INDArray logits = model.logits(inputs).reshape(-1);
    JsonNode expectedLogits = f.get("logits");
    assertThat((long) expectedLogits.size()).isEqualTo(logits.length());
    for (int i = 0; i < expectedLogits.size(); i++) {
      close("logits[" + i + "]", logits.getDouble(i), expectedLogits.get(i).asDouble());
    }
  }

  private static void close(String what, double actual, double expected) {
    assertThat(Math.abs(actual - expected)).as("%s: ours %.12g, PyTorch %.12g", what, actual, expected)
        .isLessThanOrEqualTo(ABS + REL * Math.abs(expected));
  }

  private static JsonNode load(String name) throws IOException {
    try (InputStream in = MoeTransformerParityTest.class.getResourceAsStream("/parity/" + name + ".json")) {
      assertThat(in).as("fixture %s", name).isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }
}
