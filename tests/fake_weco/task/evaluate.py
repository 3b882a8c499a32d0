"""Evaluate optimize.py: prints `speedup: X` last (the fake Weco API reads that line)."""
import os
import time

import optimize

if optimize.DELAY > 0:
    # Tell a waiting test that a slow candidate is being evaluated, and which process group runs it.
    with open("slow-eval.pgid.tmp", "w") as f:
        f.write(str(os.getpgrp()))
    os.replace("slow-eval.pgid.tmp", "slow-eval.pgid")
    time.sleep(optimize.DELAY)
print("speedup:", optimize.work())
