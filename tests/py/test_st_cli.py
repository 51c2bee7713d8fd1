"""ST Edge AI Core command lines run unchanged (issue 12): one command line per
stedgeai option, as ST documents them, each checked for its result: exit code,
the files written, the note edgegen prints for options it does not apply as ST
does, and the console at each verbosity. usage: test_st_cli.py EDGEGEN WORKDIR"""
import json
import os
import shutil
import sys

import eg_testlib as T

NOTE = "edgegen: note: "


def main():
    edgegen, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    g, _ = T.dense_model(T.benign_names())
    model = T.save_model(g, os.path.join(work, "model.onnx"))
    pool = os.path.join(work, "pool.json")
    open(pool, "w").write('{"memory": {"mempools": [{"name": "ram", "size": "128KB"}]}}')
    out = os.path.join(work, "out")
    csv = os.path.join(work, "x.csv")
    open(csv, "w").write("x0,x1,x2,x3\n0.5,-1,2,0.25\n1,1,-1,0\n")

    # (command line after `stedgeai`, expected exit code, note substring or None, files expected in out)
    base = ["-m", model, "--target", "stm32f4", "-o", out]
    gen, ana, val = ["generate"] + base, ["analyze"] + base, ["validate"] + base + ["-b", "2"]
    cases = [
        (gen, 0, None, ["network.c", "network_generate_report.txt", "network_c_info.json"]),
        (gen + ["--type", "onnx"], 0, None, ["network.c"]),
        (gen + ["--type", "keras"], 0, "--type keras", ["network.c"]),
        (gen + ["-c", "none"], 0, None, ["network.c"]),
        (gen + ["--compression", "lossless"], 0, "--compression lossless", ["network.c"]),  # too small to share
        (gen + ["-c", "high"], 0, "--compression high", ["network.c"]),
        (gen + ["-c", "huge"], 2, None, []),
        (gen + ["-O", "time"], 0, None, ["network.c"]),
        (gen + ["--optimization", "ram"], 0, None, ["network.c"]),
        (gen + ["--allocate-inputs", "--allocate-outputs"], 0, None, ["network.c"]),
        (gen + ["--no-inputs-allocation"], 0, None, ["network.c"]),
        (gen + ["--no-outputs-allocation"], 0, None, ["network.c"]),
        (val + ["--no-inputs-allocation"], 0, None, ["network_validate_report.txt"]),
        (gen + ["--input-memory-alignment", "16", "--output-memory-alignment", "16"], 0, "alignment", ["network.c"]),
        # a float model has no quantization parameters for uint8 I/O; float32 is its own type
        (gen + ["--input-data-type", "uint8"], 2, None, []),
        (gen + ["--output-data-type", "float32"], 0, None, ["network.c"]),
        (val + ["--input-data-type", "float32"], 0, None, ["network_validate_report.txt"]),
        (gen + ["--input-data-type", "int16"], 2, None, []),
        (gen + ["--inputs-ch-position", "chlast"], 0, None, ["network.c"]),  # rank 2: no channel axis to move
        (gen + ["--outputs-ch-position", "chfirst"], 0, None, ["network.c"]),
        (gen + ["--c-api", "st-ai"], 0, None, ["network.c"]),
        (gen + ["--c-api", "legacy"], 0, None, ["network.c", "network_legacy.c", "network_legacy.h", "ai_platform.h",
                                                "ai_platform.c"]),
        (gen + ["--memory-pool", pool], 0, None, ["network.c"]),  # one region: applied, no note
        (gen + ["--split-weights"], 0, "--split-weights", ["network.c"]),
        (gen + ["--fix-parametric-shapes"], 0, "--fix-parametric-shapes", ["network.c"]),
        (gen + ["--no-onnx-optimizer"], 0, "--no-onnx-optimizer", ["network.c"]),
        (gen + ["--use-onnx-simplifier"], 0, "--use-onnx-simplifier", ["network.c"]),
        (gen + ["--no-report"], 0, None, ["network.c"]),
        (gen + ["--no-workspace"], 0, None, ["network.c"]),
        (gen + ["-n", "mynet"], 0, None, ["mynet.c", "mynet.h", "mynet_data.c", "mynet_generate_report.txt"]),
        (gen + ["--name", "network", "-w", os.path.join(work, "ws")], 0, None, ["network.c"]),
        (gen + ["-v", "0"], 0, None, ["network.c"]),
        (gen + ["--verbosity", "2"], 0, None, ["network.c"]),
        (gen + ["-v", "3"], 0, None, ["network.c"]),
        (gen + ["-v", "4"], 2, None, []),
        (gen + ["--quiet"], 0, None, ["network.c"]),
        (gen + ["--st-neural-art"], 0, "NPU", ["network.c"]),
        (gen + ["--st-neural-art", "default@user_neuralart.json"], 0, "NPU", ["network.c"]),
        (gen + ["--relocatable"], 0, "NPU", ["network.c"]),
        (gen + ["-r", "--binary"], 0, "NPU", ["network.c"]),
        (gen + ["--lib"], 0, "NPU", ["network.c"]),
        (gen + ["--dll"], 0, "NPU", ["network.c"]),
        (gen + ["--address", "0x90000000", "--copy-weights-at", "0xD0000000"], 0, "NPU", ["network.c"]),
        (gen + ["--prefetch-compressed-weights"], 0, "NPU", ["network.c"]),
        (ana, 0, None, ["network_analyze_report.txt", "network_analyze_report.json"]),
        (ana + ["--no-report"], 0, None, []),
        (val, 0, None, ["network_validate_report.txt", "network_val_io.npz"]),
        (val + ["--classifier"], 0, None, ["network_validate_report.txt"]),
        (val + ["--save-csv"], 0, "--save-csv", ["network_validate_report.txt"]),
        (val + ["--full"], 0, None, ["network_validate_report.txt"]),
        (val + ["-vi", csv], 0, None, ["network_val_io.npz"]),
        (val + ["-vi", csv, csv], 2, None, []),  # one input: one file
        (val + ["--mode", "host"], 0, None, ["network_validate_report.txt"]),
        (val + ["-b", "-5"], 2, None, []),
        (["supported-ops"], 0, None, []),
        (["--version"], 0, None, []),
        (["--tools-version"], 0, None, []),
    ]
    failures = []
    for args, code, note, files in cases:
        shutil.rmtree(out, ignore_errors=True)
        p = T.run([edgegen] + args, timeout=300)
        err, stdout = p.stderr.decode("utf-8", "replace"), p.stdout.decode("utf-8", "replace")
        label = "stedgeai " + " ".join(a.replace(work, "W") for a in args)
        try:
            T.check(p.returncode == code, f"exit {p.returncode}, expected {code}: {err.strip()}")
            if code == 2:
                T.one_line_error(p, label)
                T.check(not os.path.exists(out), "output written by a failing command")
                continue
            notes = [l for l in err.splitlines() if l.startswith(NOTE)]
            T.check(all(l.count("\n") == 0 for l in notes), "notes are one line each")
            if note is None:
                T.check(not notes, f"unexpected note: {notes}")
            elif "--quiet" not in args:
                T.check(any(note in l for l in notes), f"no note about {note!r}: {err!r}")
            for f in files:
                T.check(os.path.exists(os.path.join(out, f)), f"{f} not written")
            if "--no-report" in args:
                T.check(not [f for f in os.listdir(out) if "report" in f] if os.path.exists(out) else True,
                        "--no-report wrote a report")
            if args[0] == "generate":
                verbosity = 0 if ("--quiet" in args or ["-v", "0"] == args[-2:]) else \
                    int(args[-1]) if args[-2] in ("-v", "--verbosity") else 1
                if verbosity == 0:
                    T.check(stdout == "", f"output at verbosity 0: {stdout[:200]!r}")
                elif verbosity == 1:
                    T.check(0 < stdout.count("\n") <= 6 and "MACC" in stdout, f"summary: {stdout!r}")
                else:
                    T.check("Exec/report summary" in stdout or stdout.count("\n") > 40, "no full report at -v 2+")
            if args[0] == "generate" and "--no-report" not in args and "-n" not in args:
                info = json.load(open(os.path.join(out, "network_c_info.json")))
                T.check(isinstance(info, dict), "c_info")
            if args[0] in ("--version", "--tools-version"):
                T.check(stdout.startswith("edgegen "), f"version: {stdout!r}")
            print("ok  ", label)
        except T.Failure as e:
            failures.append(f"{label}: {e}")
            print("FAIL", label, "-", e)
    print(f"ST command lines: {len(cases)} replayed, {len(cases) - len(failures)} as expected")
    if not failures:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
