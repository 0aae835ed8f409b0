/* The drift bench's native control: the GEMV reference kernel of src/measure/referenceKernels.ts on
 * wasm ([1 x 1024] x [1024 x 4096] over 4 matrices, 67.1 MB of fp32 weights read per call),
 * written in plain C and compiled with -O3 -march=native, timed call after call.
 * Usage: gemv SECONDS. Prints one line per call: "<ms since start> <ms the call took>".
 * If this shows the same spread as the wasm kernel in the browser, the drift belongs to the
 * machine, not to the browser, wasm or tfjs. Our own code, written for this bench. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define D 1024
#define COLS (4 * D)
#define MATRICES 4

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

volatile float sink; /* keeps the compiler from dropping the work */

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: gemv SECONDS\n");
    return 2;
  }
  double seconds = atof(argv[1]);
  static float x[D], y[COLS];
  float *w[MATRICES];
  for (int k = 0; k < MATRICES; k++) {
    w[k] = aligned_alloc(64, sizeof(float) * D * COLS);
    if (!w[k]) return 1;
    for (long i = 0; i < (long)D * COLS; i++) w[k][i] = 0.001f * (k + 1);
  }
  for (int i = 0; i < D; i++) x[i] = 1.0f;
  double t0 = now_ms();
  while (now_ms() - t0 < seconds * 1e3) {
    double start = now_ms();
    float total = 0;
    for (int k = 0; k < MATRICES; k++) {
      for (int j = 0; j < COLS; j++) y[j] = 0;
      /* Eight rows of W per sweep over y: eight read streams, so the loop runs at the memory
       * system's speed (about 33 GB/s here, like XNNPACK's kernel in wasm) rather than at y's. */
      for (int i = 0; i < D; i += 8) {
        const float *r = w[k] + (long)i * COLS;
        for (int j = 0; j < COLS; j++)
          y[j] += x[i] * r[j] + x[i + 1] * r[COLS + j] + x[i + 2] * r[2 * COLS + j] + x[i + 3] * r[3 * COLS + j] +
                  x[i + 4] * r[4 * COLS + j] + x[i + 5] * r[5 * COLS + j] + x[i + 6] * r[6 * COLS + j] + x[i + 7] * r[7 * COLS + j];
      }
      for (int j = 0; j < COLS; j++) total += y[j];
    }
    double end = now_ms();
    sink = total;
    x[0] = 1.0f + total * 1e-12f; /* the next call depends on this one */
    printf("%.3f %.4f\n", start - t0, end - start);
  }
  return 0;
}
