package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Sigmoid;
import org.nd4j.linalg.factory.Nd4j;

class RowKernelsTest {
  /** The whole buffer of each {@link #view}. */
  private static final java.util.Map<INDArray, INDArray> BUFFERS = new java.util.IdentityHashMap<>();

  /** The tests run with the module (the pom's argLine), so the vector kernels are what they check. */
  @Test
  void theTestJvmHasTheVectorModule() {
    assertThat(RowKernels.VECTOR).isTrue();
  }

  /** The vector max (four running maxima) is Math.max's fold: NaN wins, +0 beats −0, any length. */
  @Test
  void vectorMaxIsMathMaxFold() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int blocks : new int[] {8, 24, 32, 40, 2048}) {
      for (float planted : new float[] {Float.NaN, 0f, -0f, 1e30f}) {
        float[] x = new float[blocks];
        for (int j = 0; j < blocks; j++) {
          x[j] = planted == 0f ? -0f - (float) rnd.nextDouble() : (float) rnd.nextGaussian();
        }
        x[rnd.nextInt(blocks)] = planted;
        float expected = Float.NEGATIVE_INFINITY;
        for (float v : x) {
          expected = Math.max(expected, v);
        }
        assertThat(Float.floatToRawIntBits(VectorRowKernels.max(x, blocks, Float.NEGATIVE_INFINITY, new float[8])))
            .as("max of %s with %s", blocks, planted).isEqualTo(Float.floatToRawIntBits(expected));
      }
    }
  }

  /** float → double on vectors is the cast, special values and the tail past the lanes included. */
  @Test
  void widenEqualsTheCast() {
    float[] x = {1.5f, -0f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, Float.NEGATIVE_INFINITY, 1e-40f,
        3.14159f, -2.5e30f, 7f, 0.1f};
    double[] out = new double[x.length];
    RowKernels.widen(x, out, x.length);
    for (int j = 0; j < x.length; j++) {
      assertThat(Double.doubleToRawLongBits(out[j])).as("%s", x[j]).isEqualTo(Double.doubleToRawLongBits(x[j]));
    }
  }

  /** The sum of squares gives the same bits on vectors and on the twin, and float64's sum. */
  @Test
  void sumSquaresVectorAndTwinGiveTheSameBits() {
    SplittableRandom rnd = new SplittableRandom(5);
    for (int n : new int[] {0, 1, 7, 8, 9, 1000, 16384}) {
      float[] x = new float[n];
      double exact = 0;
      for (int j = 0; j < n; j++) {
        x[j] = (float) (rnd.nextGaussian() * (j % 7 == 0 ? 1e3 : 1e-3));
        exact += (double) x[j] * x[j];
      }
      double twin = RowKernels.sumSquares(x, n, false);
      assertThat(RowKernels.sumSquares(x, n, true)).as("n=%d", n).isEqualTo(twin);
      assertThat(twin).isCloseTo(exact, within(1e-12 * exact + 1e-300));
      float[] y = new float[n];
      double exactDot = 0;
      for (int j = 0; j < n; j++) {
        y[j] = (float) rnd.nextGaussian();
        exactDot += (double) x[j] * y[j];
      }
      double dotTwin = RowKernels.dot(x, y, n, false);
      assertThat(RowKernels.dot(x, y, n, true)).as("dot n=%d", n).isEqualTo(dotTwin);
      assertThat(dotTwin).isCloseTo(exactDot, within(1e-12 * Math.sqrt(exact * n) + 1e-300));
    }
  }

  /**
   * Softmax (plain and causal), the SwiGLU gate and its way back give the same bits on vectors over
   * the arrays' buffers and on the scalar twin, for row widths around the lane count, with wide
   * logits, on views at an offset; and they match ND4J's softmax and sigmoid.
   */
  @Test
  void vectorAndTwinGiveTheSameBitsAndMatchNd4j() {
    SplittableRandom rnd = new SplittableRandom(3);
    for (int width : new int[] {1, 7, 8, 9, 16, 45, 2048, 2051}) {
      int rows = width > 1000 ? 5 : 40;
      INDArray x = view(rows, width, rnd, 3, 40);
      for (boolean causal : new boolean[] {false, true}) {
        INDArray vec = view(x);
        INDArray twin = view(x);
        RowKernels.softmaxRows(vec, causal, true);
        assertEdges(vec);
        RowKernels.softmaxRows(twin, causal, false);
        assertThat(vec.toFloatMatrix()).as("softmax width %s causal %s", width, causal).isEqualTo(twin.toFloatMatrix());
        for (int r = 0; r < rows; r++) {
          int n = causal ? r % width + 1 : width;
          INDArray expected = x.getRow(r).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, n)).dup();
          Nd4j.exec(new SoftMax(expected, expected, -1));
          for (int j = 0; j < width; j++) {
            float e = j < n ? expected.getFloat(j) : 0f;
            assertThat(vec.getFloat(r, j)).as("softmax width %s row %s column %s", width, r, j)
                .isCloseTo(e, within(2e-6f + 2e-5f * e));
          }
        }
      }

      INDArray b = view(rows, width, rnd, 1, 1);
      INDArray[] gate = new INDArray[6];
      for (int i = 0; i < gate.length; i++) {
        gate[i] = view(rows, width, rnd, 0, 0);
      }
      RowKernels.swigluRows(x, b, gate[0], gate[1], gate[2], rows, true);
      for (int i = 0; i < 3; i++) {
        assertEdges(gate[i]);
      }
      RowKernels.swigluRows(x, b, gate[3], gate[4], gate[5], rows, false);
      for (int i = 0; i < 3; i++) {
        assertThat(gate[i].toFloatMatrix()).as("gate output %s width %s", i, width).isEqualTo(gate[i + 3].toFloatMatrix());
      }
      INDArray sig = x.dup();
      Nd4j.exec(new Sigmoid(sig, sig));
      assertThat(gate[0].equalsWithEps(sig, 1e-6)).as("sigmoid width %s", width).isTrue();
      assertThat(gate[1].toFloatMatrix()).isEqualTo(x.mul(gate[0]).toFloatMatrix());
      assertThat(gate[2].toFloatMatrix()).isEqualTo(gate[1].mul(b).toFloatMatrix());

      INDArray dg = view(rows, width, rnd, 1, 1);
      INDArray dhVec = view(rows, 2 * width, rnd, 0, 0);
      INDArray dhTwin = view(rows, 2 * width, rnd, 0, 0);
      RowKernels.swigluBackwardRows(dg, gate[1], gate[0], b, dhVec, rows, true);
      assertEdges(dhVec);
      RowKernels.swigluBackwardRows(dg, gate[1], gate[0], b, dhTwin, rows, false);
      assertThat(dhVec.toFloatMatrix()).as("swiglu backward width %s", width).isEqualTo(dhTwin.toFloatMatrix());
      INDArray silu1 = gate[0].rsub(1).mul(gate[1]).add(gate[0]);
      assertThat(dhVec.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, width))
          .equalsWithEps(dg.mul(b).mul(silu1), 1e-6)).as("da width %s", width).isTrue();
    }
  }

  /**
   * A [rows, width] float32 view 7 elements into a larger buffer, Gaussian times {@code scale}, every
   * fifth column times {@code wide}, or zeros where {@code scale} is 0; the buffer's edges are NaN,
   * so a kernel that strays past the view shows.
   */
  private static INDArray view(int rows, int width, SplittableRandom rnd, double scale, double wide) {
    INDArray flat = Nd4j.valueArrayOf(new long[] {1, 7 + rows * width + 5}, Float.NaN, DataType.FLOAT);
    INDArray v = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(7, 7 + rows * width)).reshape(rows, width);
    for (int r = 0; r < rows; r++) {
      for (int j = 0; j < width; j++) {
        v.putScalar(r, j, scale == 0 ? 0 : rnd.nextGaussian() * (j % 5 == 0 ? wide : scale));
      }
    }
    assertThat(v.offset()).isEqualTo(7);
    BUFFERS.put(v, flat);
    return v;
  }

  /** The buffer around a {@link #view} is still NaN: nothing wrote past the view. */
  private static void assertEdges(INDArray v) {
    INDArray flat = BUFFERS.get(v);
    for (long i = 0; i < flat.length(); i = i == 6 ? 7 + v.length() : i + 1) {
      assertThat(flat.getFloat(i)).as("element %s of the buffer around %s", i, v.shapeInfoToString()).isNaN();
    }
  }

  /** A copy of x as a view at an offset, as {@link #view(int, int, SplittableRandom, double, double)}. */
  private static INDArray view(INDArray x) {
    INDArray v = view((int) x.rows(), (int) x.columns(), new SplittableRandom(0), 0, 0);
    v.assign(x);
    return v;
  }

  /** The row drivers cover every row of offset views and refuse what is not contiguous float32. */
  @Test
  void rowDriversCoverViewsAndRefuseOtherLayouts() {
    Nd4j.getRandom().setSeed(4);
    INDArray flat = Nd4j.randn(DataType.FLOAT, 1, 5 + 6 * 11);
    INDArray rows = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.point(0),
        org.nd4j.linalg.indexing.NDArrayIndex.interval(5, 5 + 66)).reshape(6, 11);
    INDArray expected = rows.dup();
    Nd4j.exec(new SoftMax(expected, expected, -1));
    RowKernels.softmaxRows(rows, false);
    assertThat(rows.equalsWithEps(expected, 1e-6)).isTrue();
    assertThat(flat.getFloat(0, 4)).as("before the view").isNotCloseTo(0, within(0f));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RowKernels.softmaxRows(Nd4j.zeros(DataType.DOUBLE, 2, 3), false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contiguous float32 rows");
  }
}
