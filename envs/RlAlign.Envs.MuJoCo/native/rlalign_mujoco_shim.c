// Compiled at build time against the installed MuJoCo headers. mjModel/mjData change layout between
// MuJoCo versions, so C# never reads them directly: this shim copies out the counts and the array
// pointers the envs need, and records which header version it was built against so that C# can refuse
// a runtime library of another version instead of reading garbage. It also runs an env step's physics
// (rl_step) in one call, and turns MuJoCo's fatal engine errors into error returns (see below).
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mujoco/mujoco.h>

typedef struct {
  int struct_size;
  int header_version;
  int nq, nv, nu, na, nbody, nsite;
  double timestep;
  const mjtNum* qpos0;
  const mjtNum* actuator_ctrlrange;
  const mjtByte* actuator_ctrllimited;
  const mjtNum* body_mass;
} rl_model_info;

typedef struct {
  int struct_size;
  mjtNum* time;
  mjtNum* qpos;
  mjtNum* qvel;
  mjtNum* act;
  mjtNum* ctrl;
  mjtNum* qacc;
  mjtNum* qacc_warmstart;
  mjtNum* xpos;
  mjtNum* site_xpos;
  mjtNum* cfrc_ext;
  mjtNum* qfrc_constraint;
  mjtNum* qfrc_actuator;
  mjtNum* xipos;
  mjtNum* cinert;
  mjtNum* cvel;
  int* ncon;
} rl_data_info;

int rl_shim_header_version(void) { return mjVERSION_HEADER; }

int rl_model_info_size(void) { return (int)sizeof(rl_model_info); }
int rl_data_info_size(void) { return (int)sizeof(rl_data_info); }

void rl_get_model_info(const mjModel* m, rl_model_info* out) {
  out->struct_size = (int)sizeof(rl_model_info);
  out->header_version = mjVERSION_HEADER;
  out->nq = m->nq; out->nv = m->nv; out->nu = m->nu; out->na = m->na;
  out->nbody = m->nbody; out->nsite = m->nsite;
  out->timestep = m->opt.timestep;
  out->qpos0 = m->qpos0;
  out->actuator_ctrlrange = m->actuator_ctrlrange;
  out->actuator_ctrllimited = m->actuator_ctrllimited;
  out->body_mass = m->body_mass;
}

void rl_get_data_info(mjData* d, rl_data_info* out) {
  out->struct_size = (int)sizeof(rl_data_info);
  out->time = &d->time;
  out->qpos = d->qpos; out->qvel = d->qvel; out->act = d->act; out->ctrl = d->ctrl;
  out->qacc = d->qacc; out->qacc_warmstart = d->qacc_warmstart;
  out->xpos = d->xpos; out->site_xpos = d->site_xpos;
  out->cfrc_ext = d->cfrc_ext; out->qfrc_constraint = d->qfrc_constraint;
  out->qfrc_actuator = d->qfrc_actuator;
  out->xipos = d->xipos; out->cinert = d->cinert; out->cvel = d->cvel;
  out->ncon = &d->ncon;
}

// MuJoCo reports engine errors (a user model overflowing its mjData stack, say) through mju_error, whose
// default prints, waits for Enter and exits the process. The handler installed here jumps back instead to
// the guarded call below that was running on this thread, which returns 0 with the message kept for
// rl_last_error; C# turns that into an exception. The mjData is then mid-step, so it must be reset.
static _Thread_local jmp_buf* rl_error_target;
static _Thread_local char rl_error_message[1000];

static void rl_error_handler(const char* message) {
  snprintf(rl_error_message, sizeof rl_error_message, "%s", message);
  if (rl_error_target) longjmp(*rl_error_target, 1);
  // Not inside a guarded call: nothing to return to, so end as MuJoCo would, minus waiting for Enter.
  fprintf(stderr, "MuJoCo error: %s\n", message);
  exit(1);
}

void rl_install_error_handler(void) { mju_user_error = rl_error_handler; }

const char* rl_last_error(void) { return rl_error_message; }

// Runs `call` with engine errors returning 0 from the enclosing function (1 on success).
#define RL_GUARDED(call)                       \
  jmp_buf target;                              \
  jmp_buf* outer = rl_error_target;            \
  rl_error_target = &target;                   \
  if (setjmp(target)) {                        \
    rl_error_target = outer;                   \
    return 0;                                  \
  }                                            \
  call;                                        \
  rl_error_target = outer;                     \
  return 1

// Gymnasium's do_simulation once ctrl is written: frame_skip x mj_step, then mj_rnePostConstraint so that cfrc_ext
// and friends are valid. One call per env step instead of frame_skip + 1 transitions from managed code.
int rl_step(const mjModel* m, mjData* d, int frame_skip) {
  RL_GUARDED({
    for (int i = 0; i < frame_skip; i++) mj_step(m, d);
    mj_rnePostConstraint(m, d);
  });
}

int rl_mj_step(const mjModel* m, mjData* d) { RL_GUARDED(mj_step(m, d)); }
int rl_forward(const mjModel* m, mjData* d) { RL_GUARDED(mj_forward(m, d)); }
int rl_rne_post_constraint(const mjModel* m, mjData* d) { RL_GUARDED(mj_rnePostConstraint(m, d)); }

int rl_make_data(const mjModel* m, mjData** d) {
  *d = NULL;
  RL_GUARDED(*d = mj_makeData(m));
}
