"""Hostile names cannot change the generated C's meaning (issue 14).

For every name case, a small float model (input, initializers, intermediate
tensors, outputs and nodes all named after the case; one initializer whose name
mangles to the same C identifier as another; the model file named after the
case where a file name can hold it) goes through `edgegen generate`; the C
(with a harness that prints the outputs and the NAME macros' bytes) is checked
with -Werror by clang and compiled with -Werror by gcc and run. Checks: the outputs are
bit-identical to the benign-name model's, the NAME macros hold the name's exact
bytes, the objects define and use the same global symbols as the benign build
(nm: nothing injected), and names that are not valid UTF-8 give one clean error
line with exit code 2.

usage: test_hostile_names.py EDGEGEN WORKDIR
"""
import concurrent.futures
import os
import re
import shutil
import sys

import eg_testlib as T

HARNESS = r"""
#include <stdio.h>
#include <string.h>
#include "network.h"
static STAI_ALIGNED(STAI_NETWORK_ACTIVATION_1_ALIGNMENT) uint8_t act[STAI_NETWORK_ACTIVATION_1_SIZE_BYTES];
static STAI_ALIGNED(STAI_NETWORK_CONTEXT_ALIGNMENT) stai_network net[STAI_NETWORK_CONTEXT_SIZE];
static void hex(const char *tag, const char *s, size_t n) {
  size_t i;
  printf("%s ", tag);
  for (i = 0; i < n; ++i) printf("%02x", (unsigned)(unsigned char)s[i]);
  printf("\n");
}
int main(void) {
  stai_ptr bufs[1], in[STAI_NETWORK_IN_NUM], out[STAI_NETWORK_OUT_NUM];
  stai_size n, k;
  const float x[4] = {0.5f, -1.25f, 2.0f, 0.75f};
  bufs[0] = act;
  if (stai_network_init(net) || stai_network_set_activations(net, bufs, 1)) return 1;
  if (stai_network_get_inputs(net, in, &n) || stai_network_get_outputs(net, out, &n)) return 1;
  memcpy(in[0], x, sizeof x);
  if (stai_network_run(net, STAI_MODE_SYNC)) return 1;
  for (k = 0; k < STAI_NETWORK_OUT_1_SIZE; ++k) { float v = ((float *)out[0])[k]; unsigned u; memcpy(&u, &v, 4); printf("y %08x\n", u); }
  for (k = 0; k < STAI_NETWORK_OUT_1_SIZE; ++k) { float v = ((float *)out[1])[k]; unsigned u; memcpy(&u, &v, 4); printf("z %08x\n", u); }
  hex("in1", STAI_NETWORK_IN_1_NAME, sizeof(STAI_NETWORK_IN_1_NAME) - 1);
  hex("out1", STAI_NETWORK_OUT_1_NAME, sizeof(STAI_NETWORK_OUT_1_NAME) - 1);
  hex("out2", STAI_NETWORK_OUT_2_NAME, sizeof(STAI_NETWORK_OUT_2_NAME) - 1);
  hex("model", STAI_NETWORK_ORIGIN_MODEL_NAME, sizeof(STAI_NETWORK_ORIGIN_MODEL_NAME) - 1);
  return 0;
}
"""

NAME_MAX = 1024  # the NAME macros keep this many bytes of a name (ISO C's 4095-character literals)
PAYLOAD_NEGATE = "*/ ((float *)act)[0] = -((float *)act)[0]; /*"

