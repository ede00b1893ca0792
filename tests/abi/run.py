#!/usr/bin/env python3
"""The ABI suite: each program in tests/abi/list runs on this host's Linux
for the expected output, then all of them inside Pallas in one boot
(`abitest`, containers/abitest.c); output and exit status must match.

Both sides run a program as `/abi/NAME SCRATCH` (SCRATCH an empty
directory), with the environment PATH=/bin:/usr/bin HOME=/ LC_ALL=C, stdin
from /dev/null and stdout and stderr together.  Pallas prints

    abi: run NAME / ...output... / abi: exit NAME code N|signal N

and `abi: done N` at the end.  A program missing from the Pallas log is a
failure.  Ends with `abi: N passed, N failed`.
"""
import difflib
import os
import resource
import signal
import re
import subprocess
import sys
import tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import testrun_log  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
ENV = {"PATH": "/bin:/usr/bin", "HOME": "/", "LC_ALL": "C"}
BOOT_TIMEOUT = int(os.environ.get("ABI_TIMEOUT", "600"))


def names():
    out = []
    with open(os.path.join(ROOT, "tests/abi/list")) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                out.append(line.split()[0])
    return out


def host_limits():
    """The limits Pallas gives CT0's processes (containers/proc.c), so that a
    program reporting them sees the same on both sides; and, as there, every
    signal at its default action and none blocked, whatever this runner
    inherited (nohup's ignored SIGHUP made sig_default's host side differ)."""
    for sig in range(1, signal.NSIG):
        if sig in (signal.SIGKILL, signal.SIGSTOP):
            continue
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 4096))
    except (ValueError, OSError):
        pass


def run_host(name):
    prog = os.path.join(BUILD, "abi", name)
    with tempfile.TemporaryDirectory(prefix="abi-") as scratch:
        # stdin read-only, as Pallas opens it (DEVNULL would be O_RDWR).
        with open(os.devnull, "rb") as null:
            p = subprocess.run(["/abi/" + name, scratch], executable=prog, env=ENV,
                               stdin=null, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               preexec_fn=host_limits, timeout=120)
    out = p.stdout.decode("utf-8", "replace")
    status = "signal %d" % -p.returncode if p.returncode < 0 else "code %d" % p.returncode
    return out, status


def parse_log(text):
    """{name: (output, status)} from the serial log (tests/lib/testrun_log.py)."""
    return testrun_log.parse_log(text, "abi")


def boot():
    image = os.path.join(BUILD, "pallas-abi.img")
    cmd = [os.path.join(ROOT, "tools/run-qemu"), "--image", image, "--smp", "2", "--mem", "1024",
           "--append", "abitest loglevel=warn", "--timeout", str(BOOT_TIMEOUT),
           "--until", r"^abi: done \d+"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.stdout.decode("utf-8", "replace"), p.returncode


def main():
    progs = names()
    expected = {n: run_host(n) for n in progs}
    log, rc = boot()
    got = parse_log(log)
    passed = failed = 0
    for n in progs:
        if n not in got:
            print("FAIL %s: not in the Pallas log (boot exit %d)" % (n, rc))
            failed += 1
            continue
        (eo, es), (go, gs) = expected[n], got[n]
        if eo == go and es == gs:
            print("ok %s" % n)
            passed += 1
            continue
        print("FAIL %s: host %s, Pallas %s" % (n, es, gs))
        sys.stdout.writelines(difflib.unified_diff(eo.splitlines(True), go.splitlines(True),
                                                   "linux/" + n, "pallas/" + n))
        failed += 1
    if failed and not got:
        print("\n".join(log.splitlines()[-30:]))
    print("abi: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
