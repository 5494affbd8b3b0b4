"""Writes golden.json: inputs and pytest-benchmark's own Stats.as_dict() output.

Run with CPython >= 3.12 and pytest-benchmark's stats module importable, e.g.
Debian's python3-pytest-benchmark unpacked without installing:

    apt-get download python3-pytest-benchmark && dpkg-deb -x python3-pytest-benchmark_*.deb x
    PYTHONPATH=x/usr/lib/python3/dist-packages python3.13 gen_golden.py > golden.json

Only pytest_benchmark.stats.Stats is used; its computation is the same from
3.2 to 5.x. The vectors are pseudo-random with a fixed seed.
"""
import json
import math
import random
import sys

import pytest_benchmark
from pytest_benchmark.stats import Stats

rng = random.Random(20261125)


def vec(kind, n):
    if kind == "lognormal":
        return [rng.lognormvariate(math.log(2e-6), 0.3) for _ in range(n)]
    if kind == "ties":
        return [float(rng.randint(1, 5)) for _ in range(n)]
    if kind == "uniform":
        return [rng.random() for _ in range(n)]
    if kind == "spiky":
        base = [rng.gauss(1e-3, 1e-5) for _ in range(n)]
        for i in range(0, n, 7):
            base[i] *= 5
        return base
    if kind == "mixed":
        return [rng.choice([1e-9, 3e-7, 1e-3, 2.5, 1e4]) * rng.random() for _ in range(n)]
    if kind == "const":
        return [0.1] * n
    if kind == "zeros":
        return [0.0] * n
    if kind == "subnormal":
        return [rng.random() * 5e-324 * rng.randint(1, 1000) for _ in range(n)]
    raise ValueError(kind)


cases = [
    [4.0, 36.0, 45.0, 50.0, 75.0],
    [6.0, 7.0, 15.0, 36.0, 39.0, 40.0, 41.0, 42.0, 43.0, 47.0, 49.0],
    [7.0, 15.0, 36.0, 39.0, 40.0, 41.0],
    [float(i) for i in range(1, 10)],
    [float(i) for i in range(1, 9)],
    [17.0, 19.0, 24.0],
    [1.0],
    [1.0, 2.0],
]
for kind in ["lognormal", "ties", "uniform", "spiky", "mixed", "const", "zeros", "subnormal"]:
    for n in list(range(1, 22)) + [33, 101, 1000]:
        cases.append(vec(kind, n))

out = []
for data in cases:
    s = Stats()
    for v in data:
        s.update(v)
    want = s.as_dict()
    # pytest-benchmark itself gives ops = inf when the total is subnormal;
    # JSON cannot hold that, so it is written as a string (benchsite clamps
    # it to the largest float).
    for k, v in want.items():
        if isinstance(v, float) and not math.isfinite(v):
            want[k] = repr(v)
    out.append({"data": data, "want": want})

# One case a line, so that a regenerated file diffs readably.
gen = "pytest_benchmark %s stats.Stats on CPython %s" % (pytest_benchmark.__version__, sys.version.split()[0])
sys.stdout.write('{"generator": %s, "cases": [\n' % json.dumps(gen))
sys.stdout.write(",\n".join(json.dumps(c) for c in out))
sys.stdout.write("\n]}\n")