# (label, name as str or bytes). bytes that are not UTF-8 must be rejected (exit 2).
CASES = [
    ("newline_define", "a\nint EG_INJECTED = 1;\n"),
    ("comment_negate", PAYLOAD_NEGATE),
    ("comment_negate_nl", "\n" + PAYLOAD_NEGATE + "\n"),
    ("string_break_fn", '"; int eg_evil(void) { return 1; } static const char *eg_s = "'),
    ("string_break_global", '";\nint EG_INJECTED = 2;\nconst char *eg_s2 = "'),
    ("define_memcpy", "#define memcpy(d, s, n) ((void)0)"),
    ("nl_define_memcpy", "\n#define memcpy(d, s, n) ((void)0)\n"),
    ("nl_undef", "\n#undef STAI_NETWORK_IN_NUM\n#define STAI_NETWORK_IN_NUM 0\n"),
    ("nl_include", "\n#include \"/etc/passwd\"\n"),
    ("nl_pragma", "\n#pragma GCC poison memcpy\n"),
    ("pragma_op", '_Pragma("GCC error \\"x\\"")'),
    ("attribute_ctor", "__attribute__((constructor)) void eg_ctor(void) {}"),
    ("trigraph_eq", "??=define EG_X 1"),
    ("trigraph_slash", "a??/"),
    ("trigraph_slash_nl", "a??/\nint EG_INJECTED;"),
    ("trigraph_quote", "??'"),
    ("trigraph_paren", "??(??)"),
    ("trigraph_bang", "??!??<??>??-"),
    ("trigraph_run", "???????="),
    ("backslash", "\\"),
    ("backslash_end", "abc\\"),
    ("backslash_2", "\\\\"),
    ("backslash_quote", '\\"'),
    ("backslash_n", "\\n"),
    ("backslash_x", "\\x41\\101"),
    ("backslash_u", "\\u0041\\U0001F600"),
    ("splice", "a\\\nb"),
    ("quote", '"'),
    ("quotes", '""'),
    ("single_quote", "'"),
    ("mixed_quotes", "a\"b'c"),
    ("tab", "a\tb"),
    ("cr", "a\rb"),
    ("crlf", "a\r\n#define EG_X 1\r\n"),
    ("vt_ff", "a\x0b\x0cb"),
    ("bell_esc", "\x07\x1b[31mred"),
    ("del", "a\x7fb"),
    ("nul_middle", "a\x00b"),
    ("nul_only", "\x00"),
    ("nul_then_code", "x\x00*/ int EG_INJECTED; /*"),
    ("comment_open", "/*"),
    ("comment_close", "*/"),
    ("line_comment", "// x"),
    ("nested_comment", "/* a */ b /* c"),
    ("close_include", "*/\n#include <stdlib.h>\n/*"),
    ("star_slash_run", "**//**//"),
    ("digraphs", "<: :> <% %> %:define EG_X 1 %:%:"),
    ("format", "%s%n%x%p"),
    ("shell", "$(touch /tmp/eg_pwned) `id`"),
    ("sql", "'; DROP TABLE t; --"),
    ("macro_line", "__LINE__ __FILE__"),
    ("macro_ours", "STAI_NETWORK_IN_NUM"),
    ("macro_hook", "EG_LAYER_BEGIN"),
    ("kw_int", "int"),
    ("kw_return", "return"),
    ("kw_main", "main"),
    ("ident_forward", "forward"),
    ("ident_network_forward", "network__forward"),
    ("ident_layer", "l0"),
    ("ident_layer_param", "l0_mult"),
    ("ident_context", "context"),
    ("ident_ctx", "ctx"),
    ("ident_in_offset", "in_offset"),
    ("ident_magic", "MAGIC"),
    ("ident_data_h", "DATA_H"),
    ("ident_api", "stai_network_run"),
    ("ident_memcpy", "memcpy"),
    ("ident_act", "act"),
    ("digit", "0"),
    ("digit_start", "123abc"),
    ("underscore", "_"),
    ("underscores", "__"),
    ("space", " "),
    ("spaces_inside", "a b  c"),
    ("long", "a" * 5000),
    ("long_slashes", "/" * 300),
    ("long_then_close", "x" * 200 + "*/ int EG_INJECTED; /*"),
    ("onnx_path", "/features/features.0/Conv_output_0"),
    ("utf8_latin", "caf\u00e9"),
    ("utf8_cjk", "\u540d\u524d"),
    ("utf8_emoji", "\U0001F600"),
    ("utf8_rtl", "a\u202eb"),
    ("utf8_zwj", "a\u200db"),
    ("utf8_bom", "\ufeffa"),
    ("utf8_line_sep", "a\u2028#define EG_X 1\u2029"),
    ("utf8_nel", "a\u0085b"),
    ("bad_utf8_ff", b"bad_a\xffb"),
    ("bad_utf8_overlong", b"bad_\xc0\x80\"x"),
    ("bad_utf8_surrogate", b"bad_\xed\xa0\x80"),
    ("bad_utf8_truncated", b"bad_ab\xe2\x82"),
    ("bad_utf8_lone_cont", b"bad_\x80*/\n"),
]

ROLES = ["x", "w", "w2", "b", "m", "a", "y", "z", "n_matmul", "n_add", "n_relu", "n_mul"]


