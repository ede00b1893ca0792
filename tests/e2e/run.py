#!/usr/bin/env python3
"""Pallas boot / end-to-end tests: boot the real image, check the serial log.

Each case boots an image through a runner, tools/run-qemu (the UEFI disk image;
QEMU TCG or KVM) or tools/run-bochs (the GRUB ISO; Bochs with VT-x or AMD-V),
reads the serial log and checks it.  Prints `ok NAME (T s, ...)` or
`FAIL NAME (T s): reason` with the tail of the log, and last the line
`e2e: N passed, N failed`.  Exit status 0 only when every selected case passed.

usage: tests/e2e/run.py [-j N] [--budget SECONDS] [--list] [NAME-SUBSTRING ...]

Logs: build/e2e/NAME.log (the serial log, cleaned of escape sequences) and
build/e2e/NAME.run-qemu.log or NAME.run-bochs.log (the runner's stderr: the
emulator's command line and messages, why it stopped).  Images built for a
case (corrupt kernels, a bad boot.cfg) are build/e2e/NAME.img.
"""

import argparse
import os
import random
import re
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(REPO, os.environ.get("BUILD", "build"))

# Serial-log conventions (see tests/e2e/README.md).
READY_RE = r"^pallas: ready\b"
READY_FULL_RE = re.compile(
    r"^pallas: ready \(version (\S+), (\d+) MiB usable, (\d+) CPUs?\)")
KERNEL_RE = r"^pallas: "
LOADER_ERR_RE = r"^pallas-boot: error:"
PANIC_RE = r"^PANIC: "
KTEST_SUM_RE = re.compile(r"^ktest: (\d+) passed, (\d+) failed\s*$")
KTEST_FAIL_RE = re.compile(r"^ktest: FAIL\b")
KTEST_SKIP_RE = re.compile(r"^ktest: skip (\S+?):")
KTEST_SKIPPED_RE = re.compile(r"^ktest: (\d+) skipped\s*$")
MEM_RE = re.compile(r"^mem: firmware usable (\d+) KiB, kernel usable (\d+) KiB "
                    r"\((\d+(?:\.\d+)?)%\)")
SYMBOL_OFF_RE = re.compile(r"\b[A-Za-z_][A-Za-z0-9_.]*\+0x[0-9a-fA-F]+\b")

VMX_RE = re.compile(r"^vmx:(.*)$")
SVM_RE = re.compile(r"^svm:(.*)$")
# The headline features cpu_features.c always names, as NAME or NAME=no.
VMX_HEADLINE = ("EPT", "VPID", "unrestricted-guest", "posted-interrupts")
SVM_HEADLINE = ("NPT", "NRIP-save", "decode-assists", "AVIC")

LOG_TAIL = 30           # lines of serial log shown with a failure
# A case's emulator is stopped when it prints nothing while it uses this much
# CPU time, or sits idle this long (tools/stall.py): a dead or stuck guest ends
# its case at once instead of at the timeout.  Several times the longest
# silence seen in a passing run (`# longest silence` in NAME.run-*.log).
STALL_DEFAULT = 60.0
WATCHDOG_SLACK = 30.0   # a runner gets this long past its own timeout


class Failed(Exception):
    """A case failed; the message is the reason."""


class Aborted(Exception):
    """The run was interrupted or ran out of its time budget."""


# ---------------------------------------------------------------- booting


class Runner:
    """A boot tool in tools/: how to call it and how to read its stderr."""

    def __init__(self, name, emulator, image_opt, image_attr, hint, pid_line, quiet):
        self.name = name                # tools/NAME, and the log suffix
        self.tool = os.path.join(REPO, "tools", name)
        self.emulator = emulator        # for messages: "QEMU", "Bochs"
        self.image_opt = image_opt      # its option naming the image
        self.image_attr = image_attr    # the Context attribute with the default image
        self.hint = hint                # how to build that image
        self.pid_line = pid_line        # the stderr line printed when the emulator starts
        self.quiet = quiet              # stderr line prefixes not worth showing

    def own(self, line):
        """A line of the runner's own (not the emulator's configuration)."""
        return line.startswith(self.name + ": ")

    def interesting(self, line):
        return not line.startswith(self.quiet)


QEMU = Runner("run-qemu", "QEMU", "--image", "image", " (make image)",
              "run-qemu: qemu pid ", ("run-qemu: exec ", "run-qemu: qemu pid "))
BOCHS = Runner("run-bochs", "Bochs", "--iso", "iso", " (make iso)",
               "run-bochs: bochs pid ", ("run-bochs: bochs pid ",))


class Boot:
    """One run of a runner: its serial lines with timestamps, its status."""

    def __init__(self, runner):
        self.runner = runner
        self.lines = []        # (seconds since the emulator started, text)
        self.stderr = []
        self.rc = None
        self.elapsed = 0.0     # wall time of the whole runner
        self.timeout = None

    def find(self, regex, start=0):
        """(index, time, match) of the first line from start matching regex."""
        r = re.compile(regex) if isinstance(regex, str) else regex
        for i in range(start, len(self.lines)):
            m = r.search(self.lines[i][1])
            if m:
                return i, self.lines[i][0], m
        return None

    def longest_silence(self):
        """The longest wall time between two serial lines, or before the first."""
        times = [0.0] + [t for t, _ in self.lines]
        return max((b - a for a, b in zip(times, times[1:])), default=0.0)

    def texts(self, start=0):
        return [text for _, text in self.lines[start:]]

    def stop_reason(self):
        """What the runner said about how it ended, for failure messages."""
        name = self.runner.name
        for line in reversed(self.stderr):
            if self.runner.own(line) and self.runner.interesting(line) and \
                    not line.startswith(f"{name}: boot.cfg: "):
                return line[len(name) + 2:]
        return f"{name} exited with status {self.rc}"


class Context:
    def __init__(self, opts):
        self.opts = opts
        self.image = opts.image
        self.iso = opts.iso
        self.outdir = os.path.join(BUILD, "e2e")
        self.deadline = time.monotonic() + opts.budget
        self.abort = threading.Event()
        self.abort_reason = "interrupted"
        self.lock = threading.Lock()       # guards procs and printing
        self.mkimage_lock = threading.Lock()
        self.procs = set()

    def remaining(self):
        return self.deadline - time.monotonic()

    def check_abort(self):
        if self.abort.is_set():
            raise Aborted(self.abort_reason)
        if self.remaining() < 10:
            raise Aborted("global time budget exhausted")

    def case_timeout(self, wanted):
        self.check_abort()
        # End the case by its own timeout a little before the budget runs out.
        return min(wanted, self.remaining() - 5)

    def print(self, text):
        with self.lock:
            sys.stdout.write(text + "\n")
            sys.stdout.flush()

    def terminate_all(self):
        with self.lock:
            procs = list(self.procs)
        for p in procs:
            if p.poll() is None:
                try:
                    p.terminate()  # the runner stops its emulator and cleans up
                except ProcessLookupError:
                    pass


