#!/usr/bin/env python3
"""Lists C/C++ functions longer than a limit (lines from the opening to the closing brace).

    scripts/check_function_length.py [--max 150] [--top N] [--allow FILE:FUNCTION]... DIR...

Exit code 1 when a function is over the limit (a ctest runs it on src/). --top N prints the N
longest functions whatever their length; --allow names a known exception (file name and function,
e.g. report.cpp:collect) that is listed but does not fail. Comments and string literals (raw ones too) are blanked
before the braces are counted; a brace block counts as a function when it follows a ')' (with
qualifiers, a trailing return type or an initializer list) at namespace or class scope.
"""
import argparse
import os
import re
import sys

SOURCE = (".c", ".cc", ".cpp", ".h", ".hpp")


def blank(text):
    """Comments, strings and char literals as spaces (newlines kept, so line numbers hold)."""
    out, i, n = [], 0, len(text)
    keep_lines = lambda s: "".join(c if c == "\n" else " " for c in s)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(keep_lines(text[i:j])); i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(keep_lines(text[i:j])); i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            k = text.find("(", i + 2)
            delim = text[i + 2:k]
            j = text.find(")" + delim + '"', k)
            j = n if j < 0 else j + len(delim) + 2
            out.append('""' + keep_lines(text[i + 2:j])); i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else c); i = j
        else:
            out.append(c); i += 1
    return "".join(out)


CONTAINER = re.compile(r"\b(namespace|struct|class|union|enum)\b[^;()]*$|extern\s*\"\"\s*$")
FUNCTION = re.compile(r"\)\s*(const|noexcept|override|final|mutable|&|\s)*(->[^{;]*)?(:[^;]*)?$")
NAME = re.compile(r"([~\w:<>]+)\s*\([^()]*(\([^()]*\)[^()]*)*\)[^()]*$", re.S)


def functions(path):
    text = blank(open(path, encoding="utf-8", errors="replace").read())
    stack, start, found = [], 0, []  # stack: (kind, line, name)
    line = 1
    for i, c in enumerate(text):
        if c == "\n":
            line += 1
        elif c == "{":
            head = text[start:i]
            if all(k == "container" for k, _, _ in stack) and CONTAINER.search(head):
                stack.append(("container", line, ""))
            elif all(k == "container" for k, _, _ in stack) and FUNCTION.search(head.strip()):
                m = NAME.search(head)
                stack.append(("function", line, m.group(1) if m else "?"))
            else:
                stack.append(("block", line, ""))
            start = i + 1
        elif c == "}":
            if stack:
                kind, first, name = stack.pop()
                if kind == "function":
                    found.append((line - first + 1, path, first, name))
            start = i + 1
        elif c == ";":
            start = i + 1
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--max", type=int, default=150)
    ap.add_argument("--top", type=int, default=0)
    ap.add_argument("--allow", action="append", default=[])
    ap.add_argument("dirs", nargs="+")
    a = ap.parse_args()
    found = []
    for d in a.dirs:
        for root, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith(SOURCE):
                    found += functions(os.path.join(root, f))
    found.sort(reverse=True)
    for length, path, first, name in found[: a.top]:
        print(f"{length:5d} {path}:{first} {name}")
    over = [f for f in found if f[0] > a.max]
    allowed = lambda f: f"{os.path.basename(f[1])}:{f[3]}" in a.allow
    for length, path, first, name in over:
        note = " (known exception)" if allowed((length, path, first, name)) else ""
        print(f"over {a.max} lines: {path}:{first} {name} ({length} lines){note}")
    failing = [f for f in over if not allowed(f)]
    print(f"{len(found)} functions, longest {found[0][0] if found else 0} lines, {len(over)} over {a.max}, "
          f"{len(failing)} not allowed")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
