#!/usr/bin/env python3
"""The benchmarks (tests/bench/README.md): the programs of tests/bench/list
in one Pallas boot and under Debian's Linux kernel in the same QEMU setup
(q35, TCG, -cpu max, one CPU, 1 GiB, `-icount shift=0,sleep=off`), then boot
to shell on both.  Builds nothing (`make bench` does).

Each program prints `bench NAME: N iterations, X instructions per op`.  A
bench passes when it produced a figure on Pallas and on Linux (it is a
measurement, not a judgement of speed), and `calib` passes only when it reads
2.0 +- 10 % instructions per op on both (else the clock does not count
instructions and no figure means anything).  Ends with `N passed, N failed`.

Environment: BENCH_TIMEOUT (seconds per boot, default 1200), QEMU.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
QEMU = os.environ.get("QEMU", "qemu-system-x86_64")
TIMEOUT = int(os.environ.get("BENCH_TIMEOUT", "1200"))
SMP, MEM = "1", "1024M"
LINUX_APPEND = "console=ttyS0 quiet panic=-1"

BENCH_RE = re.compile(r"bench (\S+): (\d+) iterations, ([0-9.]+) instructions per op")
SHELL_RE = re.compile(r"bench shell-uptime: ([0-9.]+) s, idle ([0-9.]+) s")
EXIT_RE = re.compile(r"abi: exit (\S+) (code|signal) (\d+)")


def names():
    with open(os.path.join(ROOT, "tests/bench/list")) as f:
        return [l.split("#", 1)[0].split()[0] for l in f if l.split("#", 1)[0].strip()]


def run(cmd):
    """The serial log of one boot (QEMU's stdout and stderr), as text."""
    try:
        p = subprocess.run(["nice"] + cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=TIMEOUT)
        out = p.stdout
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"") + b"\nbench: boot timed out\n"
    return out.decode("utf-8", "replace").replace("\r", "")


def pallas(image, until, append=None):
    cmd = [os.path.join(ROOT, "tools/run-qemu"), "--image", os.path.join(BUILD, image),
           "--icount", "--smp", SMP, "--mem", MEM, "--timeout", str(TIMEOUT), "--until", until]
    if append:
        cmd += ["--append", append]
    return run(cmd)


def linux(initrd, extra=""):
    return run([QEMU, "-machine", "q35", "-accel", "tcg", "-cpu", "max", "-smp", SMP, "-m", MEM,
                "-nodefaults", "-nographic", "-no-reboot", "-serial", "stdio",
                "-kernel", os.path.join(BUILD, "guests/linux/bzImage"),
                "-initrd", os.path.join(BUILD, initrd),
                "-append", (LINUX_APPEND + " " + extra).strip(),
                "-icount", "shift=0,sleep=off"])


def figures(log):
    """{name: instructions per op} of one log, the boot-to-shell line as
    `shell` (the uptime, in virtual ns; its idle part is printed)."""
    out = {m.group(1): float(m.group(3)) for m in BENCH_RE.finditer(log)}
    m = SHELL_RE.search(log)
    if m:
        out["shell"] = float(m.group(1)) * 1e9
        print("shell-uptime: %s s, idle %s s" % (m.group(1), m.group(2)))
    for m in EXIT_RE.finditer(log):
        if m.group(2) != "code" or m.group(3) != "0":
            print("bench %s exited with %s %s" % (m.group(1), m.group(2), m.group(3)))
            out.pop(m.group(1), None)
    return out


def fmt(v):
    if v is None:
        return "-"
    return "%.0f" % v if v >= 100 else "%.1f" % v


def ratio(a, b):
    return "%.2f" % (a / b) if a is not None and b else "-"


def main():
    cols = {"pallas": {}, "linux": {}, "linux-nomit": {}}
    for col, log in (
            ("pallas", lambda: pallas("pallas-bench.img", r"^abi: done \d+",
                                      "abitest loglevel=warn")),
            ("pallas", lambda: pallas("pallas-shell.img", r"^bench shell-uptime")),
            ("linux", lambda: linux("bench/initrd.cpio")),
            ("linux", lambda: linux("bench/shell.cpio")),
            ("linux-nomit", lambda: linux("bench/initrd.cpio", "mitigations=off")),
            ("linux-nomit", lambda: linux("bench/shell.cpio", "mitigations=off"))):
        text = log()
        got = figures(text)
        if not got:
            print("no figures from a %s boot; its last lines:" % col)
            print("\n".join(text.splitlines()[-20:]))
        cols[col].update(got)

    rows = []
    for n in names():
        if n == "boot":
            rows += ["boot-monotonic", "boot-tsc"]
        elif n == "calib":
            rows += ["calib", "calib-tsc", "calib-rep"]
        else:
            rows.append(n)
    rows.append("shell")
    print("%-16s %14s %14s %8s %16s %8s" % ("instructions", "Pallas", "Linux", "P/L",
                                            "Linux mit=off", "P/L"))
    passed = failed = 0
    for r in rows:
        p, l, n = cols["pallas"].get(r), cols["linux"].get(r), cols["linux-nomit"].get(r)
        print("%-16s %14s %14s %8s %16s %8s" % (r, fmt(p), fmt(l), ratio(p, l), fmt(n),
                                                ratio(p, n)))
        ok = p is not None and l is not None
        if r in ("calib", "calib-tsc"):
            ok = ok and all(v is not None and 1.8 <= v <= 2.2 for v in (p, l))
        if ok:
            passed += 1
        else:
            print("FAIL %s: Pallas %s, Linux %s" % (r, fmt(p), fmt(l)))
            failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