def names_for(case: bytes):
    """Distinct tensor names built around the case; w2 mangles like w (the C
    identifier must be made unique after mangling)."""
    return {"x": case, "w": b"w" + case, "w2": b"w" + case + b" ", "b": b"b" + case, "m": b"m" + case,
            "a": b"a" + case, "y": b"y" + case, "z": b"z" + case, "n_matmul": case, "n_add": b"n" + case,
            "n_relu": case + b"n", "n_mul": b"\n" + case}


def build_model(path, case: bytes):
    """onnx.helper wants str: a case that is not UTF-8 is built with a same-length ASCII stand-in
    (protobuf strings are length-prefixed) and the file is patched to the real bytes."""
    try:
        graph, _ = T.dense_model({r: v.decode("utf-8") for r, v in names_for(case).items()})
        T.save_model(graph, path)
        return
    except UnicodeDecodeError:
        pass
    stand_in = bytes(c if c < 0x80 else ord("Z") for c in case)
    T.check(len(stand_in) >= 6, "a non-UTF-8 case needs >= 6 bytes to be patched safely")
    graph, _ = T.dense_model({r: v.decode("ascii") for r, v in names_for(stand_in).items()})
    T.save_model(graph, path)
    data = open(path, "rb").read()
    T.check(data.count(stand_in) >= 10, "stand-in not found")
    open(path, "wb").write(data.replace(stand_in, case))


def model_file_name(label, case: bytes):
    """The case in the model's file name where a file name can hold it."""
    safe = case.replace(b"/", b"_").replace(b"\x00", b"_")[:150]
    if not safe or safe in (b".", b".."):
        return label.encode() + b".onnx"
    return label.encode() + b"-" + safe + b".onnx"


def nm_symbols(obj):
    out = T.run(["nm", obj]).stdout.decode()
    defined, undefined = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "TDRBCV":
            defined.add(parts[2])
        elif len(parts) == 2 and parts[0] == "U":
            undefined.add(parts[1])
    return defined, undefined


def build_and_run(edgegen, work, label, case: bytes, runtime_objs):
    d = os.path.join(work, label)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    model = os.path.join(d.encode(), model_file_name(label, case))
    build_model(model, case)
    out_dir = os.path.join(d, "out")
    # --no-size-report: the report's host compile of the same C adds nothing to the checks below
    p = T.run([edgegen, "generate", "--model", model, "--target", "host", "--no-size-report", "--output", out_dir],
              timeout=120)
    try:
        case.decode("utf-8")
    except UnicodeDecodeError:
        T.one_line_error(p, label)
        T.check(not os.path.exists(out_dir), f"{label}: output folder written despite the error")
        return None
    T.check(p.returncode == 0, f"{label}: generate exit {p.returncode}: {p.stderr.decode('utf-8', 'replace')!r}")
    generated = {}
    for f in os.listdir(out_dir):
        if f.endswith((".c", ".h")):
            text = open(os.path.join(out_dir, f), "rb").read()
            # every byte of the generated C is printable ASCII (or a newline)
            bad = [c for c in text if not (32 <= c < 127 or c == 10)]
            T.check(not bad, f"{label}: {f} holds non-printable or non-ASCII bytes {bad[:5]}")
            generated[f] = text
    with open(os.path.join(d, "main.c"), "w") as f:
        f.write(HARNESS)
    srcs = [os.path.join(out_dir, "network.c"), os.path.join(out_dir, "network_data.c"), os.path.join(d, "main.c")]
    # clang: every warning, as errors (no code generation: the program is gcc's)
    c = T.run(["clang", "-fsyntax-only"] + T.C_FLAGS + ["-I", out_dir] + srcs)
    T.check(c.returncode == 0, f"{label}: clang -Werror failed: {c.stderr.decode()[:2000]}")
    objdir = os.path.join(d, "gcc")
    os.makedirs(objdir)
    c = T.run(["gcc"] + T.C_FLAGS + ["-I", out_dir, "-c"] + srcs, cwd=objdir)
    T.check(c.returncode == 0, f"{label}: gcc -Werror failed: {c.stderr.decode()[:2000]}")
    objs = [os.path.join(objdir, f) for f in ("network.o", "network_data.o", "main.o")]
    exe = os.path.join(d, "prog")
    c = T.run(["gcc", "-o", exe] + objs + runtime_objs + ["-lm"])
    T.check(c.returncode == 0, f"{label}: link failed: {c.stderr.decode()[:2000]}")
    r = T.run([exe], timeout=20)
    T.check(r.returncode == 0, f"{label}: program exit {r.returncode}")
    results = {"stdout": r.stdout.decode(), "net": nm_symbols(objs[0]), "data": nm_symbols(objs[1])}
    return results


