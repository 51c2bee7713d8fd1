"""Helpers of run_stream.sh: reference packing, the stateful C harness, comparisons.

  check_stream.py pack MODEL_DIR             ref/*.bin -> inputs.npz / outputs.npz (one sample per step)
  check_stream.py validated REPORT_JSON      validate's report: float <= 1e-5 relative, int8 <= 1 LSB
  check_stream.py harness MODEL_DIR GEN_DIR  GEN_DIR/main.c + GEN_DIR/feed.bin for the stateful network
  check_stream.py compare MODEL_DIR GEN_DIR  GEN_DIR/run.bin (every step of every output) vs ONNX Runtime
"""
import json
import os
import re
import sys

import numpy as np

NP = {"float32": np.float32, "int8": np.int8, "uint8": np.uint8, "int32": np.int32, "int64": np.int64,
      "bool": np.uint8}
FLOAT_REL = 1e-5


def load_job(d):
    with open(os.path.join(d, "job.json")) as f:
        return json.load(f)


def ref_outputs(d, job):
    """Per output: (name, array [steps, ...]) as ONNX Runtime produced them."""
    import onnx
    m = onnx.load(job["model"])
    outs = []
    for k, o in enumerate(m.graph.output):
        tt = o.type.tensor_type
        dims = [x.dim_value for x in tt.shape.dim]
        dt = {1: np.float32, 3: np.int8, 2: np.uint8, 6: np.int32, 7: np.int64, 9: np.uint8}[tt.elem_type]
        a = np.fromfile(os.path.join(d, "ref", f"out_{k}.bin"), dtype=dt).reshape([job["steps"]] + dims)
        outs.append((o.name, a))
    return outs


def ref_inputs(d, job):
    ins = []
    for k, i in enumerate(job["inputs"]):
        a = np.fromfile(os.path.join(d, "ref", f"in_{k}.bin"), dtype=NP[i["type"]]).reshape([job["steps"]] + i["dims"])
        ins.append((i["name"], a))
    return ins


def pack(d):
    job = load_job(d)
    # validate splits a leading dim that is a multiple of the model's input into samples
    ins = [a.reshape([-1] + list(a.shape[2:])) if a.ndim > 1 else a for _, a in ref_inputs(d, job)]
    outs = [a.reshape([-1] + list(a.shape[2:])) if a.ndim > 1 else a for _, a in ref_outputs(d, job)]
    np.savez(os.path.join(d, "inputs.npz"), *ins)
    np.savez(os.path.join(d, "outputs.npz"), *outs)


def validated(report):
    with open(report) as f:
        r = json.load(f)
    ok = True
    outs = r.get("outputs") or r.get("validation", {}).get("outputs")
    for o in outs:
        m = o.get("metrics", o)
        lsb = m.get("max_lsb")
        if lsb is not None:
            good = lsb <= 1.0 + 1e-6
            print(f"  {o['name']}: int8 max {lsb:.2f} LSB {'ok' if good else 'FAIL'}")
        else:
            good = m["l2r"] <= FLOAT_REL
            print(f"  {o['name']}: float relative L2 {m['l2r']:.3g}, max abs {m['max_abs']:.3g} "
                  f"{'ok' if good else 'FAIL'}")
        ok = ok and good
    print(f"  samples: {r.get('samples')}")
    return ok


def header_macros(gen):
    name = "network"
    with open(os.path.join(gen, f"{name}.h")) as f:
        text = f.read()
    return dict(re.findall(r"#define STAI_NETWORK_(\w+) (.+)", text))


def io_list(mac, kind):
    out = []
    for k in range(1, int(mac[f"{kind}_NUM"]) + 1):
        p = f"{kind}_{k}_"
        q = None
        if p + "SCALE" in mac:
            q = (float(mac[p + "SCALE"].strip("()").rstrip("f")), int(mac[p + "ZERO_POINT"].strip("()")))
        out.append({"name": mac[p + "NAME"].strip('"'), "format": mac[p + "FORMAT"], "bytes": int(mac[p + "SIZE_BYTES"]),
                    "size": int(mac[p + "SIZE"]), "quant": q})
    return out


def quantize(x, q):
    s, zp = q
    v = np.rint(x.astype(np.float32) / np.float32(s)) + zp
    return np.clip(v, -128, 127).astype(np.int8)


