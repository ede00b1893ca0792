#!/usr/bin/env python3
"""Which QEMU accelerator this host can really use: KVM only when it runs code.

A /dev/kvm that opens proves nothing.  Some hosts (these CI machines among
them) have a paravirtual KVM that creates VMs and vCPUs and even runs a
`mov; out; hlt` in real mode, yet fails the first x87 or SSE instruction
with KVM_EXIT_INTERNAL_ERROR, which is where OVMF dies.  So the probe runs a
few real-mode instructions through x87 and SSE and must see the value they
compute on an I/O port, then HLT.

The probe runs in a child process with a time limit (a KVM_RUN that never
returns must not hang the caller), and its verdict is cached per host boot
(keyed by /proc/sys/kernel/random/boot_id and the device's identity).

  tools/accel.py            print the verdict: `kvm: yes|no (why)`, status 0 when usable
  tools/accel.py --probe    run the probe itself, uncached (what the child does)
"""

import ctypes
import fcntl
import json
import mmap
import os
import signal
import struct
import subprocess
import sys
import tempfile

KVM_DEV = os.environ.get("PALLAS_KVM_DEV", "/dev/kvm")
BOOT_ID = "/proc/sys/kernel/random/boot_id"
PROBE_TIMEOUT = 10.0
CACHE_VERSION = 1

# <linux/kvm.h>
KVM_GET_API_VERSION = 0xAE00
KVM_CREATE_VM = 0xAE01
KVM_GET_VCPU_MMAP_SIZE = 0xAE04
KVM_CREATE_VCPU = 0xAE41
KVM_SET_USER_MEMORY_REGION = 0x4020AE46
KVM_RUN = 0xAE80
KVM_GET_SREGS = 0x8138AE83
KVM_SET_SREGS = 0x4138AE84
KVM_SET_REGS = 0x4090AE82
SREGS_SIZE = 312
REGS_SIZE = 144
SREGS_CR0, SREGS_CR4 = 224, 248       # offsets of cr0, cr4 in struct kvm_sregs
REGS_RIP = 128                        # offset of rip in struct kvm_regs
EXIT_IO, EXIT_HLT, EXIT_INTERNAL_ERROR = 2, 5, 17
EXIT_NAMES = {0: "UNKNOWN", 1: "EXCEPTION", 2: "IO", 5: "HLT", 8: "SHUTDOWN",
              9: "FAIL_ENTRY", 17: "INTERNAL_ERROR"}

CODE_AT = 0x1000
PROBE_PORT = 0x10
# Real mode at 0:0x1000 with CR0.MP and CR4.OSFXSR set: x87 computes 7,
# SSE2 takes it to 7.0 and back, and 0x47 goes out on the port.
PROBE_CODE = bytes([
    0xDB, 0xE3,                     # fninit
    0xD9, 0xE8,                     # fld1
    0xD8, 0xC0,                     # fadd st0, st0        2
    0xD8, 0xC0,                     # fadd st0, st0        4
    0xD9, 0xE8,                     # fld1
    0xDE, 0xC1,                     # faddp                5
    0xD9, 0xE8,                     # fld1
    0xDE, 0xC1,                     # faddp                6
    0xD9, 0xE8,                     # fld1
    0xDE, 0xC1,                     # faddp                7
    0xDF, 0x1E, 0x00, 0x05,         # fistp word [0x500]
    0x66, 0x0F, 0xB6, 0x06, 0x00, 0x05,  # movzx eax, byte [0x500]
    0xF2, 0x0F, 0x2A, 0xC0,         # cvtsi2sd xmm0, eax
    0xF2, 0x0F, 0x2C, 0xC0,         # cvttsd2si eax, xmm0
    0x04, 0x40,                     # add al, 0x40
    0xE6, PROBE_PORT,               # out 0x10, al
    0xF4,                           # hlt
])
PROBE_VALUE = 0x47


class ProbeFailed(Exception):
    pass


def _ioctl(fd, req, arg, what):
    try:
        return fcntl.ioctl(fd, req, arg)
    except OSError as e:
        raise ProbeFailed(f"{what} failed: {e.strerror}")


def _run_once(vcpu, run):
    _ioctl(vcpu, KVM_RUN, 0, "KVM_RUN")
    return struct.unpack_from("<I", run, 8)[0]


def _exit_text(reason, run):
    name = EXIT_NAMES.get(reason, str(reason))
    if reason == EXIT_INTERNAL_ERROR:
        sub = struct.unpack_from("<I", run, 32)[0]
        return f"KVM_EXIT_{name} (suberror {sub})"
    return f"KVM_EXIT_{name}"


