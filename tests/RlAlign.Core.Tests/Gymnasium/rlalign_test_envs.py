"""Python envs written to the Gymnasium API for RlAlign's bridge tests.

They need only numpy: the space classes below mimic the attributes of gymnasium.spaces that the
bridge reads (class name, low/high/shape/dtype, n/start, nvec, spaces), so no gymnasium import.
"""
import math
import types

import numpy as np


class Space:
    def __init__(self, shape=None, dtype=None):
        self.shape = shape
        self.dtype = None if dtype is None else np.dtype(dtype)


class Box(Space):
    def __init__(self, low, high, shape=None, dtype=np.float32):
        shape = tuple(shape) if shape is not None else np.shape(low)
        super().__init__(shape, dtype)
        self.low = np.full(shape, low, dtype=self.dtype) if np.isscalar(low) else np.asarray(low, dtype=self.dtype)
        self.high = np.full(shape, high, dtype=self.dtype) if np.isscalar(high) else np.asarray(high, dtype=self.dtype)


class Discrete(Space):
    def __init__(self, n, start=0):
        super().__init__((), np.int64)
        self.n = np.int64(n)
        self.start = np.int64(start)


class MultiDiscrete(Space):
    def __init__(self, nvec):
        self.nvec = np.asarray(nvec, dtype=np.int64)
        super().__init__(self.nvec.shape, np.int64)
        self.start = np.zeros_like(self.nvec)


class MultiBinary(Space):
    def __init__(self, n):
        super().__init__((n,), np.int8)
        self.n = n


class Dict(Space):
    def __init__(self, spaces):
        super().__init__(None, None)
        self.spaces = dict(sorted(spaces.items()))


class Tuple(Space):
    def __init__(self, spaces):
        super().__init__(None, None)
        self.spaces = tuple(spaces)


class Text(Space):
    def __init__(self, max_length):
        super().__init__((), str)
        self.max_length = max_length


class CartPoleEnv:
    """Gymnasium's classic_control/cartpole.py CartPole-v1 dynamics (euler), without rendering or a time limit."""

    def __init__(self):
        self.gravity = 9.8
        self.masscart = 1.0
        self.masspole = 0.1
        self.total_mass = self.masspole + self.masscart
        self.length = 0.5
        self.polemass_length = self.masspole * self.length
        self.force_mag = 10.0
        self.tau = 0.02
        self.theta_threshold_radians = 12 * 2 * math.pi / 360
        self.x_threshold = 2.4
        high = np.array([self.x_threshold * 2, np.finfo(np.float32).max, self.theta_threshold_radians * 2,
                         np.finfo(np.float32).max], dtype=np.float32)
        self.action_space = Discrete(2)
        self.observation_space = Box(-high, high, dtype=np.float32)
        self.np_random = np.random.default_rng()
        self.state = None
        self.steps_beyond_terminated = None
        self.closed = False

    def step(self, action):
        assert action in (0, 1), f"{action!r} invalid"
        x, x_dot, theta, theta_dot = self.state
        force = self.force_mag if action == 1 else -self.force_mag
        costheta = math.cos(theta)
        sintheta = math.sin(theta)
        temp = (force + self.polemass_length * np.square(theta_dot) * sintheta) / self.total_mass
        thetaacc = (self.gravity * sintheta - costheta * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * np.square(costheta) / self.total_mass))
        xacc = temp - self.polemass_length * thetaacc * costheta / self.total_mass
        x = x + self.tau * x_dot
        x_dot = x_dot + self.tau * xacc
        theta = theta + self.tau * theta_dot
        theta_dot = theta_dot + self.tau * thetaacc
        self.state = np.array((x, x_dot, theta, theta_dot), dtype=np.float64)
        terminated = bool(x < -self.x_threshold or x > self.x_threshold
                          or theta < -self.theta_threshold_radians or theta > self.theta_threshold_radians)
        if not terminated:
            reward = 1.0
        elif self.steps_beyond_terminated is None:
            self.steps_beyond_terminated = 0
            reward = 1.0
        else:
            self.steps_beyond_terminated += 1
            reward = 0.0
        return np.array(self.state, dtype=np.float32), reward, terminated, False, {}

    def reset(self, *, seed=None, options=None):
        if seed is not None:
            # gymnasium.utils.seeding.np_random(seed)
            self.np_random = np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed)))
        self.state = self.np_random.uniform(low=-0.05, high=0.05, size=(4,))
        self.steps_beyond_terminated = None
        return np.array(self.state, dtype=np.float32), {}

    def set_state(self, state):
        self.state = np.array(state, dtype=np.float64)

    def close(self):
        self.closed = True