def harness(d, gen):
    job = load_job(d)
    mac = header_macros(gen)
    ins, outs = io_list(mac, "IN"), io_list(mac, "OUT")
    fed = dict(ref_inputs(d, job))
    with open(os.path.join(gen, "feed.bin"), "wb") as f:
        for s in range(job["steps"]):
            for i in ins:
                a = fed[i["name"]][s]
                if i["format"] == "STAI_FORMAT_S8" and a.dtype != np.int8:
                    a = quantize(a, i["quant"])
                b = np.ascontiguousarray(a).tobytes()
                assert len(b) == i["bytes"], (i, len(b))
                f.write(b)
    reads = "".join(f"    if (fread(in[{k}], 1, {i['bytes']}, f) != {i['bytes']}) return 3;\n" for k, i in enumerate(ins))
    writes = "".join(f"    fwrite(out[{k}], 1, {o['bytes']}, g);\n" for k, o in enumerate(outs))
    main = f"""/* stream harness: {job['steps']} calls, the states fed back by the network itself. */
#include <stdio.h>
#include "network.h"

static STAI_ALIGNED(STAI_NETWORK_ACTIVATION_1_ALIGNMENT) uint8_t act[STAI_NETWORK_ACTIVATION_1_SIZE_BYTES];
static STAI_ALIGNED(STAI_NETWORK_STATE_1_ALIGNMENT) uint8_t states[STAI_NETWORK_STATE_1_SIZE_BYTES];
static STAI_ALIGNED(STAI_NETWORK_CONTEXT_ALIGNMENT) stai_network net[STAI_NETWORK_CONTEXT_SIZE];

int main(int argc, char **argv) {{
  stai_ptr bufs[1] = {{act}}, st[1] = {{states}}, in[STAI_NETWORK_IN_NUM + 1], out[STAI_NETWORK_OUT_NUM + 1];
  stai_size n;
  int step;
  FILE *f, *g;
  if (argc != 3 || !(f = fopen(argv[1], "rb")) || !(g = fopen(argv[2], "wb"))) return 2;
  if (stai_network_init(net) || stai_network_set_activations(net, bufs, 1) || stai_network_set_states(net, st, 1))
    return 4;
  memset(states, 0x5a, sizeof states); /* reset_states must clear this */
  if (stai_network_reset_states(net)) return 4;
  stai_network_get_inputs(net, in, &n);
  stai_network_get_outputs(net, out, &n);
  for (step = 0; step < {job['steps']}; ++step) {{
{reads}    if (stai_network_run(net, STAI_MODE_SYNC) != STAI_SUCCESS) return 5;
{writes}  }}
  fclose(f);
  fclose(g);
  return 0;
}}
"""
    with open(os.path.join(gen, "main.c"), "w") as fh:
        fh.write(main.replace("#include <stdio.h>", "#include <stdio.h>\n#include <string.h>"))


def compare(d, gen):
    job = load_job(d)
    mac = header_macros(gen)
    outs = io_list(mac, "OUT")
    # the network's outputs are the model's in order, without the state outputs
    state_outs = {st["output"] for st in job["states"]}
    refs = [a for name, a in ref_outputs(d, job) if name not in state_outs]
    assert len(refs) == len(outs), (len(refs), len(outs))
    raw = np.fromfile(os.path.join(gen, "run.bin"), dtype=np.uint8)
    step_bytes = sum(o["bytes"] for o in outs)
    assert raw.size == step_bytes * job["steps"], (raw.size, step_bytes)
    raw = raw.reshape(job["steps"], step_bytes)
    ok = True
    pos = 0
    for o, ref in zip(outs, refs):
        chunk = raw[:, pos:pos + o["bytes"]]
        pos += o["bytes"]
        ref = ref.reshape(job["steps"], -1)
        if o["format"] == "STAI_FORMAT_S8":
            got = chunk.copy().view(np.int8).astype(np.int32)
            s, zp = o["quant"]
            want = quantize(ref.astype(np.float32), o["quant"]).astype(np.int32) if ref.dtype != np.int8 else ref
            worst = int(np.abs(got - want).max())
            good = worst <= 1
            print(f"  {o['name']}: {job['steps']} steps, int8 max {worst} LSB {'ok' if good else 'FAIL'}")
        elif o["format"] == "STAI_FORMAT_FLOAT32":
            got = chunk.copy().view(np.float32).reshape(job["steps"], -1)
            # per step: the error against the step's largest reference magnitude
            err = np.abs(got - ref).max(axis=1) / np.maximum(np.abs(ref).max(axis=1), 1e-6)
            good = bool(err.max() <= FLOAT_REL)
            print(f"  {o['name']}: {job['steps']} steps, float max relative error {err.max():.3g} (worst step "
                  f"{int(err.argmax())}) {'ok' if good else 'FAIL'}")
        else:
            got = chunk.copy().view(ref.dtype).reshape(job["steps"], -1)
            good = bool((got == ref).all())
            print(f"  {o['name']}: {job['steps']} steps, exact {'ok' if good else 'FAIL'}")
        ok = ok and good
    return ok


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "pack":
        pack(sys.argv[2])
    elif cmd == "validated":
        sys.exit(0 if validated(sys.argv[2]) else 1)
    elif cmd == "harness":
        harness(sys.argv[2], sys.argv[3])
    elif cmd == "compare":
        sys.exit(0 if compare(sys.argv[2], sys.argv[3]) else 1)
    else:
        sys.exit(f"unknown command {cmd}")
