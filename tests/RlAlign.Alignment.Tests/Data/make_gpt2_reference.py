#!/usr/bin/env python3
"""Writes a tiny random GPT-2 in Hugging Face's folder format and the logits of an independent numpy forward pass.

Output (committed, used by Gpt2ReferenceTests):
  gpt2-reference/config.json        Hugging Face GPT2Config fields
  gpt2-reference/model.safetensors  GPT2Model names without the "transformer." prefix (as the original gpt2 upload),
                                    with the h.{i}.attn.bias / attn.masked_bias buffers that loaders must ignore;
                                    wpe stored as BF16 and ln_f.weight as F16 to exercise those decoders
  gpt2-reference/reference.json     input ids, attention masks and the expected logits (float64 forward pass)

The forward pass is written from the GPT-2 definition (pre-LayerNorm blocks, causal softmax attention scaled by
1/sqrt(head size), tanh-approximated GELU, tied output head) and never imports torch or transformers. A left-padded
row is defined by what padding must not change: its logits at real positions are those of the row without padding.

Run: /usr/bin/python3 make_gpt2_reference.py   (Debian python3 + numpy 1.24; deterministic)
"""
import json
import os
import struct

import numpy as np

CONFIG = {
    "model_type": "gpt2",
    "architectures": ["GPT2LMHeadModel"],
    "vocab_size": 50,
    "n_positions": 16,
    "n_ctx": 16,
    "n_embd": 16,
    "n_layer": 2,
    "n_head": 2,
    "n_inner": None,
    "activation_function": "gelu_new",
    "layer_norm_epsilon": 1e-5,
    "initializer_range": 0.02,
    "resid_pdrop": 0.1,
    "embd_pdrop": 0.1,
    "attn_pdrop": 0.1,
    "bos_token_id": 49,
    "eos_token_id": 49,
}


def to_bf16_exact(x):
    """Rounds float32 values to the nearest bfloat16 (round half to even) and returns them as float32 and raw uint16."""
    bits = x.astype(np.float32).view(np.uint32).astype(np.uint64)
    rounded = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
    return (rounded.astype(np.uint32) << 16).view(np.float32), rounded


def make_weights(rng):
    c, v, p, inner = CONFIG["n_embd"], CONFIG["vocab_size"], CONFIG["n_positions"], 4 * CONFIG["n_embd"]
    f32 = lambda *shape, scale=0.3: (rng.standard_normal(shape) * scale).astype(np.float32)
    weights = {"wte.weight": f32(v, c)}
    wpe, wpe_bits = to_bf16_exact(f32(p, c))
    weights["wpe.weight"] = wpe
    for i in range(CONFIG["n_layer"]):
        prefix = f"h.{i}."
        weights[prefix + "ln_1.weight"] = (1 + f32(c, scale=0.1)).astype(np.float32)
        weights[prefix + "ln_1.bias"] = f32(c, scale=0.1)
        weights[prefix + "attn.c_attn.weight"] = f32(c, 3 * c)  # Conv1D layout [in, out]
        weights[prefix + "attn.c_attn.bias"] = f32(3 * c, scale=0.1)
        weights[prefix + "attn.c_proj.weight"] = f32(c, c)
        weights[prefix + "attn.c_proj.bias"] = f32(c, scale=0.1)
        weights[prefix + "ln_2.weight"] = (1 + f32(c, scale=0.1)).astype(np.float32)
        weights[prefix + "ln_2.bias"] = f32(c, scale=0.1)
        weights[prefix + "mlp.c_fc.weight"] = f32(c, inner)
        weights[prefix + "mlp.c_fc.bias"] = f32(inner, scale=0.1)
        weights[prefix + "mlp.c_proj.weight"] = f32(inner, c)
        weights[prefix + "mlp.c_proj.bias"] = f32(c, scale=0.1)
    weights["ln_f.weight"] = (1 + f32(c, scale=0.1)).astype(np.float16).astype(np.float32)
    weights["ln_f.bias"] = f32(c, scale=0.1)
    return weights, wpe_bits


