package org.moespark.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class GemmTest {
  /**
   * The direct CBLAS path equals its Nd4j.gemm twin on the operands the model passes: row blocks,
   * column halves and slices of flat buffers at nonzero offsets, every transpose pair, with
   * accumulation (beta = 1) into a view of a gradient buffer.
   */
  @Test
  void equalsNd4jGemmOnViewsAtOffsetsForEveryTransposeAndBothTypes() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Nd4j.getRandom().setSeed(7);
      // [3, 6, 10] stacked weights: slice 1 (offset 60), its left and right column halves
      INDArray stacked = Nd4j.randn(type, 3, 6, 10);
      INDArray slice = Views.slice(stacked, 1);
      INDArray left = Views.columns(slice, 0, 5);
      INDArray right = Views.columns(slice, 5, 10);
      INDArray x = Views.rows(Nd4j.randn(type, 20, 6), 4, 11);
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          INDArray a = ta ? x.transpose().dup('c') : x;
          INDArray b = tb ? right.transpose().dup('c') : right;
          INDArray outer = Nd4j.randn(type, 12, 5);
          INDArray c = Views.rows(outer, 3, 10);
          INDArray expected = c.dup('c');
          Nd4j.gemm(a, b, expected, ta, tb, 0.5, 1.0);
          Gemm.exec(a, b, c, ta, tb, 0.5, 1.0);
          assertThat(c.equalsWithEps(expected, 1e-5)).as("%s ta=%s tb=%s", type, ta, tb).isTrue();
          assertThat(outer.getRow(2).equalsWithEps(outer.getRow(2).dup(), 0)).isTrue();
        }
      }
      INDArray g = Nd4j.randn(type, 7, 5);
      INDArray intoLeft = left.dup('c');
      INDArray before = right.dup('c');
      Nd4j.gemm(x, g, intoLeft, true, false, 1.0, 1.0);
      Gemm.exec(x, g, left, true, false, 1.0, 1.0);
      assertThat(left.equalsWithEps(intoLeft, 1e-5)).as("%s into a column half", type).isTrue();
      assertThat(right.equalsWithEps(before, 0)).as("%s right half untouched", type).isTrue();
    }
  }

  /**
   * Row blocks (pointer offsets, no views) give the bits of the same GEMM on views of those rows, for
   * every transpose pair and both types, and leave the rows outside the output block alone; a block
   * of a column view (an expert's w1 half) included.
   */
  @Test
  void rowBlocksEqualTheGemmOnViewsOfTheirRows() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Nd4j.getRandom().setSeed(9);
      INDArray x = Nd4j.randn(type, 20, 6);
      INDArray w = Views.columns(Nd4j.randn(type, 9, 10), 2, 8);
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          // op(a) is [7, 6] either way: rows 4..11 of x, or rows 2..8 of a [20, 7] matrix read transposed
          RowBlock a = ta ? new RowBlock(Nd4j.randn(type, 20, 7), 2, 8) : new RowBlock(x, 4, 11);
          RowBlock b = tb ? new RowBlock(w, 3, 9) : new RowBlock(w, 1, 7);
          INDArray out = Nd4j.randn(type, 12, 6);
          INDArray expectedOut = out.dup('c');
          INDArray expected = Views.rows(expectedOut, 3, 10);
          Gemm.exec(a.view(), b.view(), expected, ta, tb, 0.5, 1.0);
          Gemm.exec(a, b, new RowBlock(out, 3, 10), ta, tb, 0.5, 1.0);
          assertThat(out).as("%s ta=%s tb=%s", type, ta, tb).isEqualTo(expectedOut);
        }
      }
    }
  }

  /** Mismatched shapes and blocks outside their matrix are refused with the shapes in the message. */
  @Test
  void mismatchedShapesAndOutOfRangeBlocksAreRefused() {
    INDArray a = Nd4j.zeros(DataType.FLOAT, 4, 3);
    INDArray c = Nd4j.zeros(DataType.FLOAT, 4, 5);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> Gemm.exec(a, Nd4j.zeros(DataType.FLOAT, 2, 5), c, false, false, 1, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gemm shapes do not match");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RowBlock(a, 2, 5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rows [2, 5) of");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> BatchedMatmul.exec(Nd4j.zeros(DataType.FLOAT, 2, 4, 3),
            Nd4j.zeros(DataType.FLOAT, 2, 2, 5), Nd4j.zeros(DataType.FLOAT, 2, 4, 5), false, false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batched gemm shapes do not match");
  }

  /** The per-matrix CBLAS batched GEMM equals ND4J's batched matmul op, on a slice at an offset. */
  @Test
  void batchedEqualsTheMatmulOpForEveryTransposeAndBothTypes() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Nd4j.getRandom().setSeed(8);
      INDArray stacked = Nd4j.randn(type, 3, 4, 5, 5);
      INDArray a = stacked.get(NDArrayIndex.point(1), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all());
      INDArray b = Nd4j.randn(type, 4, 5, 5);
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          INDArray out = Nd4j.zeros(type, 4, 5, 5);
          INDArray expected = Nd4j.zeros(type, 4, 5, 5);
          BatchedMatmul.exec(a, b, out, ta, tb);
          Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(a, b).addOutputs(expected)
              .addIntegerArguments(ta ? 1 : 0, tb ? 1 : 0).build());
          assertThat(out.equalsWithEps(expected, 1e-5)).as("%s ta=%s tb=%s", type, ta, tb).isTrue();
        }
      }
    }
  }

  /**
   * A GEMM split into ranges of output rows (of op(a)'s rows, columns of a transposed a) gives the
   * bits of the whole call, for any number of ranges, every transpose pair and both types, at row
   * block offsets: the result does not depend on the core count. The same for a batch split into
   * ranges of matrices.
   */
  @Test
  void splitOverCoresGivesTheBitsOfOneCall() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Nd4j.getRandom().setSeed(11);
      for (boolean ta : new boolean[] {false, true}) {
        for (boolean tb : new boolean[] {false, true}) {
          // op(a) [37, 19], op(b) [19, 23], c rows 5..42 of a [50, 23] matrix
          RowBlock a = ta ? new RowBlock(Nd4j.randn(type, 25, 37), 3, 22) : new RowBlock(Nd4j.randn(type, 40, 19), 2, 39);
          RowBlock b = tb ? new RowBlock(Nd4j.randn(type, 30, 19), 4, 27) : new RowBlock(Nd4j.randn(type, 19, 23), 0, 19);
          INDArray start = Nd4j.randn(type, 50, 23);
          INDArray whole = start.dup('c');
          HostBlas.gemms(List.of(new Gemm.Call(a, b, new RowBlock(whole, 5, 42), ta, tb, 0.5, 1.0)), 1);
          INDArray viaNd4j = start.dup('c');
          Nd4j.gemm(a.view(), b.view(), Views.rows(viaNd4j, 5, 42), ta, tb, 0.5, 1.0);
          assertThat(whole.equalsWithEps(viaNd4j, 1e-5)).as("%s ta=%s tb=%s", type, ta, tb).isTrue();
          for (int parts : new int[] {2, 3, 7}) {
            INDArray split = start.dup('c');
            HostBlas.gemms(List.of(new Gemm.Call(a, b, new RowBlock(split, 5, 42), ta, tb, 0.5, 1.0)), parts);
            assertThat(split).as("%s ta=%s tb=%s in %s parts", type, ta, tb, parts).isEqualTo(whole);
          }
          // a wide output [6, 23] splits its columns: the same bits, columns at an offset of b's
          RowBlock wideA = ta ? new RowBlock(Nd4j.randn(type, 25, 6), 3, 22) : new RowBlock(Nd4j.randn(type, 9, 19), 2, 8);
          INDArray wideStart = Nd4j.randn(type, 10, 23);
          INDArray wideWhole = wideStart.dup('c');
          Gemm.Call wide = new Gemm.Call(wideA, b, new RowBlock(wideWhole, 4, 10), ta, tb, 0.5, 1.0);
          assertThat(HostBlas.byColumns(wide)).isTrue();
          HostBlas.gemms(List.of(wide), 1);
          for (int parts : new int[] {2, 3, 7}) {
            INDArray split = wideStart.dup('c');
            HostBlas.gemms(List.of(new Gemm.Call(wideA, b, new RowBlock(split, 4, 10), ta, tb, 0.5, 1.0)), parts);
            assertThat(split).as("columns %s ta=%s tb=%s in %s parts", type, ta, tb, parts).isEqualTo(wideWhole);
          }
          INDArray wideNd4j = wideStart.dup('c');
          Nd4j.gemm(wideA.view(), b.view(), Views.rows(wideNd4j, 4, 10), ta, tb, 0.5, 1.0);
          assertThat(wideWhole.equalsWithEps(wideNd4j, 1e-5)).as("columns %s ta=%s tb=%s", type, ta, tb).isTrue();
          INDArray ba = ta ? Nd4j.randn(type, 9, 19, 37) : Nd4j.randn(type, 9, 37, 19);
          INDArray bb = tb ? Nd4j.randn(type, 9, 23, 19) : Nd4j.randn(type, 9, 19, 23);
          INDArray one = Nd4j.zeros(type, 9, 37, 23);
          HostBlas.batchedGemm(ba, bb, one, ta, tb, 1);
          for (int parts : new int[] {2, 4}) {
            INDArray split = Nd4j.zeros(type, 9, 37, 23);
            HostBlas.batchedGemm(ba, bb, split, ta, tb, parts);
            assertThat(split).as("batched %s ta=%s tb=%s in %s parts", type, ta, tb, parts).isEqualTo(one);
          }
        }
      }
    }
  }

  /**
   * Independent GEMMs run as one give the bits of each run alone, for any number of ranges: the
   * ranges cut calls and span them (here 9 calls of unequal work, one empty, one with k = 0 that only
   * scales its output by beta, both types).
   */
  @Test
  void groupedCallsGiveTheBitsOfEachCallAlone() {
    for (DataType type : new DataType[] {DataType.FLOAT, DataType.DOUBLE}) {
      Nd4j.getRandom().setSeed(12);
      INDArray x = Nd4j.randn(type, 60, 16);
      INDArray w = Nd4j.randn(type, 9, 16, 11);
      INDArray start = Nd4j.randn(type, 60, 11);
      int[] rows = {7, 0, 13, 2, 9, 1, 17, 6, 5};
      java.util.function.Function<INDArray, List<Gemm.Call>> callsInto = out -> {
        List<Gemm.Call> calls = new ArrayList<>();
        long at = 0;
        for (int e = 0; e < rows.length; e++) {
          boolean noK = e == 3;
          RowBlock a = noK ? RowBlock.of(Nd4j.zeros(type, rows[e], 0)) : new RowBlock(x, at, at + rows[e]);
          RowBlock b = RowBlock.of(noK ? Nd4j.zeros(type, 0, 11) : Views.slice(w, e));
          calls.add(new Gemm.Call(a, b, new RowBlock(out, at, at + rows[e]), false, false, 1.0, 0.5));
          at += rows[e];
        }
        return calls;
      };
      INDArray alone = start.dup('c');
      for (Gemm.Call c : callsInto.apply(alone)) {
        HostBlas.gemms(List.of(c), 1);
      }
      for (int parts : new int[] {1, 2, 3, 5, 8}) {
        INDArray together = start.dup('c');
        HostBlas.gemms(callsInto.apply(together), parts);
        assertThat(together).as("%s in %s parts", type, parts).isEqualTo(alone);
      }
    }
  }

  /** The row ranges cover every row once, at most as many as asked, and the core count follows OMP_NUM_THREADS. */
  @Test
  void rowRangesCoverEveryRowOnceAndHonourOmpNumThreads() {
    for (int parts : new int[] {1, 2, 3, 8}) {
      java.util.concurrent.atomic.AtomicIntegerArray hits = new java.util.concurrent.atomic.AtomicIntegerArray(5);
      java.util.concurrent.atomic.AtomicInteger ranges = new java.util.concurrent.atomic.AtomicInteger();
      RowRanges.inParts(parts, 5, (from, to) -> {
        ranges.incrementAndGet();
        for (int r = from; r < to; r++) {
          hits.incrementAndGet(r);
        }
      });
      assertThat(ranges.get()).isEqualTo(Math.min(parts, 5));
      for (int r = 0; r < 5; r++) {
        assertThat(hits.get(r)).as("row %s in %s parts", r, parts).isEqualTo(1);
      }
    }
    int cores = RowRanges.cores(null);
    assertThat(cores).isEqualTo(java.util.concurrent.ForkJoinPool.getCommonPoolParallelism() + 1);
    assertThat(RowRanges.cores("1")).isEqualTo(1);
    assertThat(RowRanges.cores("64")).isEqualTo(cores);
    assertThat(RowRanges.cores("zero")).isEqualTo(cores);
  }
}
