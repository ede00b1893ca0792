#!/usr/bin/env python3
"""The Debian scenarios: each NAME in tests/debian/list (NAME.sh for bash,
NAME.py for python3) runs inside the root tree tools/mkdebroot unpacks from
Debian's own packages (build/debroot), dynamically linked programs and all:
first on this host's Linux under chroot, for the expected output, then all of
the active ones inside Pallas in one boot (`debtest`, containers/debtest.c),
where CT0's busybox chroots into the same tree under /debian.  Output and
exit status must match.

Both sides run `bash /scen/launch NAME` (tests/debian/launch) in the tree,
which cds to the scratch directory /tmp/deb/NAME and starts the scenario,
with the environment PATH HOME=/ LC_ALL=C TZ=UTC PYTHONDONTWRITEBYTECODE=1
(nothing writes into the tree), stdin from /dev/null and stdout and stderr
together on a terminal (Pallas: the console; here: an 80x24 pseudo-terminal).
Here the chroot is entered from a private mount namespace (unshare -m) with
procfs on the tree's /proc and tests/debian bound on its /scen: the tree's
binaries are the oracle, so the versions cannot differ.  Needs root.

Pallas prints `deb: run NAME / ...output... / deb: exit NAME code N|signal N`
and `deb: done N`.  The image's last entry, `syscalls`, prints
/proc/pallas/syscalls: the ENOSYS numbers of the whole boot, which this
runner prints with their names (from the host's asm/unistd_64.h).

Scenarios the kernel cannot run yet are `# pending NAME: reason` in the list:
they run on the host only (twice: the same output, exit status 0) and count
as skipped.  Ends with `debian: N passed, N failed, N skipped`; the exit
status is 0 only with no failure and at least one pass (or --host-only).

usage: tests/debian/run.py [--host-only | --pending] [NAME ...]
"""
import argparse
import difflib
import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import testrun_log  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.environ.get("BUILD", os.path.join(ROOT, "build"))
HERE = os.path.join(ROOT, "tests", "debian")
TREE = os.path.join(BUILD, "debroot")
IMAGE = os.path.join(BUILD, "pallas-debian.img")
BOOT_TIMEOUT = int(os.environ.get("DEB_TIMEOUT", "900"))
HOST_TIMEOUT = 120
ENV = ["PATH=/usr/bin:/bin:/usr/sbin:/sbin", "HOME=/", "LC_ALL=C", "TZ=UTC",
       "PYTHONDONTWRITEBYTECODE=1"]
UNISTD = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h"
PENDING_RE = re.compile(r"^#\s*pending\s+([A-Za-z0-9_][A-Za-z0-9_.-]*):\s*(.*)$")


def read_list():
    """([active names], {pending name: reason}) from tests/debian/list."""
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


def script_of(name):
    for ext in (".sh", ".py"):
        p = os.path.join(HERE, name + ext)
        if os.path.isfile(p):
            return p
    return None