def boot(ctx, name, args, timeout, image=None, runner=QEMU):
    """Boots image (default: the runner's image under test) through runner
    (QEMU: tools/run-qemu, BOCHS: tools/run-bochs) with the runner's args."""
    image = image or getattr(ctx, runner.image_attr)
    if not os.path.isfile(image):
        raise Failed(f"image {os.path.relpath(image, REPO)} not found{runner.hint}")
    t = ctx.case_timeout(timeout)
    cmd = [sys.executable, runner.tool, runner.image_opt, image, "--timeout", f"{t:g}",
           "--verbose"]
    stall = ctx.opts.stall or getattr(case_named(name), "stall", STALL_DEFAULT)
    if stall:
        cmd += ["--stall", f"{stall:g}"]
    cmd += args
    res = Boot(runner)
    res.timeout = t
    log_path = os.path.join(ctx.outdir, f"{name}.log")
    err_path = os.path.join(ctx.outdir, f"{name}.{runner.name}.log")
    start = time.monotonic()
    emu_start = start
    with ctx.lock:
        ctx.check_abort()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, cwd=REPO)
        ctx.procs.add(proc)
    sel = selectors.DefaultSelector()
    bufs = {proc.stdout.fileno(): b"", proc.stderr.fileno(): b""}
    for f in (proc.stdout, proc.stderr):
        os.set_blocking(f.fileno(), False)
        sel.register(f.fileno(), selectors.EVENT_READ)
    watchdog = start + t + WATCHDOG_SLACK
    killed = None
    try:
        with open(log_path, "w", encoding="utf-8") as log, \
                open(err_path, "w", encoding="utf-8") as err:
            err.write("$ " + shlex.join(cmd) + "\n")
            while bufs:
                now = time.monotonic()
                if killed is None and (ctx.abort.is_set() or now > watchdog):
                    killed = "abort" if ctx.abort.is_set() else "watchdog"
                    proc.terminate()
                    watchdog = now + 10   # then SIGKILL below
                elif killed is not None and now > watchdog:
                    proc.kill()
                    watchdog = now + 3600
                for key, _ in sel.select(0.5):
                    fd = key.fd
                    try:
                        data = os.read(fd, 65536)
                    except BlockingIOError:
                        continue
                    now = time.monotonic()
                    if not data:
                        sel.unregister(fd)
                        tail = bufs.pop(fd)
                        chunks = [tail] if tail else []
                    else:
                        bufs[fd] += data
                        *chunks, bufs[fd] = bufs[fd].split(b"\n")
                    for raw in chunks:
                        text = raw.decode("utf-8", "replace").rstrip("\r")
                        if fd == proc.stdout.fileno():
                            res.lines.append((now - emu_start, text))
                            log.write(text + "\n")
                            log.flush()
                        else:
                            res.stderr.append(text)
                            err.write(text + "\n")
                            err.flush()
                            if text.startswith(runner.pid_line):
                                emu_start = now
            res.rc = proc.wait()
            res.elapsed = time.monotonic() - start
            err.write(f"# {runner.name} exit status {res.rc}, {res.elapsed:.1f} s\n")
            err.write(f"# longest silence {res.longest_silence():.1f} s (wall)\n")
    finally:
        sel.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
        with ctx.lock:
            ctx.procs.discard(proc)
    if killed == "abort" or ctx.abort.is_set():
        raise Aborted(ctx.abort_reason)
    if killed == "watchdog":
        raise Failed(f"{runner.name} did not stop within {t + WATCHDOG_SLACK:.0f} s", res)
    return res


def fail(reason, res=None):
    raise Failed(reason, res)


def no_boot_problem(res, what):
    """Common failure reasons when res did not reach what it should have."""
    if res.rc == 124:
        fail(f"no {what} within {res.timeout:.0f} s", res)
    if res.rc == 1 and any("--fail" in line for line in res.stderr):
        fail(res.stop_reason(), res)
    fail(f"no {what}; {res.stop_reason()}", res)


# ---------------------------------------------------------------- images


def build_file(*parts):
    return os.path.join(BUILD, *parts)


def need_file(path, what, hint=" (make)"):
    if not os.path.isfile(path):
        fail(f"{what} {os.path.relpath(path, REPO)} not found{hint}")
    return path


def mkimage(ctx, name, kernel=None, cfg_text=None):
    """Builds build/e2e/NAME.img with the real loader and the given kernel bytes
    (None: no kernel at all) and boot.cfg text (None: boot/boot.cfg)."""
    tool = ctx.opts.mkimage
    if not os.access(tool, os.X_OK):
        fail(f"{os.path.relpath(tool, REPO)} not found or not executable")
    loader = need_file(build_file("boot", "BOOTX64.EFI"), "loader")
    out = os.path.join(ctx.outdir, f"{name}.img")
    if cfg_text is None:
        cfg = need_file(ctx.opts.boot_cfg, "boot.cfg", "")
    else:
        cfg = os.path.join(ctx.outdir, f"{name}.boot.cfg")
        with open(cfg, "w", encoding="utf-8") as f:
            f.write(cfg_text)
    if kernel is None:
        kernel_arg = "none"
    else:
        kernel_arg = os.path.join(ctx.outdir, f"{name}.kernel.elf")
        with open(kernel_arg, "wb") as f:
            f.write(kernel)
    cmd = [tool, "--out", out, "--loader", loader, "--kernel", kernel_arg, "--cfg", cfg]
    if os.path.exists(out):
        os.unlink(out)
    with ctx.mkimage_lock:
        ctx.check_abort()
        try:
            p = subprocess.run(cmd, cwd=REPO, stdin=subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               timeout=300)
        except subprocess.TimeoutExpired:
            fail("tools/mkimage took more than 300 s")
    if p.returncode != 0 or not os.path.isfile(out):
        tail = p.stdout.decode("utf-8", "replace").strip().splitlines()[-5:]
        fail(f"tools/mkimage failed (status {p.returncode}): " + " / ".join(tail))
    return out


def real_kernel():
    with open(need_file(build_file("kernel", "kernel.elf"), "kernel"), "rb") as f:
        return f.read()


# ---------------------------------------------------------------- cases

CASES = []


class Case:
    def __init__(self, name, fn, timeout, stall, doc):
        self.name, self.fn, self.timeout, self.doc = name, fn, timeout, doc
        self.stall = stall  # the runner's --stall: CPU seconds without a serial line


def case(name, timeout=90, stall=STALL_DEFAULT):
    def register(fn):
        doc = (fn.__doc__ or "").strip().split("\n")[0]
        CASES.append(Case(name, fn, timeout, stall, doc))
        return fn
    return register


def case_named(name):
    return next((c for c in CASES if c.name == name), None)


@case("boot_ready")
def boot_ready(ctx, c):
    """The default image reaches `pallas: ready`."""
    res = boot(ctx, c.name, ["--until", READY_RE, "--fail", PANIC_RE,
                             "--fail", LOADER_ERR_RE], c.timeout)
    hit = res.find(READY_RE)
    if hit is None:
        no_boot_problem(res, "`pallas: ready`")
    i, t, _ = hit
    if not READY_FULL_RE.search(res.lines[i][1]):
        fail("ready line does not read `pallas: ready (version V, N MiB usable, "
             f"C CPUs)`: {res.lines[i][1]!r}", res)
    return res, f"ready at {t:.1f} s"


def ktest_skips(res):
    """The names of the ktests that said they cannot run here."""
    return [m.group(1) for m in (KTEST_SKIP_RE.search(t) for t in res.texts()) if m]


def no_ktest_skipped(res):
    """For the cases whose emulator has VT-x or AMD-V: no VMM test may skip.
    Others may, for a feature the CPU model lacks (SMAP on qemu64), and are
    counted as skipped."""
    skips = [s for s in ktest_skips(res) if s.startswith("vmm_")]
    if skips:
        fail(f"{len(skips)} VMM ktest(s) skipped where virtualization is offered: "
             f"{', '.join(skips)}", res)


