"""PyTorch reference of moe-spark's MoE transformer (org.moespark.model.MoeTransformer).

Used by make_parity_fixtures.py (float64, exact conventions) and bench_peer.py (float32 speed
peer). It follows the Java conventions exactly:
- parameter names, shapes and order of MoeTransformer.layout (flat c-order tensors);
- RoPE in the rotate-half layout (element i pairs with i + D/2, angle t * theta^(-2i/D));
- router: softmax scores, or sigmoid scores; top-k by score + expert_bias (selection only), gates
  from the unbiased scores, renormalised over the top-k when normalize_gates and K > 1; the balance
  losses see softmax scores or sigmoid scores normalised over the E experts;
- capacity ceil(cf * N * K / E) (cf = 0 dropless): each expert keeps its earliest
  (token, choice) pairs in token-major order, drops the rest;
- loss = ce + aux_coef * aux + seq_aux_coef * seq_aux + z_coef * z, router losses averaged over
  the MoE layers.
"""
import math
from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class Config:
    vocab_size: int = 64
    d_model: int = 16
    layers: int = 2
    heads: int = 2
    seq_len: int = 8
    ffn_hidden: int = 12
    experts: int = 4
    top_k: int = 2
    router: str = "softmax"
    normalize_gates: bool = True
    capacity_factor: float = 0.0
    shared_experts: int = 0
    shared_hidden: int = 8
    moe_every: int = 1
    aux_coef: float = 0.01
    seq_aux_coef: float = 0.0
    z_coef: float = 0.001
    dense: bool = False
    tie_embeddings: bool = True
    rope_theta: float = 10000.0
    norm_eps: float = 1e-5
    init_std: float = 0.02

    def is_moe_layer(self, i):
        return not self.dense and i % self.moe_every == self.moe_every - 1

    def dense_ffn_hidden(self):
        return self.top_k * self.ffn_hidden if self.dense else self.ffn_hidden

    def as_dense(self):
        return replace(self, dense=True)


def moe_layout(cfg, prefix):
    """The MoE slots of one layer, as MoeParams.addTo lays them out."""
    c, e, f = cfg.d_model, cfg.experts, cfg.ffn_hidden
    out = [(prefix + "router", (c, e)), (prefix + "expert_bias", (e,)), (prefix + "w13", (e, c, 2 * f)),
           (prefix + "w2", (e, f, c))]
    if cfg.shared_experts > 0:
        s = cfg.shared_experts * cfg.shared_hidden
        out += [(prefix + "shared_w13", (c, 2 * s)), (prefix + "shared_w2", (s, c))]
    return out


def layout(cfg):
    c = cfg.d_model
    out = [("wte", (cfg.vocab_size, c))]
    for i in range(cfg.layers):
        p = "h%d." % i
        out += [(p + "norm1", (c,)), (p + "attn.wqkv", (c, 3 * c)), (p + "attn.wo", (c, c)),
                (p + "norm2", (c,))]
        if cfg.is_moe_layer(i):
            out += moe_layout(cfg, "h%d.moe." % i)
        else:
            f = cfg.dense_ffn_hidden()
            out += [(p + "ffn.w13", (c, 2 * f)), (p + "ffn.w2", (f, c))]
    out.append(("norm_f", (c,)))
    if not cfg.tie_embeddings:
        out.append(("lm_head", (cfg.vocab_size, c)))
    return out


def init_params(cfg, seed, dtype):
    g = torch.Generator().manual_seed(seed)
    params = {}
    for name, shape in layout(cfg):
        if name.endswith(("norm1", "norm2")) or name == "norm_f":
            t = torch.ones(shape, dtype=dtype)
        elif name.endswith("expert_bias"):
            t = torch.zeros(shape, dtype=dtype)
        else:
            std = cfg.init_std / math.sqrt(2 * cfg.layers) if name.endswith(("wo", "w2")) else cfg.init_std
            t = torch.randn(shape, generator=g, dtype=dtype) * std
        params[name] = t.requires_grad_(not name.endswith("expert_bias"))
    return params


