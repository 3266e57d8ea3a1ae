package org.moespark.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.moespark.model.ParamBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class CheckpointStoreTest {
  @TempDir Path dir;

  static ParamBuffer buffer() {
    return ParamBuffer.builder().add("dense", 3, 2).add("experts", ParamBuffer.Role.EXPERT, ParamBuffer.Init.NORMAL, 4, 2, 3).addNoDecay("norm", 5)
        .allocate(DataType.FLOAT);
  }

  static CheckpointManifest manifest(long step) {
    return new CheckpointManifest(CheckpointManifest.FORMAT, step, step * 100, step, Map.of("data", 7L),
        Map.of("model.experts", "4"), "abc", List.of("adam.m"), List.of("experts"), 4, "FLOAT",
        CheckpointManifest.LITTLE_ENDIAN, null,
        CheckpointTensors.describe(buffer().slots(), List.of("adam.m"), DataType.FLOAT));
  }

  @Test
  void aTensorListThatDoesNotDescribeTheFilesIsRefusedAndNoCheckpointIsLeft() {
    ParamBuffer a = buffer();
    ParamBuffer other = ParamBuffer.builder().add("dense", 3, 3)
        .add("experts", ParamBuffer.Role.EXPERT, ParamBuffer.Init.NORMAL, 4, 2, 3).addNoDecay("norm", 5)
        .allocate(DataType.FLOAT);
    CheckpointManifest m = manifest(5);
    CheckpointManifest wrong = new CheckpointManifest(m.format(), m.step(), m.tokensSeen(),
        m.dataPosition(), m.rngState(), m.config(), m.tokenizerHash(), m.state(), m.expertSlots(),
        m.experts(), m.dataType(), m.byteOrder(), null,
        CheckpointTensors.describe(other.slots(), m.state(), DataType.FLOAT));
    CheckpointStore store = new CheckpointStore(dir.toString(), 2, new Configuration());
    assertThatThrownBy(() -> store.save(wrong, a, Map.of("adam.m", Nd4j.zeros(DataType.FLOAT, a.size()))))
        .hasMessageContaining("dense.bin has 88 bytes but the manifest's tensor list describes 112");
    assertThat(store.completeSteps()).isEmpty();
  }

  @Test
  void savesDenseAndPerExpertFilesAndLoadsThemBackExactly() throws Exception {
    ParamBuffer a = buffer();
    a.params().assign(Nd4j.rand(DataType.FLOAT, a.size()));
    INDArray m = Nd4j.rand(DataType.FLOAT, a.size());
    CheckpointStore store = new CheckpointStore("file:" + dir, 2, new Configuration());
    store.save(manifest(10), a, Map.of("adam.m", m));

    Path step = dir.resolve("step-000000010");
    assertThat(step.resolve("dense.bin")).hasSize((6 + 5) * 4L * 2);    // params + adam.m
    assertThat(step.resolve("expert-00003.bin")).hasSize(6 * 4L * 2);   // one expert's [2,3] slice
    ParamBuffer b = buffer();
    INDArray m2 = Nd4j.zeros(DataType.FLOAT, a.size());
    store.load(store.latest().orElseThrow(), b, Map.of("adam.m", m2));
    assertThat(b.params().toFloatVector()).containsExactly(a.params().toFloatVector());
    assertThat(m2.toFloatVector()).containsExactly(m.toFloatVector());
    assertThat(store.latest().orElseThrow().rngState()).containsEntry("data", 7L);
  }

  @Test
  void keepsTheNewestKAndIgnoresIncompleteOnes() throws Exception {
    ParamBuffer a = buffer();
    CheckpointStore store = new CheckpointStore(dir.toString(), 2, new Configuration());
    for (long s : new long[] {1, 2, 3}) {
      store.save(manifest(s), a, Map.of("adam.m", Nd4j.zeros(DataType.FLOAT, a.size())));
    }
    Files.createDirectories(dir.resolve("step-000000009"));  // a crash mid-write: no manifest
    assertThat(store.completeSteps()).containsExactly(2L, 3L);
    assertThat(store.latest().orElseThrow().step()).isEqualTo(3);
  }

  @Test
  void temporariesOfKilledWritesAreRemovedOnTheNextSaveOrResume() throws Exception {
    ParamBuffer a = buffer();
    CheckpointStore store = new CheckpointStore(dir.toString(), 3, new Configuration());
    store.save(manifest(1), a, Map.of("adam.m", Nd4j.zeros(DataType.FLOAT, a.size())));
    // kill -9 during the writes of steps 1 and 2; step 3 is being written by a running trainer.
    for (String tmp : List.of("_tmp-step-000000001-11", "_tmp-step-000000002-22", "_tmp-step-000000003-33")) {
      Files.write(Files.createDirectories(dir.resolve(tmp)).resolve("dense.bin"), new byte[64]);
    }

    assertThat(store.latest().orElseThrow().step()).isEqualTo(1);
    assertThat(dir.toFile().list()).containsExactlyInAnyOrder(
        "step-000000001", "_tmp-step-000000002-22", "_tmp-step-000000003-33");

    store.save(manifest(2), a, Map.of("adam.m", Nd4j.zeros(DataType.FLOAT, a.size())));
    assertThat(dir.toFile().list()).filteredOn(n -> !n.startsWith(".")).containsExactlyInAnyOrder(
        "step-000000001", "step-000000002", "_tmp-step-000000003-33");
  }

  @Test
  void aFailedWriteLeavesNoTemporary() throws Exception {
    ParamBuffer a = buffer();
    CheckpointStore store = new CheckpointStore(dir.toString(), 3, new Configuration());
    // A state array the manifest names but the caller lacks fails mid-write, like a full disk.
    assertThatThrownBy(() -> store.save(manifest(4), a, Map.of()))
        .isInstanceOf(RuntimeException.class);
    assertThat(dir.toFile().list()).noneMatch(n -> n.startsWith("_tmp-"));
  }

  @Test
  void configDiffListsEveryDifferingKeyThatMustMatch() {
    Map<String, String> diff = CheckpointStore.configDiff(
        Map.of("model.experts", "8", "model.top-k", "2", "train.steps", "100"),
        Map.of("model.experts", "16", "model.top-k", "2", "train.steps", "200", "model.new", "x"),
        k -> k.startsWith("model."));
    assertThat(diff).containsOnlyKeys("model.experts", "model.new");
    assertThat(diff.get("model.experts")).isEqualTo("checkpoint 8, now 16");
  }
}