def check_ktest(res):
    """The log of a `ktest` boot: every test passed, then power-off.  Returns
    the number of tests passed."""
    fails = [t for t in res.texts() if KTEST_FAIL_RE.search(t)]
    hit = res.find(KTEST_SUM_RE)
    if hit is None:
        if fails:
            fail(f"no ktest summary; {len(fails)} failure(s), first: {fails[0]}", res)
        no_boot_problem(res, "`ktest: N passed, N failed` line")
    _, _, m = hit
    passed, failed = int(m.group(1)), int(m.group(2))
    if failed:
        first = f", first: {fails[0]}" if fails else ""
        fail(f"ktest: {passed} passed, {failed} failed{first}", res)
    if fails:
        fail(f"summary says 0 failed but the log has {len(fails)} `ktest: FAIL` "
             f"line(s), first: {fails[0]}", res)
    if passed == 0:
        fail("ktest ran no tests (0 passed)", res)
    skips = ktest_skips(res)
    said = res.find(KTEST_SKIPPED_RE)
    if len(skips) != (int(said[2].group(1)) if said else 0):
        fail(f"{len(skips)} `ktest: skip` line(s) but the summary says "
             f"{said[2].group(1) if said else 0} skipped", res)
    if res.rc != 0:
        how = ("did not power off" if res.rc == 124 else
               f"{res.runner.name} exit status {res.rc}, expected 0 from ACPI power-off")
        fail(f"ktest summary printed but {how}", res)
    return passed


@case("ktest", timeout=120)
def ktest(ctx, c):
    """`ktest`, 2 CPUs: all in-kernel tests pass, then ACPI power-off."""
    res = boot(ctx, c.name, ["--smp", "2", "--append", "ktest", "--fail", PANIC_RE,
                             "--fail", LOADER_ERR_RE], c.timeout)
    passed = check_ktest(res)
    skips = ktest_skips(res)
    return res, f"{passed} passed" + (f", {len(skips)} skipped (no VT-x or AMD-V here)"
                                     if skips else "")


ACPIDUMP_RE = re.compile(r"^acpidump: (\S{4}) ([0-9a-f]{4,}): ([0-9a-f]*)\s*$")
ACPIDUMP_END_RE = re.compile(r"^acpidump: end, (\d+) tables\s*$")
MADT_RE = re.compile(r"^acpi: MADT: (\d+) CPUs? \((\d+) enabled\), (\d+) IOAPICs?")


@case("acpidump")
def acpidump(ctx, c):
    """`acpidump` with 2 CPUs: the MADT line, every table whole in the dump, power-off."""
    res = boot(ctx, c.name, ["--smp", "2", "--append", "acpidump", "--fail", PANIC_RE,
                             "--fail", LOADER_ERR_RE], c.timeout)
    hit = res.find(ACPIDUMP_END_RE)
    if hit is None:
        no_boot_problem(res, "`acpidump: end, N tables` line")
    madt = res.find(MADT_RE)
    if madt is None or madt[2].group(1, 2, 3) != ("2", "2", "1"):
        fail("no `acpi: MADT: 2 CPUs (2 enabled), 1 IOAPIC` line", res)
    tables = []
    for text in res.texts():
        m = ACPIDUMP_RE.match(text)
        if not m:
            continue
        off, data = int(m.group(2), 16), bytes.fromhex(m.group(3))
        if off == 0:
            tables.append([m.group(1), b""])
        elif not tables or tables[-1][0] != m.group(1) or len(tables[-1][1]) != off:
            fail(f"dump line out of order: {text[:40]}", res)
        tables[-1][1] += data
    if len(tables) != int(hit[2].group(1)):
        fail(f"the end line says {hit[2].group(1)} tables, {len(tables)} were dumped", res)
    for sig, data in tables[1:]:  # the RSDP has no header; the rest must be whole
        whole = len(data) >= 36 and int.from_bytes(data[4:8], "little") == len(data)
        if not whole or sum(data) & 0xff:
            fail(f"{sig}: {len(data)} bytes dumped, not a whole table that sums to 0", res)
    sigs = {sig for sig, _ in tables}
    if not {"RSDP", "APIC", "FACP", "DSDT"} <= sigs:
        fail(f"dumped {sorted(sigs)}, missing RSDP, APIC, FACP or DSDT", res)
    if res.rc != 0:
        fail(f"QEMU exit status {res.rc}, expected 0 from ACPI power-off", res)
    return res, f"{len(tables)} tables: {' '.join(sig for sig, _ in tables)}"


def mem_case(size, ram_mib, min_usable_mib):
    name = f"mem_{size.lower()}"

    def run(ctx, c):
        res = boot(ctx, c.name, ["--mem", size, "--until", READY_RE, "--fail", PANIC_RE,
                                 "--fail", LOADER_ERR_RE], c.timeout)
        hit = res.find(MEM_RE)
        if hit is None:
            if res.find(READY_RE):
                fail("`pallas: ready` without a `mem: firmware usable A KiB, kernel "
                     "usable B KiB (P%)` line before it", res)
            no_boot_problem(res, "`mem:` line")
        _, _, m = hit
        a, b, p = int(m.group(1)), int(m.group(2)), float(m.group(3))
        figures = f"firmware usable {a} KiB, kernel usable {b} KiB, {m.group(3)}%"
        ram_kib = ram_mib * 1024
        problems = []
        if not 99.0 <= p <= 101.0:
            problems.append(f"P = {m.group(3)}% outside [99, 101]")
        if a > 0 and abs(p - 100.0 * b / a) > 0.011:
            problems.append(f"P = {m.group(3)}% but 100*B/A = {100.0 * b / a:.4f}")
        if a == 0:
            problems.append("A = 0")
        if a > ram_kib:
            problems.append(f"A = {a} KiB exceeds the {size} of RAM")
        if b > ram_kib:
            problems.append(f"B = {b} KiB exceeds the {size} of RAM")
        if b < min_usable_mib * 1024:
            problems.append(f"B = {b} KiB is below {min_usable_mib} MiB, implausible "
                            f"for {size} of RAM")
        if problems:
            fail("; ".join(problems) + f" ({figures})", res)
        if res.find(READY_RE) is None:
            no_boot_problem(res, "`pallas: ready` after the `mem:` line")
        return res, figures

    run.__doc__ = f"--mem {size}: the `mem:` line is plausible and P is within 99-101%."
    case(name, timeout=150 if ram_mib >= 8192 else 90)(run)


mem_case("128M", 128, 64)
mem_case("2G", 2048, 1792)
mem_case("8G", 8192, 7680)


def reset_case(machine, how):
    def run(ctx, c):
        res = boot(ctx, c.name, ["--machine", machine, "--append", "ktest=reset",
                                 "--fail", PANIC_RE, "--fail", LOADER_ERR_RE,
                                 "--fail", r"^pallas: reset failed"], c.timeout)
        hit = res.find(r"^pallas: resetting$")
        if hit is None:
            no_boot_problem(res, "`pallas: resetting` line")
        if res.rc != 0:
            no_boot_problem(res, "reset (QEMU runs with -no-reboot, so a reset ends it)")
        return res, f"reset at {hit[1]:.1f} s ({how})"

    run.__doc__ = f"`ktest=reset` on {machine}: the machine resets ({how})."
    case(f"reset_{machine}")(run)


reset_case("q35", "FADT reset register")
reset_case("pc", "no FADT reset register: port 0xcf9")