def rms_norm(x, g, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * g


def rope_tables(t, d, theta, dtype):
    half = d // 2
    inv = theta ** (-2.0 * torch.arange(half, dtype=torch.float64) / d)
    ang = torch.arange(t, dtype=torch.float64)[:, None] * inv[None, :]
    return ang.cos().to(dtype), ang.sin().to(dtype)


def rope(x, cos, sin):
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


def attention(cfg, x, wqkv, wo, b, t):
    c, h = cfg.d_model, cfg.heads
    d = c // h
    qkv = (x @ wqkv).view(b, t, 3, h, d).permute(2, 0, 3, 1, 4)
    cos, sin = rope_tables(t, d, cfg.rope_theta, x.dtype)
    q = rope(qkv[0], cos, sin) / math.sqrt(d)
    k = rope(qkv[1], cos, sin)
    att = q @ k.transpose(-1, -2)
    mask = torch.ones(t, t, dtype=torch.bool).triu(1)
    att = att.masked_fill(mask, float("-inf")).softmax(-1)
    y = (att @ qkv[2]).transpose(1, 2).reshape(b * t, c)
    return y @ wo


def swiglu(x, w13, w2):
    f = w2.shape[0]
    h = x @ w13
    return (F.silu(h[:, :f]) * h[:, f:]) @ w2


def capacity(cfg, n):
    pairs = n * cfg.top_k
    if cfg.capacity_factor == 0:
        return pairs
    return min(pairs, math.ceil(cfg.capacity_factor * pairs / cfg.experts))


def moe(cfg, P, prefix, x, b):
    """Returns (y, aux, seq_aux, z, expert [N, K], gate [N, K], dropped [N, K])."""
    n = x.shape[0]
    e_count, k = cfg.experts, cfg.top_k
    logits = x @ P[prefix + "router"]
    if cfg.router == "softmax":
        scores = logits.softmax(-1)
        probs = scores
    else:
        scores = torch.sigmoid(logits)
        probs = scores / scores.sum(-1, keepdim=True)
    sel = scores.detach() + P[prefix + "expert_bias"].detach()
    expert = torch.topk(sel, k, dim=-1).indices
    gate = scores.gather(-1, expert)
    if cfg.normalize_gates and k > 1:
        gate = gate / gate.sum(-1, keepdim=True)
    cap = capacity(cfg, n)
    flat = expert.reshape(-1)
    dropped = torch.zeros(n * k, dtype=torch.bool)
    y = torch.zeros_like(x)
    w13, w2 = P[prefix + "w13"], P[prefix + "w2"]
    gflat = gate.reshape(-1)
    for e in range(e_count):
        pairs = (flat == e).nonzero().squeeze(-1)
        if pairs.numel() > cap:
            dropped[pairs[cap:]] = True
            pairs = pairs[:cap]
        if pairs.numel() == 0:
            continue
        tokens = pairs // k
        out = swiglu(x[tokens], w13[e], w2[e]) * gflat[pairs][:, None]
        y = y.index_add(0, tokens, out)
    if cfg.shared_experts > 0:
        y = y + swiglu(x, P[prefix + "shared_w13"], P[prefix + "shared_w2"])
    aux = balance_loss(cfg, flat, probs, n)
    t = n // b
    seq_aux = sum(balance_loss(cfg, expert[s * t:(s + 1) * t].reshape(-1), probs[s * t:(s + 1) * t], t)
                  for s in range(b)) / b
    z = torch.logsumexp(logits, -1).pow(2).mean()
    return y, aux, seq_aux, z, expert, gate, dropped.view(n, k)


def balance_loss(cfg, flat_expert, probs, n):
    """Switch load balancing E * sum_i f_i * P_i, f_i = count_i / (K * n) (selected, before drops)."""
    counts = torch.bincount(flat_expert, minlength=cfg.experts).to(probs.dtype)
    f = counts / (cfg.top_k * n)
    return cfg.experts * (f * probs.mean(0)).sum()


def forward(cfg, P, tokens):
    """tokens: LongTensor [B, T+1]. Returns a dict with logits [B*T, V] and the loss parts."""
    b, t = tokens.shape[0], tokens.shape[1] - 1
    inputs = tokens[:, :-1].reshape(-1)
    targets = tokens[:, 1:].reshape(-1)
    x = P["wte"][inputs]
    aux = seq_aux = z = 0.0
    moe_layers = [i for i in range(cfg.layers) if cfg.is_moe_layer(i)]
    routing = []
    for i in range(cfg.layers):
        p = "h%d." % i
        x = x + attention(cfg, rms_norm(x, P[p + "norm1"], cfg.norm_eps), P[p + "attn.wqkv"],
                          P[p + "attn.wo"], b, t)
        hn = rms_norm(x, P[p + "norm2"], cfg.norm_eps)
        if cfg.is_moe_layer(i):
            y, a, sa, zl, expert, gate, dropped = moe(cfg, P, "h%d.moe." % i, hn, b)
            aux, seq_aux, z = aux + a / len(moe_layers), seq_aux + sa / len(moe_layers), z + zl / len(moe_layers)
            routing.append((expert, gate, dropped))
        else:
            y = swiglu(hn, P[p + "ffn.w13"], P[p + "ffn.w2"])
        x = x + y
    head = P["wte"] if cfg.tie_embeddings else P["lm_head"]
    logits = rms_norm(x, P["norm_f"], cfg.norm_eps) @ head.t()
    ce = F.cross_entropy(logits, targets)
    total = ce + cfg.aux_coef * aux + cfg.seq_aux_coef * seq_aux + cfg.z_coef * z
    return {"logits": logits, "ce": ce, "aux": aux, "seq_aux": seq_aux, "z": z, "total": total,
            "routing": routing}
