// Raw single-thread MuJoCo speed on a task model, the baseline for the C# envs (not part of the build).
//   gcc -O2 -o /tmp/mj_step_bench mj_step_bench.c -lmujoco
//   /tmp/mj_step_bench ../assets/hopper.xml 4 200000
// Per env step: random ctrl in ctrlrange, frame_skip x mj_step, one mj_rnePostConstraint (what the env does);
// mj_resetData every 1000 env steps (the time limit). Prints env steps/s and mj_step/s.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <mujoco/mujoco.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char** argv) {
  if (argc < 4) { fprintf(stderr, "usage: %s model.xml frame_skip env_steps\n", argv[0]); return 2; }
  char error[1000] = "";
  mjModel* m = mj_loadXML(argv[1], NULL, error, sizeof error);
  if (!m) { fprintf(stderr, "%s: %s\n", argv[1], error); return 1; }
  int frameSkip = atoi(argv[2]);
  long envSteps = atol(argv[3]);
  mjData* d = mj_makeData(m);
  unsigned int seed = 1;
  double start = now();
  for (long i = 0; i < envSteps; i++) {
    if (i % 1000 == 0) { mj_resetData(m, d); mj_forward(m, d); }
    for (int j = 0; j < m->nu; j++) {
      double lo = m->actuator_ctrlrange[2 * j], hi = m->actuator_ctrlrange[2 * j + 1];
      d->ctrl[j] = lo + (hi - lo) * (rand_r(&seed) / (double)RAND_MAX);
    }
    for (int k = 0; k < frameSkip; k++) mj_step(m, d);
    mj_rnePostConstraint(m, d);
  }
  double seconds = now() - start;
  printf("%s\tenv_steps/s %.0f\tmj_step/s %.0f\n", argv[1], envSteps / seconds, envSteps * frameSkip / seconds);
  mj_deleteData(d);
  mj_deleteModel(m);
  return 0;
}