def layer_norm(x, weight, bias):
    mean = x.mean(-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + CONFIG["layer_norm_epsilon"]) * weight + bias


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))


def forward(w, ids):
    """Logits [T, vocab] of one unpadded sequence, in float64."""
    w = {k: v.astype(np.float64) for k, v in w.items()}
    t, c, heads = len(ids), CONFIG["n_embd"], CONFIG["n_head"]
    d = c // heads
    h = w["wte.weight"][ids] + w["wpe.weight"][np.arange(t)]
    future = np.triu(np.ones((t, t), dtype=bool), k=1)
    for i in range(CONFIG["n_layer"]):
        p = f"h.{i}."
        a = layer_norm(h, w[p + "ln_1.weight"], w[p + "ln_1.bias"])
        qkv = a @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = (qkv[:, j * c:(j + 1) * c].reshape(t, heads, d).transpose(1, 0, 2) for j in range(3))
        scores = q @ k.transpose(0, 2, 1) / np.sqrt(d)
        scores[:, future] = -np.inf
        scores -= scores.max(-1, keepdims=True)
        probs = np.exp(scores)
        probs /= probs.sum(-1, keepdims=True)
        attended = (probs @ v).transpose(1, 0, 2).reshape(t, c)
        h = h + attended @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"]
        m = layer_norm(h, w[p + "ln_2.weight"], w[p + "ln_2.bias"])
        h = h + gelu_tanh(m @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"]) @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"]
    h = layer_norm(h, w["ln_f.weight"], w["ln_f.bias"])
    return h @ w["wte.weight"].T


def write_safetensors(path, tensors):
    """tensors: list of (name, dtype name, raw bytes, shape). Independent of the C# writer."""
    header, offset, blobs = {"__metadata__": {"format": "pt"}}, 0, []
    for name, dtype, raw, shape in tensors:
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)


def main():
    rng = np.random.default_rng(20240611)
    weights, wpe_bits = make_weights(rng)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "gpt2-reference")
    os.makedirs(out, exist_ok=True)

    p = CONFIG["n_positions"]
    causal = np.tril(np.ones((p, p), dtype=np.float32)).reshape(1, 1, p, p)
    entries = []
    for name, value in weights.items():
        if name == "wpe.weight":
            entries.append((name, "BF16", wpe_bits.astype("<u2").tobytes(), value.shape))
        elif name == "ln_f.weight":
            entries.append((name, "F16", value.astype("<f2").tobytes(), value.shape))
        else:
            entries.append((name, "F32", value.astype("<f4").tobytes(), value.shape))
        if name.endswith("attn.c_attn.bias"):
            layer = name.split(".")[1]
            entries.append((f"h.{layer}.attn.bias", "F32", causal.astype("<f4").tobytes(), causal.shape))
            entries.append((f"h.{layer}.attn.masked_bias", "F32", np.array(-1e4, dtype="<f4").tobytes(), ()))
    write_safetensors(os.path.join(out, "model.safetensors"), entries)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2)

    v = CONFIG["vocab_size"]
    unpadded = rng.integers(0, v, size=(2, 8)).tolist()
    real_lengths = [8, 5]
    padded_ids, padded_mask, padded_logits = [], [], []
    for row, n in enumerate(real_lengths):
        real = rng.integers(0, v, size=n).tolist()
        pad = 8 - n
        padded_ids.append([CONFIG["eos_token_id"]] * pad + real)
        padded_mask.append([0] * pad + [1] * n)
        padded_logits.append([[0.0] * v] * pad + forward(weights, real).tolist())
    cases = [
        {"name": "unpadded", "input_ids": unpadded, "attention_mask": None,
         "logits": [forward(weights, ids).tolist() for ids in unpadded]},
        {"name": "left_padded", "input_ids": padded_ids, "attention_mask": padded_mask, "logits": padded_logits},
    ]
    rounded = json.loads(json.dumps(cases), parse_float=lambda s: round(float(s), 9))
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump({"cases": rounded}, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
