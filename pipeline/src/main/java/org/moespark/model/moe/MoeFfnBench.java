package org.moespark.model.moe;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.moespark.config.PipelineConfig;
import org.moespark.model.Ffn;
import org.moespark.model.Gemm;
import org.moespark.model.ModelConfig;
import org.moespark.model.MoeFfn;
import org.moespark.model.MoeParams;
import org.moespark.model.ParamBuffer;
import org.moespark.model.SwiGlu;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Forward + backward time of one MoE FFN against the dense SwiGLU of equal active width K·F, on
 * the same tokens, interleaved so machine noise hits both alike. A developer tool:
 * {@code java -cp <classpath> org.moespark.model.moe.MoeFfnBench [iters] [model.key=value ...]},
 * e.g. {@code 20 model.d-model=256 model.experts=8 model.top-k=2 model.ffn-hidden=512}; tokens =
 * {@code train.batch-size · model.seq-len}.
 */
public final class MoeFfnBench {
  private MoeFfnBench() {}

  public static void main(String[] args) {
    int iters = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    List<String> overrides = new ArrayList<>(Arrays.asList(args).subList(Math.min(1, args.length), args.length));
    PipelineConfig pc = PipelineConfig.load(null, overrides);
    ModelConfig cfg = pc.model();
    int tokens = pc.train().batchSize() * cfg.seqLen();
    Nd4j.getRandom().setSeed(1);
    // as MoeTransformer runs them: without it OpenBLAS's own threads run each GEMM
    Gemm.splitOverCores();

    ParamBuffer.Builder mb = ParamBuffer.builder();
    MoeParams.addTo(mb, "", cfg, cfg.experts());
    ParamBuffer moePb = mb.allocate(DataType.FLOAT);
    moePb.params().assign(Nd4j.randn(DataType.FLOAT, moePb.size()).muli(cfg.initStd()));
    Ffn moe = new MoeFfn(cfg, MoeParams.of(moePb, ""), 1);

    long c = cfg.dModel();
    long f = (long) cfg.topK() * cfg.ffnHidden();
    ParamBuffer densePb = ParamBuffer.builder().add("w13", c, 2 * f).add("w2", f, c)
        .allocate(DataType.FLOAT);
    densePb.params().assign(Nd4j.randn(DataType.FLOAT, densePb.size()).muli(cfg.initStd()));
    Ffn dense = new SwiGlu(densePb.view("w13"), densePb.grad("w13"), densePb.view("w2"),
        densePb.grad("w2"));

    INDArray x = Nd4j.randn(DataType.FLOAT, tokens, c);
    INDArray dy = Nd4j.randn(DataType.FLOAT, tokens, c);
    double[] tm = new double[iters];
    double[] td = new double[iters];
    double[] cm = new double[iters];
    double[] cd = new double[iters];
    for (int i = -3; i < iters; i++) {
      double[] d = time(dense, x, dy, pc.train().batchSize());
      double[] m = time(moe, x, dy, pc.train().batchSize());
      if (i >= 0) {
        td[i] = d[0];
        tm[i] = m[0];
        cd[i] = d[1];
        cm[i] = m[1];
      }
    }
    for (double[] a : new double[][] {tm, td, cm, cd}) {
      Arrays.sort(a);
    }
    System.out.printf("tokens=%d d=%d E=%d K=%d F=%d cf=%s threads=%s%n", tokens, c,
        cfg.experts(), cfg.topK(), cfg.ffnHidden(), cfg.capacityFactor(),
        System.getenv("OMP_NUM_THREADS"));
    System.out.printf("dense SwiGLU width %d fwd+bwd: median %.1f ms (min %.1f)%n", f,
        td[iters / 2], td[0]);
    System.out.printf("MoE FFN fwd+bwd: median %.1f ms (min %.1f)%n", tm[iters / 2], tm[0]);
    System.out.printf("MoE/dense throughput ratio: median %.2f, best-of %.2f%n",
        td[iters / 2] / tm[iters / 2], td[0] / tm[0]);
    // process CPU time ignores waiting for a core: the steadier figure on a shared machine
    // (exact with OMP_NUM_THREADS=1; with more threads it also counts spin-waits)
    System.out.printf("process CPU ms: dense median %.1f, MoE median %.1f, ratio %.2f%n",
        cd[iters / 2], cm[iters / 2], cd[iters / 2] / cm[iters / 2]);
  }

  /** {wall ms, process CPU ms} of one forward + backward. */
  private static double[] time(Ffn ffn, INDArray x, INDArray dy, int batch) {
    com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean)
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    long c = os.getProcessCpuTime();
    long t = System.nanoTime();
    ffn.forward(x, batch, true);
    ffn.backward(dy);
    return new double[] {(System.nanoTime() - t) / 1e6, (os.getProcessCpuTime() - c) / 1e6};
  }
}
