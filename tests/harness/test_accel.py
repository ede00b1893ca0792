"""tools/accel.py: the KVM probe, its cache, and the choice of accelerator.

The probe's guest code is itself checked on a CPU that runs it, QEMU TCG
(an oracle nobody here wrote): booted from a BIOS boot sector, it must write
the value the probe expects to its port.
"""

import importlib.util
import os
import subprocess
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
spec = importlib.util.spec_from_file_location("accel", os.path.join(REPO, "tools", "accel.py"))
accel = importlib.util.module_from_spec(spec)
spec.loader.exec_module(accel)

# cli; DS = 0; CR0.MP on, CR0.EM off; CR4.OSFXSR and OSXMMEXCPT: what the
# probe sets through KVM_SET_SREGS.  After the probe's HLT: jmp $.
BOOT_PROLOGUE = bytes([0xFA, 0x31, 0xC0, 0x8E, 0xD8,
                       0x0F, 0x20, 0xC0, 0x0C, 0x02, 0x24, 0xFB, 0x0F, 0x22, 0xC0,
                       0x0F, 0x20, 0xE0, 0x0D, 0x00, 0x06, 0x0F, 0x22, 0xE0])
BOOT_EPILOGUE = bytes([0xEB, 0xFE])


class ProbeCode(unittest.TestCase):
    def test_probe_code_computes_its_value_on_qemu_tcg(self):
        code = BOOT_PROLOGUE + accel.PROBE_CODE + BOOT_EPILOGUE
        sector = code + bytes(510 - len(code)) + b"\x55\xaa"
        with tempfile.TemporaryDirectory() as tmp:
            disk, out = os.path.join(tmp, "boot.img"), os.path.join(tmp, "port")
            with open(disk, "wb") as f:
                f.write(sector + bytes(512 * 63))
            cmd = ["qemu-system-x86_64", "-accel", "tcg", "-nodefaults", "-display", "none",
                   "-drive", f"format=raw,file={disk}",
                   "-chardev", f"file,id=port,path={out}",
                   "-device", f"isa-debugcon,iobase={accel.PROBE_PORT:#x},chardev=port"]
            qemu = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE)
            got = b""
            try:
                for _ in range(600):  # until the byte arrives; QEMU's boot takes ~1 s
                    if os.path.exists(out):
                        with open(out, "rb") as f:
                            got = f.read()
                    if got or qemu.poll() is not None:
                        break
                    time.sleep(0.1)
            finally:
                qemu.kill()
                qemu.wait()
        self.assertEqual(got, bytes([accel.PROBE_VALUE]))


class Verdict(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dev = os.path.join(self.tmp.name, "kvm")
        with open(self.dev, "w"):
            pass
        self.cache = os.path.join(self.tmp.name, "cache.json")
        self.calls = 0

    def tearDown(self):
        self.tmp.cleanup()

    def prober(self, usable):
        def run(dev):
            self.calls += 1
            return usable, "fake probe"
        return run

    def test_missing_device(self):
        usable, why, _ = accel.kvm_verdict(self.dev + ".absent", self.cache, self.prober(True))
        self.assertFalse(usable)
        self.assertIn("no ", why)
        self.assertEqual(self.calls, 0)

    def test_cached_per_boot(self):
        first = accel.kvm_verdict(self.dev, self.cache, self.prober(True))
        again = accel.kvm_verdict(self.dev, self.cache, self.prober(False))
        self.assertEqual((first[0], first[2]), (True, False))
        self.assertEqual((again[0], again[2]), (True, True))
        self.assertEqual(self.calls, 1)

    def test_another_boot_probes_again(self):
        accel.kvm_verdict(self.dev, self.cache, self.prober(True))
        with open(self.cache) as f:
            text = f.read()
        with open(self.cache, "w") as f:
            f.write(text.replace(accel.host_key(self.dev).split()[0], "another-boot"))
        usable, _, cached = accel.kvm_verdict(self.dev, self.cache, self.prober(False))
        self.assertEqual((usable, cached, self.calls), (False, False, 2))

    def test_corrupt_cache_is_ignored(self):
        with open(self.cache, "w") as f:
            f.write("{not json")
        usable, _, cached = accel.kvm_verdict(self.dev, self.cache, self.prober(True))
        self.assertEqual((usable, cached), (True, False))

    def test_choose(self):
        self.assertEqual(accel.choose("auto", lambda: (True, "ran", False))[0], "kvm")
        acc, why = accel.choose("auto", lambda: (False, "it failed", True))
        self.assertEqual(acc, "tcg")
        self.assertIn("it failed", why)
        self.assertEqual(accel.choose("kvm", lambda: (False, "", False))[0], "kvm")
        self.assertEqual(accel.choose("tcg", lambda: (True, "", False))[0], "tcg")


class ThisHost(unittest.TestCase):
    def test_verdict_agrees_with_the_cpu(self):
        """A KVM that runs the probe needs a CPU with VT-x or AMD-V under it."""
        if not os.path.exists("/dev/kvm"):
            usable, why, _ = accel.kvm_verdict("/dev/kvm")
            self.assertEqual((usable, why), (False, "no /dev/kvm"))
            return
        usable, why = accel.probe_in_child("/dev/kvm")
        with open("/proc/cpuinfo") as f:
            flags = {w for line in f if line.startswith("flags") for w in line.split()}
        if usable:
            self.assertTrue({"vmx", "svm"} & flags, why)
        else:
            self.assertTrue(why)


if __name__ == "__main__":
    unittest.main()
