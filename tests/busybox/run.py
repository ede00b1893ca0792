#!/usr/bin/env python3
"""The busybox scenarios: each shell script NAME.sh named in tests/busybox/list
runs on this host's Linux under CT0's own busybox binary (build/ct0/busybox,
from the package tools/ct0/packages records) for the expected output, then all
of the active ones inside Pallas in one boot (`bbtest`, containers/bbtest.c);
output and exit status must match.

Both sides run `sh NAME.sh` (busybox's ash; argv[0] "sh") in an empty
working directory, with the environment PATH HOME=/ LC_ALL=C TZ=UTC, stdin
from /dev/null and stdout and stderr together on a terminal (Pallas: the
console; here: a pseudo-terminal of 80x24, so that what busybox does on a tty,
line buffering and ls's columns, is the same).  PATH is the Pallas root's
/bin:/sbin:/usr/bin:/usr/sbin there, and here a directory holding a link per
applet to the same busybox, so both find only busybox.  The host's script
path and working directory are replaced by Pallas's (/scen/NAME.sh,
/tmp/bb/NAME) before comparing, and carriage returns dropped.  Pallas prints

    bb: run NAME / ...output... / bb: exit NAME code N|signal N

and `bb: done N` at the end.  A scenario missing from the Pallas log is a
failure.

Scenarios the kernel cannot run yet are listed as `# pending NAME: reason`:
they run on the host only (which must give the same output twice and exit
status 0, or N when the script says `# status: N`, so the day they are switched on the reference is known to be sound) and
count as skipped.  Ends with `busybox: N passed, N failed, N skipped`; the exit
status is 0 only with no failure and at least one pass.

usage: tests/busybox/run.py [--host-only | --pending] [NAME ...]
  --host-only  no boot: every scenario is checked on the host as pending ones are
  --pending    the pending scenarios run in Pallas too (`bbtest.all`), as active ones
  NAME ...     only these (the boot still runs the whole list; the rest is ignored)
"""
import argparse
import difflib
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import fcntl
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import testrun_log  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
HERE = os.path.join(ROOT, "tests", "busybox")
BUSYBOX = os.path.join(BUILD, "ct0", "busybox")
IMAGE = os.path.join(BUILD, "pallas-busybox.img")
BOOT_TIMEOUT = int(os.environ.get("BB_TIMEOUT", "600"))
HOST_TIMEOUT = 60
PENDING_RE = re.compile(r"^#\s*pending\s+([A-Za-z0-9_][A-Za-z0-9_.-]*):\s*(.*)$")


def read_list():
    """([active names], {pending name: reason}) from tests/busybox/list."""
    active, pending = [], {}
    with open(os.path.join(HERE, "list")) as f:
        for line in f:
            m = PENDING_RE.match(line.strip())
            if m:
                pending[m.group(1)] = m.group(2)
                continue
            word = line.split("#", 1)[0].split()
            if word:
                active.append(word[0])
    return active, pending


def applet_dir(tmp):
    """A directory with a link per applet to CT0's busybox: the host's PATH."""
    d = os.path.join(tmp, "bin")
    os.mkdir(d)
    out = subprocess.run([BUSYBOX, "--list"], stdout=subprocess.PIPE, check=True)
    for name in out.stdout.decode().split():
        if "/" not in name:
            os.symlink(BUSYBOX, os.path.join(d, name))
    return d


