// The raw C loop the C# envs are measured against (bench only, compiled by MuJoCoBench.csproj): it replays a block
// of env steps that a C# env has just run, with the same controls and reset states, on its own mjModel/mjData
// loaded from the same file, so that its time and the env's differ only by what the env adds around mj_step.
#include <string.h>
#include <time.h>
#include <mujoco/mujoco.h>

// CPU time of the calling thread: unlike wall time, it does not grow while other processes hold the core.
double rlb_thread_cpu_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

mjModel* rlb_load(const char* path, char* error, int error_size) { return mj_loadXML(path, NULL, error, error_size); }
mjData* rlb_make_data(const mjModel* m) { return mj_makeData(m); }
void rlb_delete(mjModel* m, mjData* d) { mj_deleteData(d); mj_deleteModel(m); }
const mjtNum* rlb_qpos(const mjData* d) { return d->qpos; }

// Everything mj_step reads from mjData in these models (no mocap bodies, no applied forces, no plugins).
void rlb_set_state(const mjModel* m, mjData* d, mjtNum time, const mjtNum* qpos, const mjtNum* qvel,
                   const mjtNum* act, const mjtNum* qacc_warmstart) {
  d->time = time;
  memcpy(d->qpos, qpos, sizeof(mjtNum) * m->nq);
  memcpy(d->qvel, qvel, sizeof(mjtNum) * m->nv);
  memcpy(d->act, act, sizeof(mjtNum) * m->na);
  memcpy(d->qacc_warmstart, qacc_warmstart, sizeof(mjtNum) * m->nv);
}

// Per env step: ctrl = the recorded action, frame_skip x mj_step, one mj_rnePostConstraint (what the env does).
// Before step reset_at[r] (steps: after the last one) it resets as the env does: mj_resetData, the reset qpos/qvel,
// mj_forward. mj_forward normalizes quaternions in qpos, and the recorded qpos is the env's already normalized one,
// so the recorded state (reset_state[r]: nq qpos, nv qvel, nv qacc_warmstart, as the env's reset left them) is
// written again afterwards for the next mj_step to start exactly where the env's did.
void rlb_replay(const mjModel* m, mjData* d, int frame_skip, const mjtNum* ctrl, long steps,
                const long* reset_at, const mjtNum* reset_state, long resets) {
  int size = m->nq + 2 * m->nv;
  long next = 0;
  for (long i = 0;; i++) {
    if (next < resets && reset_at[next] == i) {
      const mjtNum* state = reset_state + next * size;
      mj_resetData(m, d);
      memcpy(d->qpos, state, sizeof(mjtNum) * m->nq);
      memcpy(d->qvel, state + m->nq, sizeof(mjtNum) * m->nv);
      mj_forward(m, d);
      memcpy(d->qpos, state, sizeof(mjtNum) * m->nq);
      memcpy(d->qacc_warmstart, state + m->nq + m->nv, sizeof(mjtNum) * m->nv);
      next++;
    }
    if (i == steps) break;
    memcpy(d->ctrl, ctrl + i * m->nu, sizeof(mjtNum) * m->nu);
    for (int k = 0; k < frame_skip; k++) mj_step(m, d);
    mj_rnePostConstraint(m, d);
  }
}