@case("panic_report")
def panic_report(ctx, c):
    """`ktest=panic panic=poweroff`: a full panic report, then power-off."""
    res = boot(ctx, c.name, ["--append", "ktest=panic panic=poweroff",
                             "--fail", LOADER_ERR_RE], c.timeout)
    hit = res.find(PANIC_RE)
    if hit is None:
        no_boot_problem(res, "`PANIC: ` line")
    i, t, _ = hit
    report = res.texts(i)
    text = "\n".join(report)
    problems = []
    if "ktest_trigger_page_fault" not in text:
        problems.append("report does not name ktest_trigger_page_fault")
    if not re.search(r"badc0ffe000", text, re.I):
        problems.append("report does not show the faulting address 0x00000badc0ffe000")
    if not re.search(r"\bcr2\b", text, re.I):
        problems.append("report has no cr2")
    if not any(SYMBOL_OFF_RE.search(line) for line in report[1:]):
        problems.append("report has no backtrace line (function+0xoff)")
    after = [line for line in report[1:]
             if re.search(READY_RE, line) or KTEST_SUM_RE.search(line)]
    if after:
        problems.append(f"the kernel went on after the panic: {after[0]!r}")
    if problems:
        fail("; ".join(problems), res)
    if res.rc != 0:
        how = ("QEMU still running at the timeout" if res.rc == 124 else
               f"run-qemu exit status {res.rc}")
        fail(f"no power-off after the panic despite panic=poweroff ({how})", res)
    return res, f"PANIC at {t:.1f} s"


def loader_rejects(ctx, c, image, names=None):
    """Boots image; the loader must print `pallas-boot: error:` and the kernel
    must never start.  names: the error (or the line after it) must contain
    one of these strings."""
    res = boot(ctx, c.name, ["--until", LOADER_ERR_RE, "--grace", "3",
                             "--fail", KERNEL_RE, "--fail", PANIC_RE], c.timeout,
               image=image)
    kernel = res.find(KERNEL_RE) or res.find(PANIC_RE)
    if kernel is not None:
        fail(f"the kernel started: {res.lines[kernel[0]][1]!r}", res)
    hit = res.find(LOADER_ERR_RE)
    if hit is None:
        no_boot_problem(res, "`pallas-boot: error:` line")
    i, _, _ = hit
    error = res.lines[i][1]
    if names:
        near = " ".join(res.texts(i)[:2])
        if not any(n in near for n in names):
            fail(f"the error does not name the bad line ({' or '.join(map(repr, names))}): "
                 f"{error!r}", res)
    return res, error


@case("kernel_missing")
def kernel_missing(ctx, c):
    """No kernel.elf on the ESP: a loader error, no kernel."""
    return loader_rejects(ctx, c, mkimage(ctx, c.name, kernel=None))


@case("kernel_truncated")
def kernel_truncated(ctx, c):
    """kernel.elf cut to its first 1000 bytes: a loader error, no kernel."""
    return loader_rejects(ctx, c, mkimage(ctx, c.name, kernel=real_kernel()[:1000]))


@case("kernel_foreign")
def kernel_foreign(ctx, c):
    """kernel.elf with e_machine = AArch64 (0xB7): a loader error, no kernel."""
    elf = bytearray(real_kernel())
    if elf[:4] != b"\x7fELF" or elf[18:20] != b"\x3e\x00":
        fail("build/kernel/kernel.elf is not an x86-64 ELF file")
    elf[18:20] = b"\xb7\x00"
    return loader_rejects(ctx, c, mkimage(ctx, c.name, kernel=bytes(elf)))


@case("kernel_garbage")
def kernel_garbage(ctx, c):
    """kernel.elf of 64 KiB of (seeded) random bytes: a loader error, no kernel."""
    data = random.Random(0x9A11A5).randbytes(64 * 1024)
    assert data[:4] != b"\x7fELF"
    return loader_rejects(ctx, c, mkimage(ctx, c.name, kernel=data))


BAD_CFG_LINE = "this is not a key value"


@case("boot_cfg_bad")
def boot_cfg_bad(ctx, c):
    """boot.cfg with a malformed line: a loader error naming the line."""
    path = need_file(ctx.opts.boot_cfg, "boot.cfg", "")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if text and not text.endswith("\n"):
        text += "\n"
    lineno = text.count("\n") + 1
    text += BAD_CFG_LINE + "\n"
    image = mkimage(ctx, c.name, cfg_text=text)
    return loader_rejects(ctx, c, image,
                          names=[BAD_CFG_LINE, f"line {lineno}", f":{lineno}:"])


# ---------------------------------------------------------------- ready line, CPUs


def ready_line(res):
    """(time, version, MiB, CPUs) of the full `pallas: ready (...)` line."""
    hit = res.find(READY_RE)
    if hit is None:
        no_boot_problem(res, "`pallas: ready`")
    i, t, _ = hit
    m = READY_FULL_RE.search(res.lines[i][1])
    if not m:
        fail("ready line does not read `pallas: ready (version V, N MiB usable, "
             f"C CPUs)`: {res.lines[i][1]!r}", res)
    return t, m.group(1), int(m.group(2)), int(m.group(3))


def smp_case(n):
    def run(ctx, c):
        res = boot(ctx, c.name, ["--smp", str(n), "--until", READY_RE, "--fail", PANIC_RE,
                                 "--fail", LOADER_ERR_RE], c.timeout)
        t, _, _, cpus = ready_line(res)
        if cpus != n:
            fail(f"booted with --smp {n} but the ready line reports {cpus} CPU(s)", res)
        word = "CPU" if n == 1 else "CPUs"
        if res.find(rf"^smp: {n} {word} online$") is None:
            fail(f"no `smp: {n} {word} online` line before the ready line", res)
        return res, f"{cpus} CPU{'s' if cpus != 1 else ''} at {t:.1f} s"

    run.__doc__ = f"--smp {n}: the ready line reports {n} CPU{'s' if n != 1 else ''}."
    case(f"smp_{n}", timeout=120 if n >= 4 else 90)(run)


smp_case(1)
smp_case(2)
smp_case(4)


# ---------------------------------------------------------------- CPU features


def cpu_features(res, family, headline, before=None):
    """{feature: present} from the `vmx:` or `svm:` line, which must name every
    headline feature first, in order, as NAME or NAME=no (kernel/README.md)."""
    hit = res.find(rf"^{family}:")
    if hit is None or (before is not None and hit[0] > before):
        no_boot_problem(res, f"`{family}:` line" +
                        (" before `pallas: ready`" if before is not None else ""))
    line = res.lines[hit[0]][1]
    words = line[len(family) + 1:].split(" (")[0].split()
    features = {}
    for w in words:
        name, absent = (w[:-3], True) if w.endswith("=no") else (w, False)
        features[name] = not absent
    first = [w[:-3] if w.endswith("=no") else w for w in words[:len(headline)]]
    if first != list(headline):
        fail(f"`{family}:` line does not start with {' '.join(headline)} (each NAME "
             f"or NAME=no): {line!r}", res)
    return line, features


def require_features(res, line, features, names):
    missing = [n for n in names if not features.get(n)]
    if missing:
        fail(f"CPU feature line lacks {', '.join(missing)}: {line!r}", res)


def yes_no(features, names):
    return " ".join(f"{n}={'yes' if features.get(n) else 'no'}" for n in names)


@case("svm_features")
def svm_features(ctx, c):
    """QEMU TCG with qemu64,+svm,+npt: an `svm:` line naming NPT, no `vmx:` line."""
    res = boot(ctx, c.name, ["--accel", "tcg", "--cpu", "qemu64,+svm,+npt",
                             "--until", READY_RE, "--fail", PANIC_RE,
                             "--fail", LOADER_ERR_RE], c.timeout)
    i = res.find(READY_RE)
    if i is None:
        no_boot_problem(res, "`pallas: ready`")
    line, features = cpu_features(res, "svm", SVM_HEADLINE, before=i[0])
    require_features(res, line, features, ["NPT"])
    vmx = res.find(VMX_RE)
    if vmx is not None:
        fail(f"an SVM CPU model printed a `vmx:` line: {res.lines[vmx[0]][1]!r}", res)
    return res, yes_no(features, SVM_HEADLINE)


