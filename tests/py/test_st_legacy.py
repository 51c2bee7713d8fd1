"""--c-api legacy (issue 12): two networks generated with ST's legacy client API (ai_<name>_*), used by
tests/st_app/legacy_app.c, an application written only against that API's documentation: the seed
model with its I/O inside the activations and kws_dscnn_qdq with --no-inputs/outputs-allocation.
It checks the reference outputs (test_data_set_0), a batch of two in one run, the report, the
descriptors, weights moved to RAM through the data params, and the errors. It compiles with -Werror as
C (gcc, clang) and as C++, and runs on the host and on the emulated Cortex-M4 (skipped without the
toolchain). The header macros must agree with the st-ai ones of the same network.
usage: test_st_legacy.py EDGEGEN WORKDIR"""
import os
import shutil
import sys

import eg_testlib as T
import test_st_app as A

LEGACY = ["--c-api", "legacy"]
OPTIONS = {"network": LEGACY, "kws": LEGACY + ["--no-inputs-allocation", "--no-outputs-allocation"]}


def check_macros(work):
    """AI_<NAME>_* macros of the legacy header against the STAI_<NAME>_* ones of the same network."""
    for name, _, _ in A.NETWORKS:
        out = os.path.join(work, name)
        legacy = T.header_macros(os.path.join(out, name + "_legacy.h"))
        stai = T.header_macros(os.path.join(out, name + ".h"))
        L, S = "AI_" + name.upper(), "STAI_" + name.upper()
        num = lambda v: int(v.strip("()"))
        T.check(num(legacy[L + "_IN_NUM"]) == int(stai[S + "_IN_NUM"]), "%s: IN_NUM" % name)
        T.check(num(legacy[L + "_IN_1_SIZE_BYTES"]) == int(stai[S + "_IN_1_SIZE_BYTES"]), "%s: IN_1_SIZE_BYTES" % name)
        T.check(num(legacy[L + "_OUT_1_SIZE"]) == int(stai[S + "_OUT_1_SIZE"]), "%s: OUT_1_SIZE" % name)
        T.check(num(legacy[L + "_DATA_ACTIVATIONS_SIZE"]) == int(stai[S + "_ACTIVATIONS_SIZE_BYTES"]),
                "%s: DATA_ACTIVATIONS_SIZE" % name)
        T.check(num(legacy[L + "_DATA_WEIGHTS_SIZE"]) == int(stai[S + "_WEIGHTS_SIZE_BYTES"]), "%s: DATA_WEIGHTS_SIZE" % name)
        T.check(num(legacy[L + "_N_NODES"]) == int(stai[S + "_NODES_NUM"]), "%s: N_NODES" % name)
        T.check((L + "_INPUTS_IN_ACTIVATIONS" in legacy) == (name == "network"), "%s: INPUTS_IN_ACTIVATIONS" % name)
        for f in (name + ".h", name + "_data.h"):
            T.check('#include "%s_legacy.h"' % name in open(os.path.join(out, f)).read(), "%s includes the legacy header" % f)
        print("%s: AI_%s_* macros agree with STAI_%s_* (activations %s B)" % (
            name, name.upper(), name.upper(), num(legacy[L + "_DATA_ACTIVATIONS_SIZE"])))


def main():
    edgegen, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    sources = A.generate(edgegen, work, OPTIONS)
    T.check("ai_platform.c" in sources and "network_legacy.c" in sources and "kws_legacy.c" in sources,
            "legacy files: %s" % sorted(sources))
    check_macros(work)
    inc = A.write_refs(work)
    A.host(sources, inc, work, "legacy_app.c", "legacy app: PASS")
    A.cortex_m4(sources, inc, work, "legacy_app.c", "legacy app: PASS")
    # without the option: no legacy files
    plain = os.path.join(work, "plain")
    r = T.run([edgegen, "generate", "-m", os.path.join(A.MODELS, A.NETWORKS[0][1], "model.onnx"), "-o", plain, "-v", "0",
               "--no-size-report"], timeout=300)
    T.check(r.returncode == 0 and not any("legacy" in f or f.startswith("ai_") for f in os.listdir(plain)),
            "st-ai output has no legacy files: %s" % os.listdir(plain))
    print("test_st_legacy: OK")


if __name__ == "__main__":
    T.run_main(main)
