// Times CLBlast SGEMM (row-major, NN) on the first OpenCL device: median of 7 after 3 warm-ups. A yardstick for
// benchmarks/RESULTS.md, not part of clnn. Build: apt-get install libclblast-dev; gcc -O2 -o /tmp/clblast_bench
// benchmarks/scripts/clblast_sgemm_bench.c -lclblast -lOpenCL; run: /tmp/clblast_bench 1024
#define CL_TARGET_OPENCL_VERSION 120
#include <clblast_c.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec * 1e-9; }
static int cmp(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return x < y ? -1 : x > y; }
int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1024;
  cl_platform_id p; cl_device_id d; clGetPlatformIDs(1, &p, NULL); clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, &d, NULL);
  cl_context c = clCreateContext(NULL, 1, &d, NULL, NULL, NULL);
  cl_command_queue q = clCreateCommandQueue(c, d, 0, NULL);
  size_t bytes = (size_t) n * n * sizeof(float);
  float *h = malloc(bytes); for (size_t i = 0; i < (size_t) n * n; i++) h[i] = (float) (i % 7) / 7.0f;
  cl_mem a = clCreateBuffer(c, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, bytes, h, NULL);
  cl_mem b = clCreateBuffer(c, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, bytes, h, NULL);
  cl_mem cc = clCreateBuffer(c, CL_MEM_READ_WRITE, bytes, NULL, NULL);
  double t0 = now();
  double times[7];
  for (int r = 0; r < 10; r++) {
    double s = now();
    CLBlastStatusCode st = CLBlastSgemm(CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeNo, n, n, n, 1.0f,
        a, 0, n, b, 0, n, 0.0f, cc, 0, n, &q, NULL);
    clFinish(q);
    if (st != CLBlastSuccess) { printf("CLBlast error %d\n", st); return 1; }
    if (r == 0) printf("first call (includes CLBlast's kernel compilation): %.2f s\n", now() - t0);
    if (r >= 3) times[r - 3] = now() - s;
  }
  qsort(times, 7, sizeof(double), cmp);
  printf("CLBlast sgemm %d: %.2f ms, %.1f GFLOP/s\n", n, times[3] * 1e3, 2.0 * n * n * n / times[3] / 1e9);
  return 0;
}