def probe(dev=KVM_DEV):
    """Runs PROBE_CODE in a one-vCPU VM; returns why KVM works, or raises
    ProbeFailed with why it does not."""
    try:
        kvm = os.open(dev, os.O_RDWR | os.O_CLOEXEC)
    except OSError as e:
        raise ProbeFailed(f"cannot open {dev}: {e.strerror}")
    fds, maps = [kvm], []
    try:
        version = _ioctl(kvm, KVM_GET_API_VERSION, 0, "KVM_GET_API_VERSION")
        if version != 12:
            raise ProbeFailed(f"KVM API version {version}, expected 12")
        vm = _ioctl(kvm, KVM_CREATE_VM, 0, "KVM_CREATE_VM")
        fds.append(vm)
        mem = mmap.mmap(-1, 0x2000)
        maps.append(mem)
        mem[CODE_AT:CODE_AT + len(PROBE_CODE)] = PROBE_CODE
        addr = ctypes.addressof(ctypes.c_char.from_buffer(mem))
        _ioctl(vm, KVM_SET_USER_MEMORY_REGION, struct.pack("<IIQQQ", 0, 0, 0, 0x2000, addr),
               "KVM_SET_USER_MEMORY_REGION")
        vcpu = _ioctl(vm, KVM_CREATE_VCPU, 0, "KVM_CREATE_VCPU")
        fds.append(vcpu)
        size = _ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0, "KVM_GET_VCPU_MMAP_SIZE")
        run = mmap.mmap(vcpu, size, mmap.MAP_SHARED, mmap.PROT_READ | mmap.PROT_WRITE)
        maps.append(run)
        sregs = bytearray(SREGS_SIZE)
        _ioctl(vcpu, KVM_GET_SREGS, sregs, "KVM_GET_SREGS")
        struct.pack_into("<QIH", sregs, 0, 0, 0xFFFF, 0)      # CS base 0, selector 0
        cr0 = struct.unpack_from("<Q", sregs, SREGS_CR0)[0]
        struct.pack_into("<Q", sregs, SREGS_CR0, (cr0 | 0x2) & ~0x4)     # MP, no EM
        cr4 = struct.unpack_from("<Q", sregs, SREGS_CR4)[0]
        struct.pack_into("<Q", sregs, SREGS_CR4, cr4 | 0x600)  # OSFXSR, OSXMMEXCPT
        _ioctl(vcpu, KVM_SET_SREGS, bytes(sregs), "KVM_SET_SREGS")
        regs = bytearray(REGS_SIZE)
        struct.pack_into("<QQ", regs, REGS_RIP, CODE_AT, 0x2)
        _ioctl(vcpu, KVM_SET_REGS, bytes(regs), "KVM_SET_REGS")

        reason = _run_once(vcpu, run)
        if reason != EXIT_IO:
            raise ProbeFailed(f"a real-mode x87/SSE probe ended in {_exit_text(reason, run)}, "
                              "not its port write: this KVM cannot run ordinary guests")
        _, _, port, _, off = struct.unpack_from("<BBHIQ", run, 32)
        value = run[off] if off < size else None
        if port != PROBE_PORT or value != PROBE_VALUE:
            raise ProbeFailed(f"the probe wrote {value!r} to port {port:#x}, expected "
                              f"{PROBE_VALUE:#x} to port {PROBE_PORT:#x}")
        reason = _run_once(vcpu, run)
        if reason != EXIT_HLT:
            raise ProbeFailed(f"the probe's HLT ended in {_exit_text(reason, run)}")
        return "a real-mode x87/SSE probe ran to its HLT with the right result"
    finally:
        for m in maps:
            try:
                m.close()
            except BufferError:
                pass
        for fd in reversed(fds):
            os.close(fd)


# ---------------------------------------------------------------- verdict


def _read(path):
    try:
        with open(path, encoding="ascii") as f:
            return f.read().strip()
    except OSError:
        return None


def host_key(dev=KVM_DEV):
    """What the verdict depends on: this boot of the host and this device."""
    try:
        st = os.stat(dev)
        ident = f"{st.st_rdev}:{st.st_ino}"
    except OSError:
        ident = "absent"
    return f"{_read(BOOT_ID) or 'unknown-boot'} {dev} {ident}"


def cache_path():
    base = os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir()
    return os.path.join(base, f"pallas-kvm-probe.{os.getuid()}.json")


def probe_in_child(dev=KVM_DEV, timeout=PROBE_TIMEOUT):
    """(usable, why) from a child running --probe, bounded in time."""
    cmd = [sys.executable, os.path.abspath(__file__), "--probe"]
    env = dict(os.environ, PALLAS_KVM_DEV=dev)
    try:
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return False, f"the KVM probe did not finish within {timeout:g} s"
    text = p.stdout.decode("utf-8", "replace").strip().splitlines()
    why = text[-1] if text else f"the KVM probe exited with status {p.returncode}"
    return p.returncode == 0, why


def kvm_verdict(dev=KVM_DEV, cache=None, prober=probe_in_child):
    """(usable, why, cached): whether KVM runs real guest code on this host."""
    if not os.path.exists(dev):
        return False, f"no {dev}", False
    cache = cache or cache_path()
    key = host_key(dev)
    try:
        with open(cache, encoding="utf-8") as f:
            saved = json.load(f)
        if saved.get("version") == CACHE_VERSION and saved.get("key") == key:
            return bool(saved["usable"]), str(saved["why"]), True
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass
    usable, why = prober(dev)
    tmp = f"{cache}.{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"version": CACHE_VERSION, "key": key, "usable": usable, "why": why}, f)
        os.replace(tmp, cache)
    except OSError:
        pass  # no cache: the next caller probes again
    return usable, why, False


def choose(requested, verdict=kvm_verdict):
    """(accelerator, why) for --accel requested (auto, kvm or tcg)."""
    if requested != "auto":
        return requested, "as asked with --accel"
    usable, why, cached = verdict()
    note = " (cached for this host boot)" if cached else ""
    if usable:
        return "kvm", f"KVM runs guest code: {why}{note}"
    return "tcg", f"KVM not usable: {why}{note}"


def main(argv):
    if argv == ["--probe"]:
        try:
            print(probe(KVM_DEV))
            return 0
        except ProbeFailed as e:
            print(e)
            return 1
    if argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    usable, why, cached = kvm_verdict()
    print(f"kvm: {'yes' if usable else 'no'} ({why}{', cached' if cached else ''})")
    return 0 if usable else 1


if __name__ == "__main__":
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.exit(main(sys.argv[1:]))