class TrivialEnv:
    """As cheap as a Gymnasium env gets: the bridge's own overhead dominates its step."""

    def __init__(self):
        self.observation_space = Box(-1.0, 1.0, shape=(4,), dtype=np.float32)
        self.action_space = Discrete(2)
        self._obs = np.zeros(4, dtype=np.float32)

    def reset(self, *, seed=None, options=None):
        return self._obs, {}

    def step(self, action):
        return self._obs, 1.0, False, False, {}

    def render(self):
        # 2 rows x 3 columns, RGB: pixel (r, c) = (10r + c, 100, 200).
        frame = np.zeros((2, 3, 3), dtype=np.uint8)
        frame[..., 0] = np.arange(3)[None, :] + 10 * np.arange(2)[:, None]
        frame[..., 1] = 100
        frame[..., 2] = 200
        return frame


class StructuredEnv:
    """Dict, Tuple, MultiDiscrete, MultiBinary and several dtypes; the observation echoes the last action."""

    def __init__(self):
        self.action_space = Tuple([Discrete(3, start=1), Box(-2.0, 2.0, shape=(2,), dtype=np.float64),
                                   MultiDiscrete([4, 5]), MultiBinary(3)])
        self.observation_space = Dict({
            "echo": Tuple([Discrete(3, start=1), Box(-2.0, 2.0, shape=(2,), dtype=np.float64),
                           MultiDiscrete([4, 5]), MultiBinary(3)]),
            "grid": Box(0, 255, shape=(2, 3), dtype=np.uint8),
            "t": Discrete(100),
        })
        self.t = 0
        self.last_action = None
        self.last_options = None

    def _obs(self, action):
        discrete, box, multi, binary = action
        grid = np.arange(6, dtype=np.uint8).reshape(2, 3) * np.uint8(self.t + 1)
        # A transposed (non-C-contiguous) float64 view and a Python int exercise the slower paths.
        box_view = np.stack([box, box], axis=1)[:, 0]
        return {"t": self.t, "grid": grid, "echo": (np.int64(discrete), box_view, multi, binary)}

    def reset(self, *, seed=None, options=None):
        self.t = 0
        self.last_options = options
        return self._obs((1, np.zeros(2), np.zeros(2, dtype=np.int64), np.zeros(3, dtype=np.int8))), {"seed": seed}

    def step(self, action):
        assert isinstance(action, tuple) and len(action) == 4, action
        assert isinstance(action[0], int), type(action[0])
        assert action[1].dtype == np.float64 and action[2].dtype == np.int64 and action[3].dtype == np.int8
        self.t += 1
        self.last_action = action
        return self._obs(action), np.float32(0.5) * self.t, np.bool_(self.t >= 3), False, {}


class BadEnv:
    """Breaks the Gymnasium API in the way `mode` names."""

    def __init__(self, mode):
        self.mode = mode
        self.observation_space = Box(-1.0, 1.0, shape=(2,))
        self.action_space = Discrete(2)

    def reset(self, *, seed=None, options=None):
        obs = np.zeros(2, dtype=np.float32)
        if self.mode == "old_reset":
            return obs
        return obs, {}

    def step(self, action):
        obs = np.zeros(2, dtype=np.float32)
        if self.mode == "old_step":
            return obs, 1.0, False, {}
        if self.mode == "reward_str":
            return obs, "1.0", False, False, {}
        if self.mode == "terminated_float":
            return obs, 1.0, 0.0, False, {}
        if self.mode == "info_list":
            return obs, 1.0, False, False, []
        if self.mode == "obs_wrong_size":
            return np.zeros(3, dtype=np.float32), 1.0, False, False, {}
        if self.mode == "obs_str":
            return "nope", 1.0, False, False, {}
        if self.mode == "raise":
            return self._physics(action)
        return obs, 1.0, False, False, {}

    def _physics(self, action):
        raise ValueError(f"the pole broke at action {action}")


class TextSpaceEnv:
    def __init__(self):
        self.observation_space = Text(8)
        self.action_space = Discrete(2)

    def reset(self, *, seed=None, options=None):
        return "hi", {}

    def step(self, action):
        return "hi", 0.0, False, False, {}


def fake_gymnasium():
    """A stand-in `gymnasium` module whose make() builds the envs above and records its arguments."""
    module = types.ModuleType("gymnasium")
    module.calls = []

    def make(env_id, **kwargs):
        module.calls.append((env_id, kwargs))
        if env_id == "CartPole-v1":
            return CartPoleEnv()
        raise KeyError(f"Environment {env_id} doesn't exist.")

    module.make = make
    return module
