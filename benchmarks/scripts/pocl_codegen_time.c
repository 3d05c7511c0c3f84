/*
 * pocl_codegen_time: what each kernel's first launch costs on an OpenCL CPU driver that generates code then (POCL).
 * Builds one program from SOURCE (e.g. common.cl followed by the files a first step needs) with OPTIONS, then launches
 * each KERNEL once, one work-group of the given local size, every buffer argument a zeroed 1 MiB buffer and every
 * scalar 0 (so clnn's kernels return at their bounds checks), waiting for each. Prints the wall and CPU milliseconds
 * (this process and its children: POCL runs the linker as a child) of the build and of each first launch.
 * Run it with POCL_CACHE_DIR pointing at an empty folder, or POCL's cache answers instead of its compiler.
 *
 *   cc -O2 -o /tmp/pocl_codegen_time benchmarks/scripts/pocl_codegen_time.c -lOpenCL
 *   cat kernels/common.cl kernels/memory.cl kernels/gemm_blocked.cl > /tmp/p.cl
 *   POCL_CACHE_DIR=$(mktemp -d) /tmp/pocl_codegen_time /tmp/p.cl "-DVW=16 -DRM=12 -DWN=2 -DPACK_TILE=16" \
 *       fill_f32:256,1,1 pack_b:16,1,1 gemm_blocked:1,8,1
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double wall_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double cpu_ms(void) {
    struct rusage self, children;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    return (self.ru_utime.tv_sec + self.ru_stime.tv_sec + children.ru_utime.tv_sec + children.ru_stime.tv_sec) * 1e3
           + (self.ru_utime.tv_usec + self.ru_stime.tv_usec + children.ru_utime.tv_usec + children.ru_stime.tv_usec)
                 / 1e3;
}

static void check(cl_int status, const char *what) {
    if (status != CL_SUCCESS) {
        fprintf(stderr, "pocl_codegen_time: %s failed with status %d\n", what, status);
        exit(1);
    }
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s SOURCE OPTIONS [KERNEL:L0,L1,L2 ...]\n", argv[0]);
        return 2;
    }
    FILE *file = fopen(argv[1], "rb");
    if (file == NULL) {
        perror(argv[1]);
        return 1;
    }
    fseek(file, 0, SEEK_END);
    long length = ftell(file);
    rewind(file);
    char *source = malloc(length + 1);
    if (fread(source, 1, length, file) != (size_t) length) {
        perror(argv[1]);
        return 1;
    }
    source[length] = 0;
    fclose(file);

    cl_platform_id platform;
    cl_device_id device;
    cl_int status;
    check(clGetPlatformIDs(1, &platform, NULL), "clGetPlatformIDs");
    check(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, NULL), "clGetDeviceIDs");
    cl_context context = clCreateContext(NULL, 1, &device, NULL, NULL, &status);
    check(status, "clCreateContext");
    cl_command_queue queue = clCreateCommandQueue(context, device, 0, &status);
    check(status, "clCreateCommandQueue");

    /* -cl-kernel-arg-info: the argument kinds below come from the kernel's own metadata. */
    char options[8192];
    snprintf(options, sizeof options, "-cl-kernel-arg-info %s", argv[2]);
    double wall = wall_ms(), cpu = cpu_ms();
    cl_program program = clCreateProgramWithSource(context, 1, (const char **) &source, NULL, &status);
    check(status, "clCreateProgramWithSource");
    if (clBuildProgram(program, 1, &device, options, NULL, NULL) != CL_SUCCESS) {
        static char log[1 << 16];
        clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, sizeof log, log, NULL);
        fprintf(stderr, "pocl_codegen_time: build failed:\n%s\n", log);
        return 1;
    }
    printf("%-28s %8.1f ms wall %8.1f ms CPU\n", "build", wall_ms() - wall, cpu_ms() - cpu);

    cl_mem buffer = clCreateBuffer(context, CL_MEM_READ_WRITE, 1 << 20, NULL, &status);
    check(status, "clCreateBuffer");
    static const char zeros[1 << 20];
    check(clEnqueueWriteBuffer(queue, buffer, CL_TRUE, 0, sizeof zeros, zeros, 0, NULL, NULL), "zeroing");
    double total_wall = 0, total_cpu = 0;
    for (int i = 3; i < argc; i++) {
        char spec[256];
        snprintf(spec, sizeof spec, "%s", argv[i]);
        char *name = strtok(spec, ":");
        char *sizes = strtok(NULL, ":");
        size_t local[3] = {1, 1, 1};
        if (sizes == NULL || sscanf(sizes, "%zu,%zu,%zu", &local[0], &local[1], &local[2]) < 1) {
            fprintf(stderr, "pocl_codegen_time: '%s' is not KERNEL:L0[,L1[,L2]]\n", argv[i]);
            return 2;
        }
        cl_kernel kernel = clCreateKernel(program, name, &status);
        check(status, name);
        cl_uint count;
        check(clGetKernelInfo(kernel, CL_KERNEL_NUM_ARGS, sizeof count, &count, NULL), "CL_KERNEL_NUM_ARGS");
        for (cl_uint a = 0; a < count; a++) {
            cl_kernel_arg_address_qualifier space;
            char type[64];
            check(clGetKernelArgInfo(kernel, a, CL_KERNEL_ARG_ADDRESS_QUALIFIER, sizeof space, &space, NULL),
                  "CL_KERNEL_ARG_ADDRESS_QUALIFIER");
            check(clGetKernelArgInfo(kernel, a, CL_KERNEL_ARG_TYPE_NAME, sizeof type, type, NULL),
                  "CL_KERNEL_ARG_TYPE_NAME");
            long zero = 0;
            if (space == CL_KERNEL_ARG_ADDRESS_GLOBAL) {
                check(clSetKernelArg(kernel, a, sizeof buffer, &buffer), "clSetKernelArg");
            } else if (space == CL_KERNEL_ARG_ADDRESS_LOCAL) {
                check(clSetKernelArg(kernel, a, 4096, NULL), "clSetKernelArg");
            } else {
                check(clSetKernelArg(kernel, a, strstr(type, "long") ? 8 : 4, &zero), "clSetKernelArg");
            }
        }
        wall = wall_ms();
        cpu = cpu_ms();
        /* One group: the grid is below POCL's 65,536 "small grid" limit, as most of a first step's launches are. */
        check(clEnqueueNDRangeKernel(queue, kernel, 3, NULL, local, local, 0, NULL, NULL), name);
        check(clFinish(queue), "clFinish");
        double w = wall_ms() - wall, c = cpu_ms() - cpu;
        total_wall += w;
        total_cpu += c;
        printf("%-28s %8.1f ms wall %8.1f ms CPU\n", name, w, c);
        clReleaseKernel(kernel);
    }
    printf("%-28s %8.1f ms wall %8.1f ms CPU\n", "first launches", total_wall, total_cpu);
    return 0;
}