TTYECHO_PROMPT_RE = r"^ttyecho: type a line"
TTYECHO_READ_RE = r"^ttyecho: read"
# Typed at COM1: an erase (DEL), and CR for the line's end (ICRNL).
TTYECHO_TYPED = b"hello pallas\x7fS\r"
TTYECHO_WANT = 'ttyecho: read 13 bytes: "hello pallaS\\n"'


@case("tty_input")
def tty_input(ctx, c):
    """`ttyecho`: a line typed at COM1 is echoed, edited and read back."""
    typed = os.path.join(ctx.outdir, f"{c.name}.typed")
    with open(typed, "wb") as f:
        f.write(TTYECHO_TYPED)
    res = boot(ctx, c.name, ["--append", "ttyecho", "--input", typed,
                             "--input-after", TTYECHO_PROMPT_RE,
                             "--until", TTYECHO_READ_RE, "--fail", PANIC_RE,
                             "--fail", LOADER_ERR_RE], c.timeout)
    prompt = res.find(TTYECHO_PROMPT_RE)
    if prompt is None:
        no_boot_problem(res, "`ttyecho: type a line`")
    hit = res.find(TTYECHO_READ_RE)
    if hit is None:
        fail("the typed line was never read (no `ttyecho: read` line)", res)
    got = res.lines[hit[0]][1].strip()
    if got != TTYECHO_WANT:
        fail(f"read back {got!r}, expected {TTYECHO_WANT!r}", res)
    # The echo: the line as typed, its erase shown as a blank (the log
    # drops the backspaces).
    echoed = [t for _, t in res.lines[prompt[0] + 1:hit[0]]]
    if not any("hello pallas S" in t for t in echoed):
        fail(f"no echo of the typed line between prompt and read: {echoed!r}", res)
    return res, f"read back at {hit[1]:.1f} s"


SHELL_PROMPT_RE = r"pallas:.*# "
SHELL_DONE_RE = r"^shell-done$"
# Typed at the CT0 shell, all at once after its first prompt: a pipeline,
# a background job listed, killed and waited for (job control), an erase,
# cursor keys moving back into a line (ESC [ D), and history (ESC [ A).
SHELL_TYPED = (b"echo $((6*7)) | cat\r"
               b"sleep 30 &\r"
               b"jobs\r"
               # Killed only once it is sleep (its comm after the exec): before,
               # the forked shell may still ignore SIGTERM, as an
               # interactive shell does.
               b"until [ \"$(cat /proc/$!/comm)\" = sleep ]; do :; done\r"
               b"kill %1; wait %1; echo job-gone $?\r"
               b"echo hellp\x7fo\r"
               b"echo abc\x1b[D\x1b[DX\r"
               b"\x1b[A\r"
               b"echo shell-done\r"
               b"poweroff\r")
SHELL_POWEROFF_RE = r"^pallas: powering off"


@case("ct0_shell", timeout=150)
def ct0_shell(ctx, c):
    """The default image ends at CT0's busybox shell: typed commands run,
    with pipes, job control and line editing, and `poweroff` powers off."""
    typed = os.path.join(ctx.outdir, f"{c.name}.typed")
    with open(typed, "wb") as f:
        f.write(SHELL_TYPED)
    res = boot(ctx, c.name, ["--input", typed, "--input-after", SHELL_PROMPT_RE,
                             "--until", SHELL_POWEROFF_RE, "--fail", PANIC_RE,
                             "--fail", LOADER_ERR_RE], c.timeout)
    prompt = res.find(SHELL_PROMPT_RE)
    if prompt is None:
        no_boot_problem(res, "the shell's prompt")
    done = res.find(SHELL_DONE_RE, prompt[0])
    if done is None:
        fail("the typed commands did not all run (no `shell-done` line)", res)
    out = [t.strip() for _, t in res.lines[prompt[0]:done[0]]]
    want = [("the pipeline's output", lambda t: t == "42"),
            ("the background job listed as running",
             lambda t: t.startswith("[1]") and "Running" in t and "sleep 30" in t),
            ("the killed job waited for (status 143)", lambda t: t == "job-gone 143"),
            ("the erase applied", lambda t: t == "hello"),
            ("the cursor keys' insertion", lambda t: t == "aXbc")]
    for what, ok in want:
        if not any(ok(t) for t in out):
            fail(f"no line with {what} between prompt and end: {out!r}", res)
    if sum(1 for t in out if t == "aXbc") < 2:
        fail(f"history (up arrow) did not run the last line again: {out!r}", res)
    if any("job control turned off" in t for t in out):
        fail("the shell has no job control", res)
    off = res.find(SHELL_POWEROFF_RE, done[0])
    if off is None:
        fail("`poweroff` did not power the machine off", res)
    return res, f"shell done at {done[1]:.1f} s, powered off at {off[1]:.1f} s"


# ---------------------------------------------------------------- Bochs (GRUB ISO)


@case("bochs_ready", timeout=120)
def bochs_ready(ctx, c):
    """Bochs (corei7_skylake_x, GRUB ISO): ready, `vmx:` has EPT, unrestricted-guest."""
    res = boot(ctx, c.name, ["--until", READY_RE, "--fail", PANIC_RE], c.timeout,
               runner=BOCHS)
    t, _, _, cpus = ready_line(res)
    if cpus != 1:
        fail(f"one CPU in Bochs but the ready line reports {cpus}", res)
    i = res.find(READY_RE)[0]
    line, features = cpu_features(res, "vmx", VMX_HEADLINE, before=i)
    require_features(res, line, features, ["EPT", "unrestricted-guest"])
    svm = res.find(SVM_RE)
    if svm is not None:
        fail(f"a VT-x CPU model printed an `svm:` line: {res.lines[svm[0]][1]!r}", res)
    return res, (f"ready at {t:.1f} s, Bochs wall time {res.elapsed:.1f} s, "
                 f"{yes_no(features, VMX_HEADLINE)}")


@case("bochs_svm", timeout=120)
def bochs_svm(ctx, c):
    """Bochs ryzen: `pallas: ready`, `svm:` with NPT and NRIP save, no `vmx:`."""
    res = boot(ctx, c.name, ["--cpu", "ryzen", "--until", READY_RE, "--fail", PANIC_RE],
               c.timeout, runner=BOCHS)
    t, _, _, _ = ready_line(res)
    i = res.find(READY_RE)[0]
    line, features = cpu_features(res, "svm", SVM_HEADLINE, before=i)
    require_features(res, line, features, ["NPT", "NRIP-save"])
    vmx = res.find(VMX_RE)
    if vmx is not None:
        fail(f"an SVM CPU model printed a `vmx:` line: {res.lines[vmx[0]][1]!r}", res)
    return res, (f"ready at {t:.1f} s, Bochs wall time {res.elapsed:.1f} s, "
                 f"{yes_no(features, SVM_HEADLINE)}")


@case("bochs_ktest", timeout=300, stall=150)
def bochs_ktest(ctx, c):
    """Bochs, 4 CPUs (x2APIC, TSC-deadline), `ktest`: all pass, then power-off (status 0)."""
    res = boot(ctx, c.name, ["--smp", "4", "--append", "ktest", "--fail", PANIC_RE], c.timeout,
               runner=BOCHS)
    passed = check_ktest(res)
    no_ktest_skipped(res)
    return res, f"{passed} passed, Bochs wall time {res.elapsed:.1f} s"


