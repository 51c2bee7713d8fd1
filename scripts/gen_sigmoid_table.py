#!/usr/bin/env python3
"""Prints the coefficient table of eg_math.c's eg_sigmoidf/eg_tanhf (run: python3 scripts/gen_sigmoid_table.py).

sigmoid(-t) for t in [0, 18) in 72 segments of width 1/4; in segment i, with f = 4t - i in [0, 1),
sigmoid(-t) ~ c0 + f (c1 + f (c2 + f (c3 + f c4))). Each segment is a least-squares fit weighted by
1/sigmoid (relative error) on 400 Chebyshev nodes; the coefficients are fitted one at a time, each
rounded to float32 before the next ones are refitted to what is left, so the float rounding of c0
(the largest term) is compensated by the others (about 1.2 ulp instead of 2.2 with one joint fit).
"""
import numpy as np

DEG, PER_UNIT, LIMIT, NODES = 4, 4, 18, 400


def segment(i):
    f = np.cos(np.pi * (np.arange(NODES) + 0.5) / NODES) * 0.5 + 0.5
    y = 1.0 / (1.0 + np.exp((i + f) / PER_UNIT))
    v = np.vander(f, DEG + 1, increasing=True)
    w = 1.0 / y
    c, rest = [], y.copy()
    for k in range(DEG + 1):
        ck = np.float32(np.linalg.lstsq(v[:, k:] * w[:, None], rest * w, rcond=None)[0][0])
        c.append(ck)
        rest = rest - np.float64(ck) * v[:, k]
    return c


def main():
    rows = [segment(i) for i in range(LIMIT * PER_UNIT)]
    print("static const float eg_sigmoid_neg_tab[%d][%d] = {" % (len(rows), DEG + 1))
    for c in rows:
        print("    {" + ", ".join("%.9ef" % float(x) for x in c) + "},")
    print("};")


if __name__ == "__main__":
    main()
