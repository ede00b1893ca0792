#!/usr/bin/env python3
"""Hostile programs in CT0 (tests/hostile/README.md): one boot of
pallas-hostile-short.img (or, with --soak, pallas-hostile-soak.img) runs
forkbomb, memhog and sysfuzz through `abitest`, and the serial log is
checked:

  boot     no `PANIC: ` line, no hang (run-qemu's --stall: no output for
           STALL seconds of QEMU CPU time or idleness stops it at once),
           and `abi: done 3`
  forkbomb exit 0 and exactly the expected answers (RLIMIT_NPROC held)
  memhog   ended (mmap failed: code 0, or killed: a signal) and the kernel
           ran the next program
  sysfuzz  exit 0, every progress line in order, all calls made, and
           `fuzz: memfree returned: yes`

Ends with `hostile: N passed, N failed`.
"""
import argparse
import os
import re
import select
import subprocess
import sys
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import testrun_log  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
STALL = int(os.environ.get("HOSTILE_STALL", "120"))

FORKBOMB_EXPECTED = """forkbomb: limit 40
hit EAGAIN: yes
other errors: no
processes within the limit: yes
all reaped: yes
no children left: yes
fork after: ok
"""

def parse_log(text):
    """{name: (output, status)} from the serial log (tests/lib/testrun_log.py)."""
    return testrun_log.parse_log(text, "abi")


def boot(image, timeout, log_path):
    # A panic stops the boot only at the end of its report, so the log keeps
    # the registers, the frame and the backtrace (a report that hangs half
    # way is caught by the silence watch below).
    cmd = [os.path.join(ROOT, "tools/run-qemu"), "--image", image, "--smp", "2", "--mem", "1024",
           "--append", "abitest loglevel=warn", "--timeout", str(timeout),
           "--stall", str(STALL), "--fail", r"^PANIC: end of report", "--until", r"^abi: done \d+"]
    start = time.monotonic()
    # run-qemu's --stall misses a guest that idles with its timer ticking
    # (seen in a soak): no serial line for STALL seconds stops it here too.
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    chunks, last = [], time.monotonic()
    os.set_blocking(p.stdout.fileno(), False)
    while True:
        r, _, _ = select.select([p.stdout], [], [], 5.0)
        if r:
            data = p.stdout.read()
            if not data:
                break
            chunks.append(data)
            last = time.monotonic()
        elif time.monotonic() - last > STALL:
            chunks.append(b"\nhostile: no output for %d s: stopping QEMU\n" % STALL)
            p.terminate()
            rest = b""
            try:
                p.wait(timeout=30)
                os.set_blocking(p.stdout.fileno(), True)
                rest = p.stdout.read() or b""
            except subprocess.TimeoutExpired:
                p.kill()
            chunks.append(rest)
            break
    p.wait()
    log = b"".join(chunks).decode("utf-8", "replace")
    if log_path:
        with open(log_path, "w") as f:
            f.write(log)
    return log, p.returncode, time.monotonic() - start


def conf(soak):
    path = os.path.join(BUILD, "hostile", "soak.conf" if soak else "short.conf")
    with open(path) as f:
        seed, calls, progress = (int(x) for x in f.read().split()[:3])
    return seed, calls, progress


def check_sysfuzz(out, status, calls, progress):
    want = ["fuzz: %d calls done" % n for n in range(progress, calls + 1, progress)]
    got = [l for l in out.splitlines() if re.match(r"^fuzz: \d+ calls done$", l)]
    if got != want:
        return "progress lines differ: %d expected, %d seen (last %r)" % (
            len(want), len(got), got[-1] if got else None)
    if "fuzz: total %d calls, complete" % calls not in out:
        return "not all calls made"
    if "fuzz: memfree returned: yes" not in out:
        return "free memory did not come back"
    if "fuzz: slab returned: yes" not in out:
        return "kernel objects leaked: the slab grew past its slack"
    if status != "code 0":
        return "exit %s" % status
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--soak", action="store_true", help="the 10^6-call soak image")
    ap.add_argument("--timeout", type=int, default=None, help="the boot's limit in seconds")
    ap.add_argument("--log", default=None, help="keep the serial log here")
    args = ap.parse_args()
    image = os.path.join(BUILD, "pallas-hostile-%s.img" % ("soak" if args.soak else "short"))
    seed, calls, progress = conf(args.soak)
    timeout = args.timeout or (6 * 3600 if args.soak else 1200)
    log, rc, secs = boot(image, timeout, args.log)
    got = parse_log(log)
    passed = failed = 0

    def result(name, why):
        nonlocal passed, failed
        if why is None:
            print("ok %s" % name)
            passed += 1
        else:
            print("FAIL %s: %s" % (name, why))
            failed += 1

    panic = [l for l in log.splitlines() if l.startswith("PANIC: ")]
    done = re.search(r"^abi: done (\d+)", log, re.M)
    if panic:
        result("boot", "kernel panic: " + panic[0])
    elif "hostile: no output for" in log:
        result("boot", "hang: no serial output for %d s" % STALL)
    elif not done:
        result("boot", "no `abi: done` (run-qemu exit %d: 4 = stalled, 124 = timed out)" % rc)
    else:
        result("boot", None if done.group(1) == "3" else "ran %s programs" % done.group(1))

    fb = got.get("forkbomb")
    result("forkbomb", "not in the log" if not fb else
           None if fb == (FORKBOMB_EXPECTED, "code 0") else "got %s:\n%s" % (fb[1], fb[0]))
    mh = got.get("memhog")
    result("memhog", "not in the log" if not mh else
           None if mh[0] == "memhog: start\n" and "sysfuzz" in got or done else
           "got %s:\n%s" % (mh[1], mh[0]))
    if mh:
        print("memhog: %s" % mh[1])
    sf = got.get("sysfuzz")
    if sf:
        sys.stdout.writelines(l + "\n" for l in sf[0].splitlines()
                              if not re.match(r"^fuzz: \d+ calls done$", l))
    result("sysfuzz", "not in the log" if not sf else check_sysfuzz(sf[0], sf[1], calls, progress))
    print("hostile: boot took %.0f s for %d calls (seed %d)" % (secs, calls, seed))
    if failed:
        print("\n".join(log.splitlines()[-40:]))
    print("hostile: %d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