VMTEST_SUM_RE = re.compile(r"^vmtest: (\d+) passed, (\d+) failed\s*$")
VMTEST_OK_RE = re.compile(r"^vmtest: ok (\S+) \((.*)\)$")
GUEST_MANIFEST = os.path.join(REPO, "tests", "guests", "guests.txt")


def manifest_guests():
    """[(name, vcpus, mem_mib, expect)] in the order the ISO carries them."""
    rows = []
    with open(GUEST_MANIFEST, encoding="utf-8") as f:
        for line in f:
            cols = line.split()
            if len(cols) >= 4 and not cols[0].startswith("#"):
                rows.append(tuple(cols[:4]))
    return rows


def check_vmtest(res):
    """The log of a `vmtest=all` boot: every test guest in a VM behaved as the
    manifest expects, in the order the boot modules list them, then power-off.
    Returns the number of guests that passed."""
    hit = res.find(VMTEST_SUM_RE)
    fails = [t for t in res.texts() if t.startswith("vmtest: FAIL")]
    if hit is None:
        no_boot_problem(res, "`vmtest: N passed, N failed` line")
    passed, failed = int(hit[2].group(1)), int(hit[2].group(2))
    if failed or fails:
        fail(f"vmtest: {passed} passed, {failed} failed; first: {fails[0] if fails else '?'}",
             res)
    guests = manifest_guests()
    want = len(guests) + 1  # the first passing guest runs again at the end
    if passed != want:
        fail(f"vmtest ran {passed} guests, the boot modules carry {want}", res)
    oks = [m.group(1) for m in (VMTEST_OK_RE.search(t) for t in res.texts()) if m]
    order = [g[0] for g in guests] + [next(g[0] for g in guests if g[3] == "pass")]
    if oks != order:
        fail(f"guests passed in the order {oks}, expected {order}", res)
    if res.rc != 0:
        fail(f"vmtest summary printed but {res.runner.name} exit status {res.rc}, "
             "expected 0", res)
    return passed


@case("bochs_vmtest", timeout=900, stall=300)
def bochs_vmtest(ctx, c):
    """Bochs (VT-x), `vmtest=all`: every test guest in a VM behaves as the
    manifest expects; the misbehaving ones are followed by guests that pass."""
    res = boot(ctx, c.name, ["--smp", "2", "--mem", "2048", "--append", "vmtest=all",
                             "--fail", PANIC_RE], c.timeout, runner=BOCHS)
    passed = check_vmtest(res)
    return res, f"{passed} guests passed, Bochs wall time {res.elapsed:.1f} s"


# `vmtest.echo`: the VMM copies each guest console line into the host log as
# `NAME@SECONDS| LINE`, SECONDS the host's clock when the line's first
# character came (vmm/core/vm.c).
ECHO_RE = re.compile(r"^([^@|\s]+)@(\d+\.\d+)\| (.*)$")
LINUX_INIT_RE = re.compile(r"^linux guest: (\S+), (\d+) CPUs?, uptime ([\d.]+) s")
HOST_TSC_RE = re.compile(r"^time: TSC at ([\d.]+) MHz")
# Linux's printk prefix, `[seconds.micros]`, from its local_clock().
PRINTK_TIME_RE = re.compile(r"^\[\s*(\d+\.\d+)\]")

CLOCK_MIN_LINES = 8       # timestamped lines needed to say anything
CLOCK_MIN_SPAN = 1.0      # host seconds the steady stretch must cover at least...
CLOCK_MIN_SHARE = 1 / 3   # ...and at least this share of the timestamped lines' span
# A floor of offsets is straight to within this (host seconds): a guest that
# keeps time by jiffies stamps its lines up to a 4 ms tick late.
CLOCK_NOISE = 0.005


def echoed(res, vm):
    """[(host seconds, text)]: the console lines of guest vm the host echoed."""
    out = []
    for t in res.texts():
        m = ECHO_RE.match(t)
        if m and m.group(1) == vm:
            out.append((float(m.group(2)), m.group(3)))
    return out


class ClockDrift:
    """The guest clock's pace against the host's over the steady stretch of a
    boot: error is guest seconds per host second, minus 1 (> 0: fast)."""

    def __init__(self, error, host_from, host_span, guest_from, guest_span, steady_span,
                 total_span, lines):
        self.error = error
        # The two floor points measured between, host and guest times.
        self.host_from, self.host_span = host_from, host_span
        self.guest_from, self.guest_span = guest_from, guest_span
        # Host seconds from the first floor point, and from the first
        # timestamped line, to the last timestamped line.
        self.steady_span, self.total_span = steady_span, total_span
        self.lines = lines  # timestamped lines

    def __repr__(self):
        return (f"ClockDrift({self.error * 100:+.4f} %, {self.guest_span:.6f} guest s in "
                f"{self.host_span:.6f} host s from guest {self.guest_from:.6f} s, steady "
                f"{self.steady_span:.3f} s of {self.total_span:.3f} s, {self.lines} lines)")


