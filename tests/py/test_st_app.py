"""Two networks in one program, through ST Edge AI Core's documented st-ai API only (issue 12).
The seed model and kws_dscnn_qdq are generated into two folders; tests/st_app/app.c, written
against ST's API (stai.h + the generated headers), sets both up, runs the shipped reference
inputs and checks the reference outputs, the info, the callback events, weights moved to RAM,
its own input buffer and the error handling. It compiles with -Werror as C (gcc, clang) and as
C++, and runs on the host and on the emulated Cortex-M4 (QEMU netduinoplus2, skipped without
the toolchain). The runtime files of the two folders must be identical: the program compiles
one copy. usage: test_st_app.py EDGEGEN WORKDIR"""
import json
import os
import shutil
import sys

import numpy as np

import eg_testlib as T

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "..", "shared", "models")
APP = os.path.join(ROOT, "tests", "st_app")
FIRMWARE = os.path.join(ROOT, "firmware")
NETWORKS = [("network", "seed_cnn_gru_qdq", "seed"), ("kws", "kws_dscnn_qdq", "kws")]
WARN = ["-Wall", "-Wextra", "-Werror", "-pedantic"]


def c_floats(name, values):
    body = ",".join(("\n  " if i % 8 == 0 else " ") + "%.9gf" % v for i, v in enumerate(values))
    return "static const float %s[%d] = {%s\n};\n" % (name, len(values), body)


def generate(edgegen, work, extra=None):
    """Both networks into their folders (extra[name]: more generate options); the union of their files
    (runtime files once)."""
    sources, owner = {}, {}
    for name, model, _ in NETWORKS:
        out = os.path.join(work, name)
        r = T.run([edgegen, "generate", "-m", os.path.join(MODELS, model, "model.onnx"), "--target", "stm32f4",
                   "-n", name, "-o", out, "-v", "0"] + (extra or {}).get(name, []), timeout=300)
        T.check(r.returncode == 0, "generate %s: %s" % (model, r.stderr.decode()))
        for f in sorted(os.listdir(out)):
            if not f.endswith((".c", ".h")):
                continue
            path = os.path.join(out, f)
            text = open(path, "rb").read()
            if f in sources:
                T.check(open(sources[f], "rb").read() == text,
                        "%s differs between %s and %s: the runtime must be one copy" % (f, owner[f], name))
                continue
            sources[f], owner[f] = path, name
    T.check(all(owner[f] == NETWORKS[0][0] for f in ("network.c", "network_data.c")), "seed files")
    T.check("kws.c" in sources and "stai_runtime.c" in sources and "stai_events.h" in sources, "kws/runtime files")
    return sources


def check_c_info(work):
    """network_c_info.json carries ST's memory_footprint and I/O keys, equal to the header's macros."""
    for name, model, _ in NETWORKS:
        out = os.path.join(work, name)
        info = json.load(open(os.path.join(out, name + "_c_info.json")))
        h = T.header_macros(os.path.join(out, name + ".h"))
        P = "STAI_" + name.upper()
        mf = info["memory_footprint"]
        T.check(mf["activations"] == int(h[P + "_ACTIVATIONS_SIZE_BYTES"]), "%s: memory_footprint.activations" % name)
        T.check(mf["weights"] == int(h[P + "_WEIGHTS_SIZE_BYTES"]), "%s: memory_footprint.weights" % name)
        T.check(mf["io"] == [int(h[P + "_IN_SIZE_BYTES"]), int(h[P + "_OUT_SIZE_BYTES"])], "%s: memory_footprint.io" % name)
        T.check(mf["kernel_flash"] and mf["kernel_flash"] > 0, "%s: memory_footprint.kernel_flash" % name)
        import onnx
        g = onnx.load(os.path.join(MODELS, model, "model.onnx")).graph
        dims = [d.dim_value for d in g.input[0].type.tensor_type.shape.dim]
        T.check(info["inputs"][0]["shape"] == dims and info["inputs"][0]["format"] == "STAI_FORMAT_S8",
                "%s: inputs[0] %s" % (name, info["inputs"][0]))
        T.check(info["outputs"][0]["size"] == int(h[P + "_OUT_1_SIZE"]), "%s: outputs[0].size" % name)
        print("%s_c_info.json: memory_footprint %s" % (name, {k: mf[k] for k in ("activations", "weights", "io")}))


def write_refs(work):
    refs = "/* reference data: test_data_set_0 of each model */\n"
    for _, model, tag in NETWORKS:
        d = os.path.join(MODELS, model, "test_data_set_0")
        refs += c_floats(tag + "_input", T.load_pb(os.path.join(d, "input_0.pb")).astype(np.float32).ravel())
        refs += c_floats(tag + "_output", T.load_pb(os.path.join(d, "output_0.pb")).astype(np.float32).ravel())
    inc = os.path.join(work, "inc")
    os.makedirs(inc, exist_ok=True)
    open(os.path.join(inc, "refs.h"), "w").write(refs)
    return inc


def includes(sources, inc):
    dirs = sorted({os.path.dirname(p) for p in sources.values()})
    return ["-I" + d for d in dirs] + ["-I" + inc, "-I" + APP]


