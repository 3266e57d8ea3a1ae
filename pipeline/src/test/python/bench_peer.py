"""PyTorch peer of `moe-spark bench model`: the same Mixtral-style model (moe_ref.py, eager,
float32, per-expert gather / index_add like HF Mixtral), trained on random tokens with AdamW.
Prints one line `tokens_per_s=<x>` from the fastest step (forward + backward + optimizer) after
the warmup steps, of at least --steps timed steps and --timed-s seconds, as the Java bench does."""
import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch  # noqa: E402

import moe_ref  # noqa: E402


def main():
    a = argparse.ArgumentParser()
    for name, default in [("vocab", 8192), ("d", 256), ("layers", 4), ("heads", 4), ("seq", 256),
                          ("ffn", 512), ("experts", 8), ("topk", 2), ("batch", 16), ("steps", 3),
                          ("warmup", 1), ("threads", 2)]:
        a.add_argument("--" + name, type=int, default=default)
    a.add_argument("--timed-s", type=float, default=0.0)
    a.add_argument("--dense", action="store_true")
    args = a.parse_args()
    torch.set_num_threads(args.threads)
    cfg = moe_ref.Config(vocab_size=args.vocab, d_model=args.d, layers=args.layers, heads=args.heads,
                         seq_len=args.seq, ffn_hidden=args.ffn, experts=args.experts, top_k=args.topk,
                         dense=args.dense)
    params = moe_ref.init_params(cfg, 1, torch.float32)
    trainable = [p for p in params.values() if p.requires_grad]
    opt = torch.optim.AdamW(trainable, lr=1e-3, weight_decay=0.1)
    g = torch.Generator().manual_seed(2)
    tokens = torch.randint(0, args.vocab, (args.batch, args.seq + 1), generator=g)

    def step():
        start = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        out = moe_ref.forward(cfg, params, tokens)
        out["total"].backward()
        opt.step()
        return time.perf_counter() - start

    for _ in range(args.warmup):
        step()
    best = float("inf")
    timed = 0
    timed_end = time.perf_counter() + args.timed_s
    while timed < args.steps or time.perf_counter() < timed_end:
        best = min(best, step())
        timed += 1
    print("tokens_per_s=%.1f" % (args.batch * args.seq / best))


if __name__ == "__main__":
    main()