def run_on_pty(argv, cwd, env, timeout):
    """Runs argv with stdout and stderr on a fresh 80x24 pseudo-terminal and
    stdin from /dev/null; (output bytes, wait status)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    with open(os.devnull, "rb") as null:
        p = subprocess.Popen(argv, executable=BUSYBOX, cwd=cwd, env=env, stdin=null,
                             stdout=slave, stderr=slave, start_new_session=True)
    os.close(slave)
    out, deadline = bytearray(), time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                p.kill()
                out += b"\n[host: timed out after %d s]\n" % timeout
                break
            r, _, _ = select.select([master], [], [], min(left, 1.0))
            if not r:
                if p.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: every writer has closed the terminal
                break
            if not chunk:
                break
            out += chunk
    finally:
        os.close(master)
    return bytes(out), p.wait()


def status_text(rc):
    return "signal %d" % -rc if rc < 0 else "code %d" % rc


def run_host(name, bindir):
    script = os.path.join(HERE, name + ".sh")
    env = {"PATH": bindir, "HOME": "/", "LC_ALL": "C", "TZ": "UTC"}
    with tempfile.TemporaryDirectory(prefix="bb-%s-" % name) as scratch:
        out, rc = run_on_pty(["sh", script], scratch, env, HOST_TIMEOUT)
        text = out.decode("utf-8", "replace").replace("\r", "")
        text = text.replace(script, "/scen/%s.sh" % name)
        text = text.replace(os.path.realpath(scratch), "/tmp/bb/" + name)
        text = text.replace(scratch, "/tmp/bb/" + name)
    return text, status_text(rc)


def parse_log(text):
    """{name: (output, status)} from the serial log (tests/lib/testrun_log.py)."""
    return testrun_log.parse_log(text, "bb")


def boot(everything):
    """The serial log of one `bbtest` boot (`bbtest.all`: the pending scenarios
    too) and run-qemu's exit status.  run-qemu returns as soon as QEMU exits
    (the runner powers off after `bb: done`)."""
    args = "bbtest bbtest.all loglevel=warn" if everything else "bbtest loglevel=warn"
    cmd = [os.path.join(ROOT, "tools/run-qemu"), "--image", IMAGE, "--smp", "2", "--mem", "1024",
           "--append", args, "--timeout", str(BOOT_TIMEOUT),
           "--stall", "120", "--until", r"^bb: done \d+"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.stdout.decode("utf-8", "replace"), p.returncode


STATUS_RE = re.compile(r"^# status: (\d+)$", re.M)


def host_status(name):
    """The exit status a scenario must give: `# status: N` in it, else 0."""
    with open(os.path.join(HERE, name + ".sh")) as f:
        m = STATUS_RE.search(f.read())
    return "code %s" % (m.group(1) if m else "0")


def check_pending(name, reason, bindir):
    """A pending scenario's host run: the status it declares (`# status: N`,
    else 0) and the same output twice."""
    first, second = run_host(name, bindir), run_host(name, bindir)
    if first[1] != host_status(name):
        return "host %s:\n%s" % (first[1], first[0])
    if first != second:
        diff = difflib.unified_diff(first[0].splitlines(True), second[0].splitlines(True),
                                    "host/1/" + name, "host/2/" + name)
        return "host output differs between two runs:\n" + "".join(diff)
    if not first[0].strip():
        return "host output is empty"
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host-only", action="store_true",
                    help="no Pallas boot: check every scenario on the host as pending ones are")
    ap.add_argument("--pending", action="store_true",
                    help="run the pending scenarios in Pallas too, as active ones")
    ap.add_argument("names", nargs="*", help="only these scenarios")
    opts = ap.parse_args()
    active, pending = read_list()
    if opts.names:
        unknown = [n for n in opts.names if n not in active and n not in pending]
        if unknown:
            print("busybox: not in tests/busybox/list: " + " ".join(unknown))
            return 2
        active = [n for n in active if n in opts.names]
        pending = {n: r for n, r in pending.items() if n in opts.names}
    for n in list(active) + list(pending):
        if not os.path.isfile(os.path.join(HERE, n + ".sh")):
            print("busybox: tests/busybox/%s.sh is missing" % n)
            return 2
    if not os.access(BUSYBOX, os.X_OK):
        print("busybox: %s not built (make image-busybox)" % os.path.relpath(BUSYBOX, ROOT))
        print("busybox: 0 passed, 1 failed")
        return 1

    passed = failed = skipped = 0
    with tempfile.TemporaryDirectory(prefix="bb-path-") as tmp:
        bindir = applet_dir(tmp)
        if opts.host_only:
            pending.update({n: "--host-only" for n in active})
            active = []
        elif opts.pending:
            active += list(pending)
            pending = {}
        for n, why in pending.items():
            problem = check_pending(n, why, bindir)
            if problem:
                print("FAIL %s (pending, host side): %s" % (n, problem))
                failed += 1
            else:
                print("skip %s: %s" % (n, why))
                skipped += 1
        expected = {n: run_host(n, bindir) for n in active}

    got, log, rc = {}, "", 0
    if active:
        if not os.path.isfile(IMAGE):
            print("busybox: %s not built (make image-busybox)" % os.path.relpath(IMAGE, ROOT))
        else:
            log, rc = boot(opts.pending)
            got = parse_log(log)
    for n in active:
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
    if active and not got and log:
        print("\n".join(log.splitlines()[-30:]))
    print("busybox: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    if passed == 0 and failed == 0 and not opts.host_only:
        print("busybox: every scenario was skipped")
        return 1
    return 0 if failed == 0 and (passed > 0 or opts.host_only) else 1


if __name__ == "__main__":
    sys.exit(main())
