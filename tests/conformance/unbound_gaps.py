#!/usr/bin/env python3
"""Groups the conformance runner's results.tsv by op and reason.

  unbound_gaps.py build/conformance-work/results.tsv

Prints (1) the tests that pass only with every input after the first bound as constants (weights),
(2) those that pass with only shape/axes inputs bound, (3) the tests ONNX Runtime passes that fail or
are rejected, (4) the skips for unsupported ops; each grouped by op and by the compiler's reason with
names and figures blanked out.
"""
import collections
import re
import sys


def reason(text):
    text = re.sub(r"^[^:]*model\.onnx:\s*", "", text)
    text = re.sub(r"'[^']*'", "'…'", text)
    text = re.sub(r"\"[^\"]*\"", "\"…\"", text)
    text = re.sub(r"-?\d+(\.\d+)?(e-?\d+)?", "N", text)
    return text[:140]


def show(title, rows, key):
    groups = collections.defaultdict(list)
    for r in rows:
        groups[(r["ops"], key(r))].append(r["test"])
    by_op = collections.Counter()
    for (ops, _), tests in groups.items():
        by_op[ops] += len(tests)
    print(f"\n== {title}: {len(rows)}")
    for ops, n in by_op.most_common():
        print(f"{n:4d}  {ops}")
        for (o, why), tests in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            if o == ops:
                print(f"        {len(tests):3d}  {why}")
                print(f"             e.g. {', '.join(tests[:3])}")


def main():
    with open(sys.argv[1]) as f:
        head = f.readline().rstrip("\n").split("\t")
        rows = [dict(zip(head, line.rstrip("\n").split("\t"))) for line in f]
    weights = [r for r in rows if r["verdict"] == "pass" and r["binding"] == "weights"]
    structure = [r for r in rows if r["verdict"] == "pass" and r["binding"] == "structure"]
    both = [r for r in rows if r["verdict"] in ("fail", "rejected")]
    unsupported = [r for r in rows if r["verdict"] == "skip" and r["detail"].startswith("op ")]
    show("pass only with weights bound as constants", weights, lambda r: reason(r["unbound_error"]))
    show("pass with only shape/axes inputs bound", structure, lambda r: reason(r["unbound_error"]))
    show("ONNX Runtime passes, edgegen fails or rejects", both,
         lambda r: r["verdict"] + ": " + reason(r["unbound_error"] or r["detail"]))
    show("skipped: an op edgegen does not list", unsupported, lambda r: r["detail"])
    passed = sum(r["verdict"] == "pass" for r in rows)
    print(f"\npassed {passed}: {passed - len(weights) - len(structure)} with every input at run time, "
          f"{len(structure)} with shape/axes inputs bound, {len(weights)} with weights bound")


if __name__ == "__main__":
    main()
