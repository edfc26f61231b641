/*
 * libtorch 2.7.1 links oneMKL statically, and oneMKL dispatches its kernels by CPU vendor: on AMD CPUs
 * it runs its AVX2 GEMM even where AVX-512 is present (measured: a [6272x128]x[128x512] float32 matmul
 * at about half the speed an AVX-512 kernel reaches on the same cores). oneMKL asks this function
 * whether the CPU is Intel's; it is exported from libtorch_cpu.so and called through the PLT, so a
 * library preloaded before it (LD_PRELOAD, set by bin/tbcm on AMD CPUs) answers yes. oneMKL then picks
 * its kernel from the CPU's actual instruction sets, as it does on Intel CPUs.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
