/*
 * libtorch's CPU build links Intel MKL statically and runs every float32 matrix product through MKL's sgemm.
 * MKL picks its kernels by asking mkl_serv_intel_cpu_true() whether the CPU is an Intel one; on AMD the answer
 * is no and MKL falls back to a generic path that ignores AVX2 and AVX-512. On the AMD EPYC (Zen 5) of our
 * development machines that path runs GPT-2's products at 55-85 GFLOP/s on one core; MKL's own AVX-512 kernels,
 * chosen by the CPU's feature flags, run them at 110-185.
 *
 * libtorch_cpu.so calls the function through its PLT, so a definition loaded into the global symbol scope
 * before libtorch (TorchRuntime.UseMklFeatureKernelsOnAmd dlopens this file with RTLD_GLOBAL) takes its place.
 * MKL then selects kernels from CPUID's feature flags, as it does on Intel CPUs, so a CPU without AVX-512 gets
 * MKL's AVX2 kernels, and so on. Only loaded on AMD CPUs.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