def linux_clock_drift(lines, tolerance):
    """How Linux's clock paced the host's: lines are [(host seconds, text)],
    the echoed console, whose printk lines start `[seconds]` in Linux's time.
    Raises ValueError, saying why, when too few lines carry a timestamp.

    A line's offset, host time minus its printk time, is the clocks' offset
    plus the console's latency, which only ever adds.  The minimum offset of
    each run of lines (its floor) therefore tracks the clocks' offset, and a
    rate error makes the floor a sloped line.  Early on, before Linux has a
    clocksource, its clock follows jiffies and loses ticks in an emulator, so
    the floor bends: the measure is the slope over the longest final stretch
    where it is straight, to within CLOCK_NOISE or a tenth of the tolerance
    over the stretch, whichever is more."""
    pts = []
    for host, text in lines:
        m = PRINTK_TIME_RE.match(text)
        # Before Linux starts its clock every line says 0.000000.
        if m and float(m.group(1)) > 0:
            pts.append((host, float(m.group(1))))
    if len(pts) < CLOCK_MIN_LINES:
        raise ValueError(f"{len(pts)} of the guest's {len(lines)} echoed console lines carry a "
                         f"Linux timestamp past 0, {CLOCK_MIN_LINES} needed")
    pts.sort()
    # Runs of about a sixteenth of the lines: enough for one in each to have
    # come out promptly, enough runs to see where the floor bends.
    size = max(4, len(pts) // 16)
    runs = [pts[i:i + size] for i in range(0, len(pts) - len(pts) % size, size)]
    runs[-1] += pts[len(runs) * size:]
    floor = [min(r, key=lambda p: p[0] - p[1]) for r in runs]

    def offset(p):
        return p[0] - p[1]

    last = floor[-1]
    start = len(floor) - 2
    for j in range(len(floor) - 3, -1, -1):
        a = floor[j]
        span = last[0] - a[0]
        if span <= 0:
            break
        slope = (offset(last) - offset(a)) / span
        slack = max(CLOCK_NOISE, tolerance * span / 10)
        if any(abs(offset(f) - offset(a) - slope * (f[0] - a[0])) > slack
               for f in floor[j + 1:-1]):
            break
        start = j
    first = floor[start]
    host_span, guest_span = last[0] - first[0], last[1] - first[1]
    if host_span <= 0:
        raise ValueError(f"the guest's timestamped lines span {host_span:.3f} s of host time")
    return ClockDrift(guest_span / host_span - 1, first[0], host_span, first[1], guest_span,
                      pts[-1][0] - first[0], pts[-1][0] - pts[0][0], len(pts))


def check_linux_clock(lines, tolerance, host_mhz=None):
    """Linux's clock in the guest kept the host's pace to within tolerance (a
    fraction) over a steady stretch of the boot.  Returns the detail for the
    ok line; raises Failed."""
    host = f"the host's TSC runs at {host_mhz:.3f} MHz" if host_mhz else "no host TSC rate"
    try:
        d = linux_clock_drift(lines, tolerance)
    except ValueError as e:
        raise Failed(f"cannot compare the guest's clock with the host's: {e} ({host})")
    if d.total_span < CLOCK_MIN_SPAN:
        raise Failed(f"cannot compare the guest's clock with the host's: its timestamped "
                     f"lines span {d.total_span:.3f} s of host time, {CLOCK_MIN_SPAN:g} s "
                     f"needed ({host})")
    where = (f"{d.guest_span:.3f} s of guest time in {d.host_span:.3f} s of host time, "
             f"from {d.guest_from:.1f} s of guest time")
    if d.host_span < CLOCK_MIN_SPAN or d.steady_span < CLOCK_MIN_SHARE * d.total_span:
        raise Failed(f"the guest's clock kept a steady pace only for the last "
                     f"{d.steady_span:.3f} s of the {d.total_span:.3f} s of host time its "
                     f"timestamped lines span ({d.error * 100:+.3f} % off the host's over "
                     f"{where}): it changed pace late in the boot ({host})")
    if abs(d.error) > tolerance:
        as_if = f"; it keeps time as if its TSC ran at {host_mhz * (1 + d.error):.3f} MHz" \
            if host_mhz else ""
        raise Failed(f"the guest's clock is {d.error * 100:+.3f} % off the host's, more than "
                     f"{tolerance * 100:g} %: {where}{as_if}, {host}")
    return (f"guest clock {d.error * 100:+.3f} % from the host's over {d.host_span:.1f} s "
            f"(steady from {d.guest_from:.1f} s of guest time)")


def check_linux(res, cpus, clock_tolerance):
    """The Linux guest ran alone and passed: its init counted `cpus` CPUs,
    printed the marker, and the VM powered off; Linux's clock kept the host's
    pace to within clock_tolerance (a fraction).  Returns the init's
    (kernel release, uptime, clock detail)."""
    hit = res.find(VMTEST_SUM_RE)
    if hit is None:
        no_boot_problem(res, "`vmtest: N passed, N failed` line")
    passed, failed = int(hit[2].group(1)), int(hit[2].group(2))
    if (passed, failed) != (1, 0):
        fail(f"vmtest: {passed} passed, {failed} failed; wanted the Linux guest alone to pass",
             res)
    console = echoed(res, "linux")
    init = next((m for m in (LINUX_INIT_RE.search(t) for _, t in console) if m), None)
    if init is None:
        fail("the guest's init did not print its `linux guest: ...` line", res)
    if not any(t == "guest: PASS linux" for _, t in console):
        fail("the guest's console has no `guest: PASS linux` marker", res)
    ok = res.find(VMTEST_OK_RE)
    if ok is None or ok[2].group(1) != "linux":
        fail("no `vmtest: ok linux` line", res)
    if int(init.group(2)) != cpus:
        fail(f"the guest's init counted {init.group(2)} CPUs in /proc/cpuinfo, "
             f"the VM has {cpus}", res)
    # A wrong TSC rate makes the guest's clock drift and its timekeeping
    # watchdog give up on the TSC.  What rate Linux found, and how it says so,
    # depends on the kernel and on how busy the host is; its clock's pace
    # against the host's does not.
    host = res.find(HOST_TSC_RE)
    try:
        clock = check_linux_clock(console, clock_tolerance,
                                  float(host[2].group(1)) if host else None)
    except Failed as e:
        fail(e.args[0], res)
    return init.group(1), float(init.group(3)), clock


def linux_package():
    """The kernel package the guest was built from, as tools/guest-linux
    recorded it (the archive may have moved on from the version the suite
    records in tests/guests/linux/packages)."""
    try:
        with open(build_file("guests", "linux", "VERSION"), encoding="utf-8") as f:
            return f.readline().strip() or "an unrecorded package"
    except OSError:
        return "an unrecorded package"


@case("bochs_linux", timeout=1200, stall=600)
def bochs_linux(ctx, c):
    """Bochs (VT-x), `vmtest=linux`: Debian's kernel boots in a 2-vCPU Pallas VM
    to its busybox init, which prints the marker and powers the VM off."""
    iso = os.path.join(os.path.dirname(ctx.iso), "pallas-linux.iso")
    res = boot(ctx, c.name, ["--smp", "2", "--mem", "1024",
                             "--append", "vmtest=linux vmtest.echo",
                             "--fail", PANIC_RE], c.timeout, image=iso, runner=BOCHS)
    # On Intel, Linux takes the TSC rate from CPUID leaf 0x15, which Pallas
    # fills with the host's.
    kernel, uptime, clock = check_linux(res, 2, 0.001)
    return res, (f"Linux {kernel} ({linux_package()}) on 2 vCPUs to init in {uptime:.0f} s "
                 f"of guest time, {clock}, Bochs wall time {res.elapsed:.1f} s")


# ---------------------------------------------------------------- AMD-V in QEMU TCG

SVM_CPU = "qemu64,+svm,+npt"  # what QEMU TCG emulates: NPT, no NRIP save, no decode assists
SVM_BACKEND_RE = re.compile(r"^vmm: svm backend on (\d+) CPUs?$")
NO_VIRT_RE = re.compile(r"no virtualization")


def require_svm_backend(res, cpus):
    """The VMM chose the AMD-V backend on every CPU, and nothing fell back to
    the no-virtualization path."""
    hit = res.find(SVM_BACKEND_RE)
    if hit is None and res.rc != 0:
        no_boot_problem(res, "`vmm: svm backend on N CPUs` line")
    if hit is None:
        fail("no `vmm: svm backend on N CPUs` line: the VMM did not pick AMD-V", res)
    if int(hit[2].group(1)) != cpus:
        fail(f"svm backend enabled on {hit[2].group(1)} CPUs, expected {cpus}", res)
    refused = [t for t in res.texts() if NO_VIRT_RE.search(t)]
    if refused:
        fail(f"a VM was refused under SVM: {refused[0]}", res)


@case("qemu_svm_vmtest", timeout=600)
def qemu_svm_vmtest(ctx, c):
    """QEMU TCG (AMD-V with NPT), `vmtest=all`: every test guest, from the UEFI
    image's boot modules, behaves as the manifest expects (as bochs_vmtest)."""
    res = boot(ctx, c.name, ["--accel", "tcg", "--cpu", SVM_CPU, "--smp", "2",
                             "--mem", "2048", "--append", "vmtest=all", "--fail", PANIC_RE,
                             "--fail", LOADER_ERR_RE], c.timeout)
    require_svm_backend(res, 2)
    passed = check_vmtest(res)
    return res, f"{passed} guests passed, QEMU wall time {res.elapsed:.1f} s"


VMM_KTEST_OK_RE = re.compile(r"^ktest: ok (vmm_\S+)")


@case("qemu_svm_ktest", timeout=180)
def qemu_svm_ktest(ctx, c):
    """QEMU TCG (AMD-V with NPT), 2 CPUs, `ktest`: all pass with the VMM tests
    running real VMs on the svm backend, then power-off."""
    res = boot(ctx, c.name, ["--accel", "tcg", "--cpu", SVM_CPU, "--smp", "2",
                             "--append", "ktest", "--fail", PANIC_RE,
                             "--fail", LOADER_ERR_RE], c.timeout)
    passed = check_ktest(res)
    no_ktest_skipped(res)
    require_svm_backend(res, 2)
    vmm = [m.group(1) for m in (VMM_KTEST_OK_RE.search(t) for t in res.texts()) if m]
    if len(vmm) < 5:
        fail(f"only {len(vmm)} vmm_* ktests passed ({', '.join(vmm)}), expected at least 5",
             res)
    if res.find(r"^vmm: bench: \d+ CPUID exits") is None:
        fail("vmm_cpuid_exit_cost printed no `vmm: bench:` line", res)
    return res, f"{passed} passed, {len(vmm)} of them VMM tests on SVM"


@case("qemu_svm_linux", timeout=600)
def qemu_svm_linux(ctx, c):
    """QEMU TCG (AMD-V with NPT), `vmtest=linux`: the Linux guest of bochs_linux
    boots on 2 vCPUs to its init under the SVM backend."""
    image = os.path.join(os.path.dirname(ctx.image), "pallas-linux.img")
    res = boot(ctx, c.name, ["--accel", "tcg", "--cpu", SVM_CPU, "--smp", "2",
                             "--mem", "1024", "--append", "vmtest=linux vmtest.echo",
                             "--fail", PANIC_RE, "--fail", LOADER_ERR_RE],
               c.timeout, image=image)
    require_svm_backend(res, 2)
    # On AMD, Linux measures the TSC against the virtual PIT or PM timer
    # itself, which a loaded host skews (or defeats: then Linux keeps time by
    # the PM timer): only a gross error fails.
    kernel, uptime, clock = check_linux(res, 2, 0.05)
    return res, (f"Linux {kernel} ({linux_package()}) on 2 vCPUs to init in {uptime:.1f} s "
                 f"of guest time, {clock}, QEMU wall time {res.elapsed:.1f} s")


# ---------------------------------------------------------------- runner


def run_case(ctx, c):
    start = time.monotonic()
    for suffix in (".log", ".run-qemu.log", ".run-bochs.log"):
        try:
            os.unlink(os.path.join(ctx.outdir, c.name + suffix))
        except FileNotFoundError:
            pass
    res = None
    try:
        ctx.check_abort()
        res, detail = c.fn(ctx, c)
        ok, reason = True, None
    except Failed as e:
        ok, reason = False, e.args[0]
        if len(e.args) > 1:
            res = e.args[1]
    except Aborted as e:
        ok, reason = False, f"not run to the end: {e.args[0]}"
    except Exception as e:  # a bug in the harness must not hide the other results
        ok, reason = False, f"harness error: {type(e).__name__}: {e}"
    elapsed = time.monotonic() - start
    if ok:
        extra = f", {detail}" if detail else ""
        ctx.print(f"ok {c.name} ({elapsed:.1f} s{extra})")
        return True
    out = [f"FAIL {c.name} ({elapsed:.1f} s): {reason}"]
    if res is not None:
        log = os.path.relpath(os.path.join(ctx.outdir, c.name + ".log"), REPO)
        name = res.runner.name
        out.append(f"    --- last {LOG_TAIL} lines of {log} "
                   f"({name} status {res.rc}, {res.elapsed:.1f} s) ---")
        out += [f"    | {t}" for t in res.texts()[-LOG_TAIL:]]
        extra = [line for line in res.stderr if res.runner.interesting(line) and
                 (res.runner is QEMU or res.runner.own(line))]
        if extra:
            out.append(f"    --- {name} stderr ---")
            out += [f"    | {line}" for line in extra[-8:]]
    ctx.print("\n".join(out))
    return False


def main(argv):
    p = argparse.ArgumentParser(
        prog="tests/e2e/run.py",
        description="Pallas boot / end-to-end tests (QEMU + OVMF, Bochs + GRUB; "
                    "serial log checks).",
        epilog="Cases are selected by name substring: `run.py mem` runs mem_128m, "
               "mem_2g and mem_8g.  Logs go to build/e2e/NAME.log.")
    p.add_argument("names", nargs="*", metavar="NAME",
                   help="run only cases whose name contains one of these")
    p.add_argument("-j", "--jobs", type=int, default=int(os.environ.get("E2E_JOBS", 2)),
                   metavar="N", help="cases run at the same time (default $E2E_JOBS, "
                                     "else 2)")
    p.add_argument("--budget", type=float, default=1200, metavar="SECONDS",
                   help="time budget for the whole run (default 1200)")
    p.add_argument("--image", default=build_file("pallas.img"), metavar="PATH",
                   help="image under test (default build/pallas.img)")
    p.add_argument("--iso", default=build_file("pallas.iso"), metavar="PATH",
                   help="GRUB ISO for the Bochs cases (default build/pallas.iso)")
    p.add_argument("--mkimage", default=os.path.join(REPO, "tools", "mkimage"),
                   metavar="PATH", help="image builder for the corrupt-image cases "
                                        "(default tools/mkimage)")
    p.add_argument("--boot-cfg", default=os.path.join(REPO, "boot", "boot.cfg"),
                   metavar="PATH", help="boot.cfg for the images the harness builds "
                                        "(default boot/boot.cfg)")
    p.add_argument("--stall", type=float, metavar="SECONDS",
                   help="every case's --stall limit (default: each case's own)")
    p.add_argument("-l", "--list", action="store_true", help="list the cases and exit")
    opts = p.parse_args(argv)
    if opts.jobs < 1:
        p.error("-j must be at least 1")
    opts.image = os.path.abspath(opts.image)
    opts.iso = os.path.abspath(opts.iso)
    opts.mkimage = os.path.abspath(opts.mkimage)
    opts.boot_cfg = os.path.abspath(opts.boot_cfg)

    def selected(c):
        return not opts.names or any(n in c.name for n in opts.names)

    if opts.list:
        for c in CASES:
            if not opts.names or any(n in c.name for n in opts.names):
                print(f"{c.name:18} {c.timeout:4d} s  {c.doc}")
        return 0
    cases = [c for c in CASES if selected(c)]
    if not cases:
        print(f"e2e: no case matches {' '.join(opts.names)} (try --list)", file=sys.stderr)
        return 2

    ctx = Context(opts)
    os.makedirs(ctx.outdir, exist_ok=True)
    results = {}

    def worker(c):
        results[c.name] = run_case(ctx, c)

    def on_term(signum, frame):
        raise KeyboardInterrupt

    # Explicitly, also when started with SIGINT ignored (a background job).
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, on_term)
    interrupted = False
    pool = ThreadPoolExecutor(max_workers=min(opts.jobs, len(cases)))
    try:
        # Longest first: the slow emulator runs overlap the many short
        # boots instead of starting last and running alone.
        futures = [pool.submit(worker, c)
                   for c in sorted(cases, key=lambda c: c.timeout, reverse=True)]
        for f in futures:
            while not f.done():
                time.sleep(0.2)
                if ctx.remaining() < 0 and not ctx.abort.is_set():
                    ctx.print(f"e2e: time budget of {opts.budget:g} s exhausted, "
                              "stopping")
                    ctx.abort_reason = "global time budget exhausted"
                    ctx.abort.set()
                    ctx.terminate_all()
    except KeyboardInterrupt:
        interrupted = True
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        ctx.print("e2e: interrupted, stopping the emulators")
        ctx.abort.set()
        ctx.terminate_all()
    pool.shutdown(wait=True, cancel_futures=True)
    for c in cases:
        if c.name not in results:
            ctx.print(f"FAIL {c.name}: not run (interrupted or out of time)")
            results[c.name] = False
    passed = sum(1 for v in results.values() if v)
    failed = len(results) - passed
    ctx.print(f"e2e: {passed} passed, {failed} failed")
    if interrupted:
        return 130
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
