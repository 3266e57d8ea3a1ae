package org.moespark.model;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.moespark.config.PipelineConfig;
import org.moespark.train.AdamW;
import org.moespark.train.CosineSchedule;
import org.moespark.train.GradClip;
import org.moespark.train.TrainConfig;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code moe-spark bench model}: trains the configured model for a few steps on random tokens and
 * prints tokens/s (forward + backward + clip + AdamW), achieved GFLOP/s and MFU against a GEMM peak
 * measured in the same run; then the dense twin of equal active FFN width ({@link ModelConfig#asDense}),
 * a fine-grained variant (E = 64 experts, same K and F, so the same active compute and 8× the expert
 * parameters at E = 8), and the PyTorch peer (pipeline/src/test/python/bench_peer.py) when
 * {@code /usr/bin/python3} has torch. Model FLOPs per token count what the code executes:
 * {@code 3 × forward}, forward = attention projections 8C² + scores and P·V 4TC·s per layer (s the share of
 * the T×T products that the causal blocks compute, {@link CausalMatmul#computedShare}),
 * K·6CF (+ 6C·F_shared, 2CE router) per MoE layer or 6C·F per dense FFN, LM head 2CV.
 *
 * <p>The CBLAS calls are timed in the run ({@link GemmClock}; their FLOPs equal the formula's), so
 * each fastest step splits into GEMM time and the rest, and the ceilings follow from the same run:
 * tokens/s and MFU if all but the GEMMs were free and clip + AdamW streamed at the memory bandwidth
 * of a STREAM triad ({@link StreamBandwidth}), and the ratios that extra GEMM and optimizer time
 * alone allow.
 */
public final class ModelBench {
  static final int FINE_GRAINED_EXPERTS = 64;
  static final int OPT_BYTES_PER_PARAM = 28;
  /** 3 × 16 Mi floats (192 MiB): far beyond the caches. */
  private static final int STREAM_ELEMENTS = 1 << 24;
  private static final String PEER = "pipeline/src/test/python/bench_peer.py";
  private static final String PYTHON = "/usr/bin/python3";

  private ModelBench() {}

  /** One variant's measurement: its fastest step, split into phases and into GEMMs and the rest. */
  record Result(String name, double tokens, double flopsPerToken, double stepMs, double fwdMs, double bwdMs,
      double optMs, double gemmMs, double gemmFlops, long params, double peak) {
    double tokensPerSec() {
      return tokensPerSecAt(stepMs);
    }

    double gflops() {
      return tokensPerSec() * flopsPerToken / 1e9;
    }

    double mfu() {
      return mfuAt(stepMs);
    }

    /** tokens/s at a step of {@code ms} milliseconds. */
    double tokensPerSecAt(double ms) {
      return tokens / (ms / 1e3);
    }

    /** MFU at a step of {@code ms} milliseconds. */
    double mfuAt(double ms) {
      return tokensPerSecAt(ms) * flopsPerToken / 1e9 / peak;
    }

    /** clip + AdamW at the memory floor: AdamW alone reads p, g, m, v and writes p, m, v (float32). */
    double optFloorMs(double gbPerSec) {
      return OPT_BYTES_PER_PARAM * params / gbPerSec / 1e6;
    }

    /** The step if everything but its GEMMs were free and clip + AdamW ran at the memory floor. */
    double ceilingMs(double gbPerSec) {
      return gemmMs + optFloorMs(gbPerSec);
    }
  }

  /**
   * Trains every variant for untimed rounds of at least {@code warmupSeconds} (one round at least),
   * then timed rounds until there were {@code steps} of them and {@code timedSeconds} have passed,
   * and prints the measurements.
   */
  public static void run(PipelineConfig pc, int steps, double warmupSeconds, double timedSeconds, PrintStream out) {
    if (steps < 1 || !(warmupSeconds >= 0) || !(timedSeconds >= 0)) {
      throw new IllegalArgumentException(String.format("bench model: --steps %d, --warmup-s %s and --timed-s %s:"
          + " give at least 1 timed step, and 0 s or more for the warm-up and the timed rounds", steps,
          warmupSeconds, timedSeconds));
    }
    ModelConfig moe = pc.model();
    TrainConfig tc = pc.train();
    int threads = RowRanges.CORES;
    out.printf("moe-spark bench model: B=%d T=%d C=%d L=%d H=%d V=%d E=%d K=%d F=%d, at least %d timed steps and %.0f s, %d threads,"
            + " OMP_WAIT_POLICY=%s OPENBLAS_CORETYPE=%s (the peer runs with the same), 1-min load average %.2f on %d cores%n",
        tc.batchSize(), moe.seqLen(), moe.dModel(), moe.layers(), moe.heads(), moe.vocabSize(),
        moe.experts(), moe.topK(), moe.ffnHidden(), steps, timedSeconds, threads, System.getenv("OMP_WAIT_POLICY"),
        System.getenv("OPENBLAS_CORETYPE"),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        Runtime.getRuntime().availableProcessors());
    out.println("Variants train in turn, one step each per round, so load from other processes hits them alike;"
        + " each keeps its fastest step (ours and the peer alike). MFU is against the best GEMM peak"
        + " (a 2048^3 float32 GEMM on all cores, OpenBLAS's kernel with the rows split over the cores as the model's"
        + " GEMMs run) measured once per round.");
    out.printf("Model FLOPs/token = 3 x forward; forward = 2CV (LM head) + per layer 8C^2 (attention projections)"
        + " + 4TC.s (scores and P.V over the causal blocks of the T x T, s = %.4f of it at T = %d; the skipped"
        + " part is not counted) + per MoE layer K.6CF + 2CE (router) [+ 6C.F_shared], per dense layer 6C.F.%n",
        CausalMatmul.computedShare(moe.seqLen()), moe.seqLen());
    List<Variant> variants = new ArrayList<>();
    for (ModelConfig c : List.of(moe, moe.asDense(), withExperts(moe, FINE_GRAINED_EXPERTS))) {
      variants.add(new Variant(c, tc));
    }
    // Untimed rounds first: C2 compiles the host loops after thousands of calls, which the demo
    // preset's short steps reach only after some rounds (its first steps took 2.6, 0.59, 0.37, 0.21,
    // 0.17 and 0.13 s against 0.07 s warm; one warm-up step left its fastest timed step 1.6x slow).
    int round = 0;
    long warmupEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
    do {
      for (Variant v : variants) {
        v.step(round, false);
      }
      round++;
    } while (System.nanoTime() < warmupEnd);
    int warmupRounds = round;
    // Timed rounds for a while as well as a count: a fastest step of 5 missed the quiet moments of a
    // noisy machine on the demo preset's 0.1 s steps (MoE/dense 0.86-0.96 over 5 runs, where 300
    // alternated steps gave 0.915 and 0.918).
    double peak = 0;
    double[] probes = new double[steps];
    double bandwidth = 0;
    StreamBandwidth stream = new StreamBandwidth(STREAM_ELEMENTS, threads);
    long timedEnd = System.nanoTime() + (long) (timedSeconds * 1e9);
    int timed = 0;
    while (timed < steps || System.nanoTime() < timedEnd) {
      if (timed == probes.length) {
        probes = Arrays.copyOf(probes, 2 * timed);
      }
      probes[timed] = gemmPeak();
      peak = Math.max(peak, probes[timed]);
      bandwidth = Math.max(bandwidth, stream.gbPerSec(2));
      for (Variant v : variants) {
        v.step(round, true);
      }
      round++;
      timed++;
    }
    probes = Arrays.copyOf(probes, timed);
    out.printf("Warm-up: %d untimed round%s (at least %.0f s, --warmup-s), then %d timed (at least %d, --steps,"
            + " and %.0f s, --timed-s).%n", warmupRounds, warmupRounds == 1 ? "" : "s", warmupSeconds, timed, steps,
        timedSeconds);
    List<Result> results = new ArrayList<>();
    for (Variant v : variants) {
      Result r = v.result(peak);
      results.add(r);
      out.printf("%-22s %8.1f tokens/s %6.1f MFLOP/token %6.1f GFLOP/s, peak %6.1f, MFU %5.1f%%"
              + " (fastest step: fwd %.0f ms, bwd %.0f ms, clip+AdamW %.0f ms; in GEMMs %.0f ms at %.0f GFLOP/s)%n",
          r.name(), r.tokensPerSec(), r.flopsPerToken() / 1e6, r.gflops(), r.peak(), 100 * r.mfu(),
          r.fwdMs(), r.bwdMs(), r.optMs(), r.gemmMs(), r.gemmFlops() / r.gemmMs() / 1e6);
    }
    Result base = results.get(0);
    Result dense = results.get(1);
    Result fine = results.get(2);
    String fineRatio = String.format("E%d/E%d", FINE_GRAINED_EXPERTS, moe.experts());
    ratio(out, "MoE/dense", base, dense, 0.95);
    ratio(out, fineRatio, fine, base, 0.9);
    out.printf("MFU of %s: %.1f%% of the GEMM peak (goal >= 65%% on conf/bench.conf, >= 35%% on"
        + " conf/demo.conf)%n", base.name(), 100 * base.mfu());
    out.printf("Ceilings, from the fastest steps above, with the GEMMs as this code issues them (OpenBLAS) and"
        + " clip+AdamW at its memory floor (%d B/parameter at %.1f GB/s, the best STREAM triad of the rounds):%n",
        OPT_BYTES_PER_PARAM, bandwidth);
    for (Result r : results) {
      double ms = r.ceilingMs(bandwidth);
      out.printf("  %-22s GEMMs %.1f ms + clip+AdamW floor %.1f ms = %.1f ms: at most %.0f tokens/s, MFU %.1f%%"
              + " (the other %.1f ms of its step free)%n", r.name(), r.gemmMs(), r.optFloorMs(bandwidth), ms,
          r.tokensPerSecAt(ms), 100 * r.mfuAt(ms), r.stepMs() - ms);
    }
    ratioCeiling(out, "MoE/dense", dense, base, bandwidth);
    ratioCeiling(out, fineRatio, base, fine, bandwidth);
    double before = gemmPeak();
    Double peer = peerTokensPerSec(moe, tc, threads, steps, timedSeconds, out);
    if (peer != null) {
      double peerPeak = (before + gemmPeak()) / 2;
      out.printf("PyTorch peer (eager, float32, %d threads): %.1f tokens/s, GEMM peak around it %.1f GFLOP/s%n",
          threads, peer, peerPeak);
      // Normalised by typical GEMM speeds on both sides: the median of our rounds' probes against
      // the mean of the two around the peer. (The best of our probes, which MFU uses, against
      // two probes biased the ratio low where the probes spread, 130-230 GFLOP/s on one machine.)
      Arrays.sort(probes);
      double typical = probes[probes.length / 2];
      out.printf("ours/PyTorch: %.2f raw, %.2f normalised by the GEMM speed around each (median of our %d"
              + " probes %.1f GFLOP/s, mean of the peer's 2) (goal >= 2.0); ceiling %.2f raw (the peer's"
              + " step over our GEMMs + clip+AdamW floor)%n", base.tokensPerSec() / peer,
          base.tokensPerSec() / peer * peerPeak / typical, probes.length, typical,
          base.tokensPerSecAt(base.ceilingMs(bandwidth)) / peer);
    }
  }

  /**
   * The ratio {@code fast/slow} tokens/s can reach while the work both share keeps its measured cost:
   * {@code slow}'s extra GEMM time and extra optimizer floor added to {@code fast}'s step, all of
   * {@code slow}'s other extra work (routing) free. Making the shared work faster lowers this bound.
   */
  private static void ratioCeiling(PrintStream out, String name, Result fast, Result slow, double gbPerSec) {
    double extra = slow.ceilingMs(gbPerSec) - fast.ceilingMs(gbPerSec);
    out.printf("%s ceiling: %.2f (%s's step %+.1f ms: %s's extra GEMM time %+.1f ms and optimizer floor %+.1f ms)%n",
        name, fast.stepMs() / (fast.stepMs() + Math.max(0, extra)), fast.name(), extra, slow.name(),
        slow.gemmMs() - fast.gemmMs(), slow.optFloorMs(gbPerSec) - fast.optFloorMs(gbPerSec));
  }

  private static void ratio(PrintStream out, String name, Result a, Result b, double goal) {
    out.printf("%s tokens/s: %.2f (goal >= %.2f)%n", name, a.tokensPerSec() / b.tokensPerSec(), goal);
  }

  /**
   * One variant in training: {@link #step} runs a step and keeps the timed steps'
   * fastest (forward, backward, optimizer): on a shared machine the minimum is the measurement
   * least disturbed by other load.
   */
  private static final class Variant {
    private final ModelConfig cfg;
    private final TrainConfig tc;
    private final MoeTransformer model;
    private final AdamW opt;
    private final CosineSchedule schedule;
    private final int[][] tokens;
    /** The fastest step's total, forward, backward, optimizer and GEMM nanoseconds. */
    private long[] best = {Long.MAX_VALUE, 0, 0, 0, 0};
    private double gemmFlops;

    Variant(ModelConfig cfg, TrainConfig tc) {
      this.cfg = cfg;
      this.tc = tc;
      this.model = MoeTransformer.create(cfg, DataType.FLOAT, tc.seed());
      this.opt = new AdamW(model.params(), tc);
      this.schedule = CosineSchedule.of(tc);
      this.tokens = randomTokens(tc.batchSize(), cfg.seqLen() + 1, cfg.vocabSize(), tc.seed());
    }

    /** One training step at schedule step {@code s}; a timed one may become the fastest. */
    void step(int s, boolean timed) {
      GemmClock.start();
      long t0 = System.nanoTime();
      model.zeroGrads();
      model.forward(tokens, true);
      long t1 = System.nanoTime();
      model.backward();
      long t2 = System.nanoTime();
      GemmClock.stop();
      opt.step(schedule.at(s), GradClip.scale(GradClip.norm(model.params().grads()), tc.clipNorm()));
      long t3 = System.nanoTime();
      if (timed && t3 - t0 < best[0]) {
        best = new long[] {t3 - t0, t1 - t0, t2 - t1, t3 - t2, GemmClock.nanos()};
        gemmFlops = GemmClock.flops();
      }
    }

    Result result(double peak) {
      String name = cfg.dense()
          ? String.format("dense F=%d", cfg.denseFfnHidden())
          : String.format("moe E=%d K=%d F=%d", cfg.experts(), cfg.topK(), cfg.ffnHidden());
      return new Result(name, (double) tc.batchSize() * cfg.seqLen(), flopsPerToken(cfg), best[0] / 1e6,
          best[1] / 1e6, best[2] / 1e6, best[3] / 1e6, best[4] / 1e6, gemmFlops, model.params().size(), peak);
    }
  }

  /** Executed model FLOPs per token, forward + backward (see the class comment). */
  static double flopsPerToken(ModelConfig c) {
    double cc = c.dModel();
    double fwd = 2 * cc * c.vocabSize();
    for (int i = 0; i < c.layers(); i++) {
      fwd += 8 * cc * cc + 4.0 * c.seqLen() * cc * CausalMatmul.computedShare(c.seqLen());
      if (c.isMoeLayer(i)) {
        fwd += c.topK() * 6 * cc * c.ffnHidden() + 2 * cc * c.experts()
            + 6 * cc * c.sharedExperts() * c.sharedHidden();
      } else {
        fwd += 6 * cc * c.denseFfnHidden();
      }
    }
    return 3 * fwd;
  }

  /**
   * Best of three 2048³ float32 GEMMs through {@link Gemm} after a warmup call: on the CPU backend
   * OpenBLAS runs on one thread per call ({@link HostBlas}), so {@code Nd4j.gemm} would measure
   * one core; this splits the rows over all of them, as every GEMM of the model does.
   */
  static double gemmPeak() {
    int n = 2048;
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
    INDArray c = Nd4j.create(DataType.FLOAT, n, n);
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 4; i++) {
      long t0 = System.nanoTime();
      Gemm.exec(a, b, c, false, false, 1.0, 0.0);
      if (i > 0) {
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
    }
    return 2.0 * n * n * n / best / 1e9;
  }

  static int[][] randomTokens(int batch, int len, int vocab, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int[][] t = new int[batch][len];
    for (int[] row : t) {
      for (int i = 0; i < len; i++) {
        row[i] = r.nextInt(vocab);
      }
    }
    return t;
  }

  private static ModelConfig withExperts(ModelConfig c, int experts) {
    return new ModelConfig(c.vocabSize(), c.dModel(), c.layers(), c.heads(), c.seqLen(), c.ffnHidden(),
        experts, c.topK(), c.router(), c.normalizeGates(), c.jitter(), c.capacityFactor(),
        c.sharedExperts(), c.sharedHidden(), c.moeEvery(), c.auxCoef(), c.seqAuxCoef(), c.zCoef(),
        c.biasRate(), c.dense(), c.tieEmbeddings(), c.ropeTheta(), c.normEps(), c.initStd());
  }

  /** Runs the PyTorch peer on the same config; null (with a line saying why) when it cannot run. */
  private static Double peerTokensPerSec(ModelConfig c, TrainConfig tc, int threads, int steps, double timedSeconds,
      PrintStream out) {
    Path script = peerScript();
    if (script == null) {
      out.println("PyTorch peer: skipped (" + PEER + " not found under the working directory or above the jar)");
      return null;
    }
    try {
      if (exec(List.of(PYTHON, "-c", "import torch")).exit != 0) {
        out.println("PyTorch peer: skipped (" + PYTHON + " cannot import torch; apt-get install python3-torch libopenblas0-pthread)");
        return null;
      }
      List<String> cmd = new ArrayList<>(List.of(PYTHON, script.toString(),
          "--vocab", "" + c.vocabSize(), "--d", "" + c.dModel(), "--layers", "" + c.layers(),
          "--heads", "" + c.heads(), "--seq", "" + c.seqLen(), "--ffn", "" + c.ffnHidden(),
          "--experts", "" + c.experts(), "--topk", "" + c.topK(), "--batch", "" + tc.batchSize(),
          "--threads", "" + threads, "--steps", "" + steps, "--timed-s", "" + timedSeconds, "--warmup", "1"));
      Exec e = exec(cmd);
      for (String line : e.lines) {
        if (line.startsWith("tokens_per_s=")) {
          return Double.parseDouble(line.substring("tokens_per_s=".length()));
        }
      }
      out.println("PyTorch peer: failed (exit " + e.exit + "): " + String.join(" | ", e.lines));
    } catch (IOException ex) {
      out.println("PyTorch peer: skipped (" + ex.getMessage() + ")");
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  /** The peer script under the working directory, else under an ancestor of this class's jar (the repository). */
  private static Path peerScript() {
    List<Path> roots = new ArrayList<>(List.of(Path.of("").toAbsolutePath()));
    java.security.CodeSource code = ModelBench.class.getProtectionDomain().getCodeSource();
    if (code != null) {
      try {
        roots.add(Path.of(code.getLocation().toURI()));
      } catch (java.net.URISyntaxException e) {
        // not a file location: only the working directory is searched
      }
    }
    for (Path root : roots) {
      for (Path dir = root; dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve(PEER))) {
          return dir.resolve(PEER);
        }
      }
    }
    return null;
  }

  private record Exec(int exit, List<String> lines) {}

  private static Exec exec(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    Process p = pb.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    }
    return new Exec(p.waitFor(), lines);
  }
}