def run_on_pty(argv, timeout):
    """Runs argv with stdout and stderr on a fresh 80x24 pseudo-terminal and
    stdin from /dev/null; (output bytes, wait status)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    with open(os.devnull, "rb") as null:
        p = subprocess.Popen(argv, stdin=null, stdout=slave, stderr=slave,
                             start_new_session=True)
    os.close(slave)
    out, deadline = bytearray(), time.monotonic() + timeout
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                os.killpg(p.pid, 9)
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


# The host's chroot and mounts need root: as root, or through sudo (which
# tools/deps uses too) when it needs no password.
AS_ROOT = [] if os.geteuid() == 0 else ["sudo", "-n"]


def run_host(name):
    """One scenario in the tree under chroot; (output, status)."""
    scratch = os.path.join(TREE, "tmp", "deb", name)
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    inner = ("mount -t proc proc \"$1/proc\" && mount --bind \"$2\" \"$1/scen\" && "
             "mount --bind /dev \"$1/dev\" && "
             "exec chroot \"$1\" /usr/bin/env -i %s /bin/bash /scen/launch \"$3\"" % " ".join(ENV))
    try:
        out, rc = run_on_pty(AS_ROOT + ["unshare", "-m", "--propagation", "private", "sh", "-c",
                                        inner, "sh", TREE, HERE, name], HOST_TIMEOUT)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    # The chroot's child exits through `exec`: its status is the scenario's.
    return out.decode("utf-8", "replace").replace("\r", ""), status_text(rc)


def parse_log(text):
    """{name: (output, status)} from the serial log (tests/lib/testrun_log.py)."""
    return testrun_log.parse_log(text, "deb")


def boot(everything):
    args = "debtest debtest.all loglevel=warn" if everything else "debtest loglevel=warn"
    cmd = [os.path.join(ROOT, "tools/run-qemu"), "--image", IMAGE, "--smp", "2", "--mem", "1536",
           "--append", args, "--timeout", str(BOOT_TIMEOUT),
           "--stall", "120", "--until", r"^deb: done \d+"]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return p.stdout.decode("utf-8", "replace"), p.returncode


def syscall_names():
    names = {}
    try:
        with open(UNISTD) as f:
            for line in f:
                m = re.match(r"#define __NR_(\w+)\s+(\d+)", line)
                if m:
                    names[int(m.group(2))] = m.group(1)
    except OSError:
        pass
    return names


def print_enosys(got):
    """The `syscalls` entry: /proc/pallas/syscalls after every scenario."""
    if "syscalls" not in got:
        print("debian: no /proc/pallas/syscalls in the log")
        return
    if got["syscalls"][1] != "code 0":
        print("debian: cat /proc/pallas/syscalls: %s\n%s" % (got["syscalls"][1], got["syscalls"][0]))
        return
    names = syscall_names()
    rows = []
    for line in got["syscalls"][0].splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].isdigit():
            rows.append("  %3s %-22s %s calls" % (parts[0], names.get(int(parts[0]), "?"), parts[1]))
        elif len(parts) == 2:
            rows.append("  %s: %s calls" % (parts[0], parts[1]))
    print("debian: ENOSYS in this boot (/proc/pallas/syscalls): %s" % ("none" if not rows else ""))
    for r in rows:
        print(r)


def check_pending(name):
    first, second = run_host(name), run_host(name)
    if first[1] != "code 0":
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
            print("debian: not in tests/debian/list: " + " ".join(unknown))
            return 2
        active = [n for n in active if n in opts.names]
        pending = {n: r for n, r in pending.items() if n in opts.names}
    for n in list(active) + list(pending):
        if not script_of(n):
            print("debian: tests/debian/%s.sh or .py is missing" % n)
            return 2
    if os.geteuid() != 0:
        print("debian: the host side needs root (chroot, mount)")
        print("debian: 0 passed, 1 failed, 0 skipped")
        return 1
    if not os.access(os.path.join(TREE, "bin", "bash"), os.X_OK):
        print("debian: %s not built (make image-debian)" % os.path.relpath(TREE, ROOT))
        print("debian: 0 passed, 1 failed, 0 skipped")
        return 1

    passed = failed = skipped = 0
    if opts.host_only:
        pending.update({n: "--host-only" for n in active})
        active = []
    elif opts.pending:
        active += list(pending)
        pending = {}
    for n, why in pending.items():
        problem = check_pending(n)
        if problem:
            print("FAIL %s (pending, host side): %s" % (n, problem))
            failed += 1
        else:
            print("skip %s: %s" % (n, why))
            skipped += 1
    expected = {n: run_host(n) for n in active}

    got, log, rc = {}, "", 0
    if active:
        if not os.path.isfile(IMAGE):
            print("debian: %s not built (make image-debian)" % os.path.relpath(IMAGE, ROOT))
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
    if active and log:
        print_enosys(got)
    if active and not got and log:
        print("\n".join(log.splitlines()[-30:]))
    print("debian: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    if passed == 0 and failed == 0 and not opts.host_only:
        print("debian: every scenario was skipped")
        return 1
    return 0 if failed == 0 and (passed > 0 or opts.host_only) else 1


if __name__ == "__main__":
    sys.exit(main())