def parse(stdout):
    values, names = [], {}
    for line in stdout.splitlines():
        tag, val = line.split(" ", 1) if " " in line else (line, "")
        if tag in ("y", "z"):
            values.append(line)
        else:
            names[tag] = bytes.fromhex(val)
    return values, names


def main():
    edgegen, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    # the runtime units are the same for every case: compile them once per compiler
    base = os.path.join(work, "benign")
    os.makedirs(base)
    graph, _ = T.dense_model(T.benign_names())
    T.save_model(graph, os.path.join(base, "model.onnx"))
    p = T.run([edgegen, "generate", "--model", os.path.join(base, "model.onnx"), "--target", "host",
               "--output", os.path.join(base, "out")])
    T.check(p.returncode == 0, f"benign generate failed: {p.stderr.decode()}")
    runtime_objs = []
    for f in sorted(os.listdir(os.path.join(base, "out"))):
        if f.startswith("eg_") and f.endswith(".c"):
            obj = os.path.join(base, f + ".o")
            c = T.run(["gcc"] + T.C_FLAGS + ["-I", os.path.join(base, "out"), "-c", os.path.join(base, "out", f),
                                             "-o", obj])
            T.check(c.returncode == 0, f"runtime {f}: {c.stderr.decode()[:1000]}")
            runtime_objs.append(obj)
    ref = build_and_run(edgegen, work, "benign_ref", b"x", runtime_objs)
    ref_values, _ = parse(ref["stdout"])
    T.check(len(ref_values) == 6, f"benign output: {ref['stdout']!r}")

    failures, stats = [], {"cases": 0, "compiled": 0, "rejected": 0}

    def one(label_case):
        label, case = label_case
        cb = case if isinstance(case, bytes) else case.encode("utf-8")
        res = build_and_run(edgegen, work, label, cb, runtime_objs)
        if res is None:
            return "rejected"
        values, names = parse(res["stdout"])
        T.check(values == ref_values, f"{label}: outputs changed: {values} vs {ref_values}")
        nm = {k: v[:NAME_MAX] for k, v in names_for(cb).items()}
        T.check(names.get("in1") == nm["x"], f"{label}: IN_1_NAME holds {names.get('in1')!r}, not the name")
        T.check(names.get("out1") == nm["y"] and names.get("out2") == nm["z"], f"{label}: OUT names differ")
        T.check(names.get("model") == model_file_name(label, cb)[:NAME_MAX], f"{label}: ORIGIN_MODEL_NAME differs")
        net_def, net_undef = res["net"]
        ref_def, ref_undef = ref["net"]
        T.check(net_def == ref_def, f"{label}: network.o globals {sorted(net_def ^ ref_def)} differ")
        data_def, _ = res["data"]
        ref_data_def, _ = ref["data"]
        T.check(len(data_def) == len(ref_data_def), f"{label}: network_data.o defines {sorted(data_def)}")
        T.check(all(re.fullmatch(r"network_[A-Za-z0-9_]+", s) for s in data_def),
                f"{label}: unexpected data symbol in {sorted(data_def)}")
        # what network.o calls: the runtime and libc functions the benign build calls, and the weights
        extra = {s for s in net_undef - ref_undef if s not in data_def}
        T.check(not extra, f"{label}: network.o uses unexpected symbols {sorted(extra)}")
        return "compiled"

    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futs = {pool.submit(one, c): c[0] for c in CASES}
        for f in concurrent.futures.as_completed(futs):
            stats["cases"] += 1
            try:
                stats[f.result()] += 1
            except Exception as e:  # noqa: BLE001 - every failure is listed
                failures.append(f"{futs[f]}: {e}")
    print(f"hostile names: {stats['cases']} cases, {stats['compiled']} passed clang and gcc -Werror "
          f"and ran with unchanged outputs and symbols, {stats['rejected']} rejected (not UTF-8) with one "
          f"error line, {len(failures)} failed")
    for f in sorted(failures):
        print("FAIL", f)
    if not failures:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
