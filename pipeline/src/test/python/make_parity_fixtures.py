"""Writes the PyTorch parity fixtures for MoeTransformerParityTest (float64).

Each fixture carries the config (HOCON key names of ModelConfig), the tokens [B, T+1], every
parameter (flat c-order, by MoeTransformer slot name: PyTorch's RNG is not ND4J's, so weights
travel with the fixture), the logits [B*T, V], the loss parts and the gradient of the total loss
for every parameter. Run from the repository root:
    /usr/bin/python3 pipeline/src/test/python/make_parity_fixtures.py
"""
import json
import os
import sys
from dataclasses import replace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402

import moe_ref  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "parity")
B = 2

TINY = moe_ref.Config(vocab_size=16, d_model=8, layers=2, heads=2, seq_len=6, ffn_hidden=8, experts=4,
                      top_k=2, aux_coef=0.1, seq_aux_coef=0.0, z_coef=0.05, init_std=0.4)

VARIANTS = {
    "softmax_top2": TINY,
    "sigmoid_top2_bias": replace(TINY, router="sigmoid", seq_aux_coef=0.1),
    "capacity_drop": replace(TINY, capacity_factor=1.0),
    "shared_expert_untied": replace(TINY, shared_experts=1, shared_hidden=6, tie_embeddings=False, top_k=1),
}


def hocon(cfg):
    return {"vocab-size": cfg.vocab_size, "d-model": cfg.d_model, "layers": cfg.layers, "heads": cfg.heads,
            "seq-len": cfg.seq_len, "ffn-hidden": cfg.ffn_hidden, "experts": cfg.experts, "top-k": cfg.top_k,
            "router": cfg.router, "normalize-gates": cfg.normalize_gates, "jitter": 0.0,
            "capacity-factor": cfg.capacity_factor, "shared-experts": cfg.shared_experts,
            "shared-hidden": cfg.shared_hidden, "moe-every": cfg.moe_every, "aux-coef": cfg.aux_coef,
            "seq-aux-coef": cfg.seq_aux_coef, "z-coef": cfg.z_coef, "bias-rate": 0.0, "dense": cfg.dense,
            "tie-embeddings": cfg.tie_embeddings, "rope-theta": cfg.rope_theta, "norm-eps": cfg.norm_eps,
            "init-std": cfg.init_std}


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def fixture(name, cfg, seed):
    torch.manual_seed(seed)
    params = moe_ref.init_params(cfg, seed, torch.float64)
    for key, t in params.items():
        if key.endswith("expert_bias") and cfg.router == "sigmoid":
            t.copy_(torch.randn(t.shape, dtype=torch.float64) * 0.3)  # exercises selection-only bias
    tokens = torch.randint(0, cfg.vocab_size, (B, cfg.seq_len + 1), generator=torch.Generator().manual_seed(seed))
    out = moe_ref.forward(cfg, params, tokens)
    out["total"].backward()
    dropped = sum(int(r[2].sum()) for r in out["routing"])
    if cfg.capacity_factor > 0:
        assert dropped > 0, "the capacity fixture must drop"
    return {
        "name": name,
        "config": hocon(cfg),
        "tokens": tokens.tolist(),
        "params": {k: flat(v) for k, v in params.items()},
        "logits": flat(out["logits"]),
        "ce": float(out["ce"]), "aux": float(out["aux"]), "seq_aux": float(out["seq_aux"]),
        "z": float(out["z"]), "total": float(out["total"]),
        "dropped": dropped,
        "experts": [r[0].reshape(-1).tolist() for r in out["routing"]],
        "grads": {k: flat(v.grad) if v.grad is not None else [0.0] * v.numel() for k, v in params.items()},
    }


def main():
    os.makedirs(OUT, exist_ok=True)
    for i, (name, cfg) in enumerate(VARIANTS.items()):
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(fixture(name, cfg, 100 + i), f, separators=(",", ":"))
        print("wrote", name)


if __name__ == "__main__":
    main()