def host(sources, inc, work, app_c="app.c", passed="st-ai app: PASS"):
    """The application (tests/st_app/APP_C) with every generated source: gcc and clang as C, g++ as C++."""
    c_files = [p for f, p in sorted(sources.items()) if f.endswith(".c")]
    app = [os.path.join(APP, app_c), os.path.join(APP, "app_checks.c"), os.path.join(APP, "host_main.c")]
    ran = []
    for cc in ("gcc", "clang"):
        if not shutil.which(cc):
            continue
        exe = os.path.join(work, "app_" + cc)
        r = T.run([cc, "-std=c99", "-O2"] + WARN + includes(sources, inc) + c_files + app + ["-lm", "-o", exe], timeout=300)
        T.check(r.returncode == 0, "%s (C): %s" % (cc, r.stderr.decode()[-3000:]))
        ran.append((cc + " C", exe))
    if shutil.which("g++"):
        objs = []
        for p in c_files + [os.path.join(APP, "host_main.c"), os.path.join(APP, "app_checks.c")]:
            o = os.path.join(work, "cxx_" + os.path.basename(os.path.dirname(p)) + "_" + os.path.basename(p) + ".o")
            r = T.run(["gcc", "-std=c99", "-O2", "-c"] + WARN + includes(sources, inc) + [p, "-o", o], timeout=300)
            T.check(r.returncode == 0, "gcc %s: %s" % (p, r.stderr.decode()[-2000:]))
            objs.append(o)
        app_o = os.path.join(work, "app_cxx.o")
        r = T.run(["g++", "-x", "c++", "-std=c++11", "-O2", "-c"] + WARN + includes(sources, inc) +
                  [os.path.join(APP, app_c), "-o", app_o], timeout=300)
        T.check(r.returncode == 0, "g++ (the application as C++): %s" % r.stderr.decode()[-3000:])
        exe = os.path.join(work, "app_cxx")
        r = T.run(["g++", app_o] + objs + ["-lm", "-o", exe], timeout=300)
        T.check(r.returncode == 0, "link as C++: %s" % r.stderr.decode()[-3000:])
        ran.append(("g++ C++", exe))
    for what, exe in ran:
        r = T.run([exe], timeout=120)
        out = r.stdout.decode()
        T.check(r.returncode == 0 and passed in out, "%s on the host:\n%s" % (what, out))
        print("host, %s: PASS" % what)


def cortex_m4(sources, inc, work, app_c="app.c", passed="st-ai app: PASS"):
    if not (shutil.which("arm-none-eabi-gcc") and shutil.which("qemu-system-arm")):
        print("emulated Cortex-M4: skipped (no arm-none-eabi-gcc or qemu-system-arm)")
        return
    c_files = [p for f, p in sorted(sources.items()) if f.endswith(".c")]
    elf = os.path.join(work, "app_m4.elf")
    cpu = ["-mcpu=cortex-m4", "-mthumb", "-mfpu=fpv4-sp-d16", "-mfloat-abi=hard"]
    mem = ("-Wl,--defsym=__egfw_flash_origin=0x08000000,--defsym=__egfw_flash_size=0x100000,"
           "--defsym=__egfw_ram_origin=0x20000000,--defsym=__egfw_ram_size=0x20000,--defsym=__egfw_min_stack=0x2000")
    r = T.run(["arm-none-eabi-gcc"] + cpu + ["-std=c99", "-O2", "-ffunction-sections", "-fdata-sections"] + WARN +
              includes(sources, inc) + ["-I" + FIRMWARE] + c_files +
              [os.path.join(APP, app_c), os.path.join(APP, "app_checks.c"), os.path.join(APP, "fw_main.c"),
               os.path.join(FIRMWARE, "startup.c"),
               os.path.join(FIRMWARE, "semihost.c"), "-nostartfiles", "--specs=nano.specs", "-T",
               os.path.join(FIRMWARE, "link.ld"), "-Wl,--gc-sections", mem, "-Wl,--start-group", "-lc", "-lm", "-lgcc",
               "-Wl,--end-group", "-o", elf], timeout=600)
    T.check(r.returncode == 0, "arm-none-eabi-gcc: %s" % r.stderr.decode()[-3000:])
    r = T.run(["qemu-system-arm", "-M", "netduinoplus2", "-nodefaults", "-display", "none", "-chardev", "stdio,id=c",
               "-semihosting-config", "enable=on,target=native,chardev=c", "-kernel", elf], timeout=300,
              stdin=open(os.devnull))
    out = r.stdout.decode()
    T.check(r.returncode == 0 and passed in out, "emulated Cortex-M4 (exit %d):\n%s%s" % (
        r.returncode, out, r.stderr.decode()))
    print("emulated Cortex-M4 (netduinoplus2), one firmware with both networks: PASS")


def main():
    edgegen, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    sources = generate(edgegen, work)
    check_c_info(work)
    inc = write_refs(work)
    host(sources, inc, work)
    cortex_m4(sources, inc, work)
    print("test_st_app: OK")


if __name__ == "__main__":
    T.run_main(main)
