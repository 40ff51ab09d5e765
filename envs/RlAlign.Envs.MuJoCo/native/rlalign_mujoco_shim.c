// Compiled at build time against the installed MuJoCo headers. mjModel/mjData change layout between
// MuJoCo versions, so C# never reads them directly: this shim copies out the counts and the array
// pointers the envs need, and records which header version it was built against so that C# can refuse
// a runtime library of another version instead of reading garbage. It also runs an env step's physics
// (rl_step) in one call.
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

// Gymnasium's do_simulation once ctrl is written: frame_skip x mj_step, then mj_rnePostConstraint so that cfrc_ext
// and friends are valid. One call per env step instead of frame_skip + 1 transitions from managed code.
void rl_step(const mjModel* m, mjData* d, int frame_skip) {
  for (int i = 0; i < frame_skip; i++) mj_step(m, d);
  mj_rnePostConstraint(m, d);
}
