#!/usr/bin/env python3
"""Migrate-tool speed on a generated codebase: N translation units (a fraction with legacy nrt_execute calls)
with a compile_commands.json; times `nrt-migrate -p <db> --check -j J` against `clang -fsyntax-only` over the
same TUs (J in parallel) and prints TUs/s and the ratio (median of 3 runs each).

  bench/migrate/codebase.py <nrt-migrate> <include dir> [--tus 400] [--legacy 0.05] [--jobs 2] [--clang clang-14]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

BODY = """
static int helper_{i}_{k}(const char *s, int n) {{
  char buf[64];
  snprintf(buf, sizeof buf, "%s-%d", s, n);
  int acc = 0;
  for (size_t j = 0; j < strlen(buf); ++j) acc += buf[j] * (int)(j + {k});
  return acc % 1000;
}}
"""

LEGACY = """
NRT_STATUS run_{i}(nrt_model_t *m, nrt_tensor_set_t *in, nrt_tensor_set_t *out, nrt_tensor_t *y, float *host) {{
  NRT_STATUS s = nrt_execute(m, in, out);
  int h = helper_{i}_0("x", 3);
  if (s != NRT_SUCCESS) return s;
  (void)h;
  return nrt_tensor_read(y, host, 0, 16);
}}
"""


def generate(root, tus, legacy_fraction):
    src = os.path.join(root, "src")
    os.makedirs(src)
    with open(os.path.join(src, "common.h"), "w") as f:
        f.write("#ifndef COMMON_H\n#define COMMON_H\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n"
                "#include \"nrt/nrt.h\"\nint shared_counter(void);\n#endif\n")
    entries = []
    every = max(1, round(1 / legacy_fraction)) if legacy_fraction > 0 else 0
    for i in range(tus):
        name = f"tu_{i:04d}.c"
        with open(os.path.join(src, name), "w") as f:
            f.write('#include "common.h"\n')
            for k in range(10):
                f.write(BODY.format(i=i, k=k))
            if every and i % every == 0:
                f.write(LEGACY.format(i=i))
            f.write(f"int entry_{i}(void) {{ return helper_{i}_1(\"tu\", {i}) + shared_counter(); }}\n")
        entries.append({"directory": src, "file": name, "command": f"cc -O2 -Wall -I{{inc}} -c {name} -o {name}.o"})
    return src, entries


def timed(cmd, cwd):
    t0 = time.monotonic()
    r = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - t0, r.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tool")
    ap.add_argument("include")
    ap.add_argument("--tus", type=int, default=400)
    ap.add_argument("--legacy", type=float, default=0.05)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--clang", default="clang-14")
    a = ap.parse_args()
    root = tempfile.mkdtemp(prefix="nrtm_bench_")
    try:
        src, entries = generate(root, a.tus, a.legacy)
        for e in entries:
            e["command"] = e["command"].replace("{inc}", os.path.abspath(a.include))
        os.makedirs(os.path.join(root, "build"))
        with open(os.path.join(root, "build", "compile_commands.json"), "w") as f:
            json.dump(entries, f)
        legacy = sum(1 for e in entries if "nrt_execute" in open(os.path.join(src, e["file"])).read())
        tool = [a.tool, "-p", os.path.join(root, "build"), "--check", "-j", str(a.jobs), "--in-root", src]
        files = [e["file"] for e in entries]
        # clang -fsyntax-only over the same TUs, J at a time (xargs -P), with the same flags.
        syntax = ["sh", "-c", f"printf '%s\\n' {' '.join(files)} | xargs -P {a.jobs} -n 8 {a.clang} -fsyntax-only "
                  f"-I{os.path.abspath(a.include)}"]
        runs_tool = [timed(tool, src) for _ in range(3)]
        runs_syntax = [timed(syntax, src) for _ in range(3)]
        t_tool = statistics.median(t for t, _ in runs_tool)
        t_syntax = statistics.median(t for t, _ in runs_syntax)
        print(f"{a.tus} TUs ({legacy} with legacy calls), -j {a.jobs}")
        print(f"nrt-migrate --check:   median {t_tool:.2f} s  ({a.tus / t_tool:.0f} TUs/s; exit {runs_tool[0][1]})")
        print(f"clang -fsyntax-only:   median {t_syntax:.2f} s  ({a.tus / t_syntax:.0f} TUs/s)")
        print(f"ratio tool / syntax-only: {t_tool / t_syntax:.2f}")
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
