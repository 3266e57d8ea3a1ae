package org.moespark.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.moespark.model.ParamBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checkpoints on any Hadoop file system ({@code file:}, {@code hdfs:}, …), one directory per
 * step: {@code manifest.json}, {@code dense.bin} (non-expert slots of the parameters and of every
 * state array) and {@code expert-NNNNN.bin} per expert (that expert's slice of every expert slot),
 * so an expert-parallel rank reads and writes only its own experts. A checkpoint is written under
 * a temporary name and renamed when complete; only the newest {@code keep} are kept.
 */
public final class CheckpointStore {
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "step-";
  private static final String TMP = "_tmp-";

  private final Path root;
  private final FileSystem fs;
  private final int keep;

  public CheckpointStore(String root, int keep, Configuration conf) {
    this.root = new Path(root);
    this.keep = keep;
    try {
      this.fs = this.root.getFileSystem(conf);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint root " + root + ": " + e.getMessage(), e);
    }
  }

  /**
   * Saves parameters and state arrays (same layout as the parameters) under {@code m.step()};
   * {@link ParamBuffer.Role#EXPERT} slots go to the per-expert files. One process holding every
   * expert: {@link #begin}, {@link #writeExperts}, {@link #commit} in one call.
   */
  public Path save(CheckpointManifest m, ParamBuffer params, Map<String, INDArray> state) {
    Path tmp = begin(m.step(), System.nanoTime());
    writeExperts(tmp, m, params, state);
    return commit(tmp, m, params, state);
  }

  /**
   * Starts the checkpoint of {@code step} in a temporary directory named by {@code token} (every
   * rank of a distributed save passes the same token, so they write into one directory), after
   * removing the temporaries that killed writes left. Called once, before any rank writes.
   */
  public Path begin(long step, long token) {
    Path tmp = temporary(step, token);
    try {
      removeStaleTemporaries(step);
      fs.mkdirs(tmp);
      return tmp;
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint " + tmp + ": " + e.getMessage(), e);
    }
  }

  /** The temporary directory {@link #begin} made for {@code (step, token)}. */
  public Path temporary(long step, long token) {
    return new Path(root, TMP + dir(step).getName() + "-" + token);
  }

  /**
   * Writes {@code expert-NNNNN.bin} for each expert {@code params} holds (global ids from
   * {@link ParamBuffer#firstExpert()}): an expert-parallel rank writes its own experts.
   */
  public void writeExperts(Path tmp, CheckpointManifest m, ParamBuffer params, Map<String, INDArray> state) {
    List<ParamBuffer.Slot> experts = params.slots().stream().filter(ParamBuffer.Slot::isExpert).toList();
    int local = localExperts(params, m.experts());
    guarded(tmp, () -> {
      for (int e = 0; e < local && !experts.isEmpty(); e++) {
        Path file = new Path(tmp, expertFile(params.firstExpert() + e));
        write(file, arrays(m, params, state), experts, e, local);
        checkDescribed(file, m);
      }
    });
  }

  /**
   * Writes {@code dense.bin} and the manifest and renames the directory into place: the
   * checkpoint is complete from here on. Called once, after every expert file is written.
   */
  public Path commit(Path tmp, CheckpointManifest m, ParamBuffer params, Map<String, INDArray> state) {
    Path dir = dir(m.step());
    List<ParamBuffer.Slot> dense = params.slots().stream().filter(s -> !s.isExpert()).toList();
    guarded(tmp, () -> {
      Path denseFile = new Path(tmp, CheckpointTensors.DENSE_FILE);
      write(denseFile, arrays(m, params, state), dense, -1, 1);
      checkDescribed(denseFile, m);
      try (FSDataOutputStream out = fs.create(new Path(tmp, "manifest.json"), true)) {
        JSON.writerWithDefaultPrettyPrinter().writeValue((java.io.OutputStream) out, m);
      }
      if (fs.exists(dir)) {
        fs.delete(dir, true);
      }
      if (!fs.rename(tmp, dir)) {
        throw new IOException("rename " + tmp + " -> " + dir + " failed");
      }
      prune();
    });
    LOG.info("checkpoint step {} -> {}", m.step(), dir);
    return dir;
  }

  private interface IoStep {
    void run() throws IOException;
  }

  private void guarded(Path tmp, IoStep step) {
    try {
      step.run();
    } catch (IOException | RuntimeException e) {
      // A full disk must not stay full because of the half-written checkpoint.
      deleteQuietly(tmp);
      throw e instanceof IOException io
          ? new UncheckedIOException("checkpoint " + tmp + ": " + e.getMessage(), io) : (RuntimeException) e;
    }
  }

  private static List<INDArray> arrays(CheckpointManifest m, ParamBuffer params, Map<String, INDArray> state) {
    List<INDArray> arrays = new ArrayList<>();
    arrays.add(params.params());
    m.state().forEach(name -> arrays.add(state.get(name)));  // null: skipped on load
    return arrays;
  }

  /** Experts the expert slots of {@code params} hold (E, or E/P on an expert-parallel rank). */
  private static int localExperts(ParamBuffer params, int experts) {
    return params.slots().stream().filter(ParamBuffer.Slot::isExpert).findFirst()
        .map(s -> (int) s.shape()[0]).orElse(experts);
  }

  private static String expertFile(int expert) {
    return CheckpointTensors.expertFile(expert);
  }

  /**
   * A file whose size differs from what the manifest's tensor list says would let an outside
   * reader load wrong bytes without noticing: refuse to complete such a checkpoint.
   */
  private void checkDescribed(Path file, CheckpointManifest m) throws IOException {
    if (m.tensors() == null || m.tensors().isEmpty()) {
      return;
    }
    long expected = CheckpointTensors.fileBytes(m.tensors(), file.getName());
    long actual = fs.getFileStatus(file).getLen();
    if (expected != actual) {
      throw new IllegalStateException("checkpoint file " + file + " has " + actual
          + " bytes but the manifest's tensor list describes " + expected
          + "; the tensor list must be made from the whole model's layout (MoeTransformer.layout)");
    }
  }

  /** The newest complete checkpoint's manifest, if any. */
  public Optional<CheckpointManifest> latest() {
    Optional<Long> newest = completeSteps().stream().reduce((a, b) -> b);
    newest.ifPresent(step -> {
      try {
        removeStaleTemporaries(step);
      } catch (IOException e) {
        LOG.warn("could not remove stale temporary checkpoints under {}: {}", root, e.getMessage());
      }
    });
    return newest.map(this::manifest);
  }

  /**
   * Deletes the temporaries of killed writes: {@code _tmp-step-N-*} with {@code N <= upToStep}.
   * save() passes its own step, so the space is free before it writes; latest() passes the newest
   * complete step, so the temporary of a later step, which a running trainer may be writing while
   * {@code route} reads, is left alone.
   */
  void removeStaleTemporaries(long upToStep) throws IOException {
    if (!fs.exists(root)) {
      return;
    }
    for (FileStatus st : fs.listStatus(root)) {
      String n = st.getPath().getName();
      if (!n.startsWith(TMP + PREFIX)) {
        continue;
      }
      String digits = n.substring((TMP + PREFIX).length()).replaceFirst("-.*$", "");
      if (digits.matches("[0-9]+") && Long.parseLong(digits) <= upToStep) {
        LOG.info("removing {}, left by an interrupted checkpoint write", st.getPath());
        fs.delete(st.getPath(), true);
      }
    }
  }

  private void deleteQuietly(Path p) {
    try {
      fs.delete(p, true);
    } catch (IOException | RuntimeException e) {
      LOG.warn("could not remove {}: {}", p, e.getMessage());
    }
  }

  /** Steps of the complete checkpoints, oldest first. */
  public List<Long> completeSteps() {
    List<Long> steps = new ArrayList<>();
    try {
      if (!fs.exists(root)) {
        return steps;
      }
      for (FileStatus st : fs.listStatus(root)) {
        String n = st.getPath().getName();
        if (st.isDirectory() && n.startsWith(PREFIX) && fs.exists(new Path(st.getPath(), "manifest.json"))) {
          steps.add(Long.parseLong(n.substring(PREFIX.length())));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    steps.sort(Comparator.naturalOrder());
    return steps;
  }

  public CheckpointManifest manifest(long step) {
    try (FSDataInputStream in = fs.open(new Path(dir(step), "manifest.json"))) {
      return JSON.readValue((java.io.InputStream) in, CheckpointManifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint step " + step + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads step {@code m.step()} into {@code params} and the state arrays (allocated like params);
   * state arrays missing from {@code state} are skipped (inference needs the parameters only). The
   * expert files read are those of the experts {@code params} holds, so a checkpoint written at any
   * expert-parallel degree loads at any other (re-sharding is a choice of files).
   */
  public void load(CheckpointManifest m, ParamBuffer params, Map<String, INDArray> state) {
    List<INDArray> arrays = arrays(m, params, state);
    List<ParamBuffer.Slot> dense = params.slots().stream().filter(s -> !s.isExpert()).toList();
    List<ParamBuffer.Slot> experts = params.slots().stream().filter(ParamBuffer.Slot::isExpert).toList();
    int local = localExperts(params, m.experts());
    Path dir = dir(m.step());
    read(new Path(dir, "dense.bin"), arrays, dense, -1, 1, m.dataType());
    for (int e = 0; e < local && !experts.isEmpty(); e++) {
      read(new Path(dir, expertFile(params.firstExpert() + e)), arrays, experts, e, local, m.dataType());
    }
  }

  /** Config keys whose values differ between a checkpoint and the current run, with both values. */
  public static Map<String, String> configDiff(Map<String, String> saved, Map<String, String> now,
      Predicate<String> mustMatch) {
    Map<String, String> diff = new TreeMap<>();
    java.util.Set<String> keys = new java.util.TreeSet<>(saved.keySet());
    keys.addAll(now.keySet());
    for (String k : keys) {
      if (mustMatch.test(k) && !java.util.Objects.equals(saved.get(k), now.get(k))) {
        diff.put(k, "checkpoint " + saved.get(k) + ", now " + now.get(k));
      }
    }
    return diff;
  }

  private Path dir(long step) {
    return new Path(root, String.format("%s%09d", PREFIX, step));
  }

  private void prune() throws IOException {
    List<Long> steps = completeSteps();
    for (int i = 0; i < steps.size() - keep; i++) {
      fs.delete(dir(steps.get(i)), true);
    }
  }

  /** The ranges of {@code slots} (for an expert slot, local expert e's slice of {@code experts}) in the flat layout. */
  private static List<long[]> ranges(List<ParamBuffer.Slot> slots, int expert, int experts) {
    List<long[]> r = new ArrayList<>();
    for (ParamBuffer.Slot s : slots) {
      if (expert < 0) {
        r.add(new long[] {s.offset(), s.length()});
      } else {
        long per = s.length() / experts;
        r.add(new long[] {s.offset() + expert * per, per});
      }
    }
    return r;
  }

  private void write(Path file, List<INDArray> arrays, List<ParamBuffer.Slot> slots, int expert,
      int experts) throws IOException {
    List<long[]> ranges = ranges(slots, expert, experts);
    try (DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(fs.create(file, true), 1 << 20))) {
      for (INDArray a : arrays) {
        for (long[] r : ranges) {
          out.write(bytes(a.get(NDArrayIndex.interval(r[0], r[0] + r[1]))));
        }
      }
    }
  }

  private void read(Path file, List<INDArray> arrays, List<ParamBuffer.Slot> slots, int expert,
      int experts, String dataType) {
    List<long[]> ranges = ranges(slots, expert, experts);
    try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(fs.open(file), 1 << 20))) {
      int width = DataType.valueOf(dataType).width();
      for (INDArray a : arrays) {
        for (long[] r : ranges) {
          byte[] b = new byte[Math.toIntExact(r[1] * width)];
          in.readFully(b);
          if (a == null) {
            continue;
          }
          INDArray target = a.get(NDArrayIndex.interval(r[0], r[0] + r[1]));
          ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
          if (width == 8) {
            double[] d = new double[(int) r[1]];
            bb.asDoubleBuffer().get(d);
            target.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(d));
          } else {
            float[] f = new float[(int) r[1]];
            bb.asFloatBuffer().get(f);
            target.assign(org.nd4j.linalg.factory.Nd4j.createFromArray(f));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("checkpoint file " + file + ": " + e.getMessage(), e);
    }
  }

  private static byte[] bytes(INDArray v) {
    ByteBuffer bb;
    if (v.dataType() == DataType.DOUBLE) {
      double[] d = v.toDoubleVector();
      bb = ByteBuffer.allocate(d.length * 8).order(ByteOrder.LITTLE_ENDIAN);
      bb.asDoubleBuffer().put(d);
    } else {
      float[] f = v.toFloatVector();
      bb = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      bb.asFloatBuffer().put(f);
    }
    return bb.array();
  }
}
