"""tests/e2e/run.py on its failure paths: every case, against a fake emulator.

Code that runs only when something else is wrong is the code least often run:
here every e2e case boots a fake QEMU or Bochs that dies, crashes, hangs or
prints garbage.  Each case must fail with a reason (never a harness error, a
Python exception inside the harness) and end long before its timeout.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FAKE = os.path.join(HERE, "fake-emulator")
RUN = os.path.join(REPO, "tests", "e2e", "run.py")
LINE_RE = re.compile(r"^(ok|FAIL) (\S+) \(([\d.]+) s")
SUMMARY_RE = re.compile(r"^e2e: (\d+) passed, (\d+) failed$", re.M)
STALL = 2

# A kernel.elf that is an x86-64 ELF header and nothing else.
FAKE_ELF = b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x02\x00\x3e\x00" + bytes(44)


def case_timeouts():
    p = subprocess.run([sys.executable, RUN, "--list"], capture_output=True, text=True,
                       check=True)
    return {line.split()[0]: int(line.split()[1]) for line in p.stdout.splitlines()}


def make_build_dir(root):
    """A build/ the harness accepts: a real GPT disk and a real ISO, holding
    stand-ins for the loader and the kernel."""
    for sub in ("boot", "kernel", "iso/boot/grub"):
        os.makedirs(os.path.join(root, sub))
    loader, kernel = os.path.join(root, "boot", "BOOTX64.EFI"), \
        os.path.join(root, "kernel", "kernel.elf")
    for path, data in ((loader, b"MZ" + bytes(510)), (kernel, FAKE_ELF)):
        with open(path, "wb") as f:
            f.write(data)
    image = os.path.join(root, "pallas.img")
    subprocess.run([os.path.join(REPO, "tools", "mkimage"), "--out", image, "--loader",
                    loader, "--kernel", kernel, "--cfg",
                    os.path.join(REPO, "boot", "boot.cfg")],
                   check=True, capture_output=True)
    with open(os.path.join(root, "iso/boot/grub/grub.cfg"), "w") as f:
        f.write("menuentry pallas {\n  multiboot2 /boot/kernel.elf\n  boot\n}\n")
    iso = os.path.join(root, "pallas.iso")
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-o", iso,
                    os.path.join(root, "iso")], check=True, capture_output=True)
    shutil.copyfile(image, os.path.join(root, "pallas-linux.img"))
    shutil.copyfile(iso, os.path.join(root, "pallas-linux.iso"))


class E2eAgainstFakes(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="harness-e2e.")
        cls.build = os.path.join(cls.tmp.name, "build")
        make_build_dir(cls.build)
        for name in ("code", "vars", "bios", "vgabios"):
            with open(os.path.join(cls.tmp.name, name), "wb") as f:
                f.write(bytes(4096))
        cls.timeouts = case_timeouts()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def run_e2e(self, mode, *names):
        t = self.tmp.name
        env = dict(os.environ, BUILD=self.build, QEMU=FAKE, BOCHS=FAKE, FAKE_MODE=mode,
                   OVMF_CODE=f"{t}/code", OVMF_VARS=f"{t}/vars", BOCHS_BIOS=f"{t}/bios",
                   BOCHS_VGABIOS=f"{t}/vgabios", PALLAS_KVM_DEV=f"{t}/no-kvm")
        cmd = [sys.executable, RUN, "-j", "4", "--stall", str(STALL), "--budget", "600",
               *names]
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           env=env, timeout=900)
        out = p.stdout
        self.assertNotIn("harness error", out, out)
        self.assertNotIn("Traceback", out + p.stderr, out + p.stderr)
        results = {}
        for line in out.splitlines():
            m = LINE_RE.match(line)
            if m:
                results[m.group(2)] = (m.group(1), float(m.group(3)), line)
        want = set(names) if names else set(self.timeouts)
        self.assertEqual(set(results), want, out)
        m = SUMMARY_RE.search(out)
        self.assertIsNotNone(m, out)
        passed = sum(1 for r in results.values() if r[0] == "ok")
        self.assertEqual((int(m.group(1)), int(m.group(2))),
                         (passed, len(results) - passed), out)
        self.assertEqual(p.returncode, 0 if passed == len(results) else 1, out)
        for name, (_, secs, line) in results.items():
            # Ending by its own timeout would take timeout seconds at least.
            self.assertLess(secs, self.timeouts[name] / 2,
                            f"{name} waited for its timeout: {line}")
        return results

    def assert_all_failed(self, results, reason_re):
        for name, (status, _, line) in results.items():
            self.assertEqual(status, "FAIL", line)
            reason = line.split("): ", 1)[1]
            self.assertRegex(reason, reason_re, line)

    def test_emulator_exits_at_once(self):
        self.assert_all_failed(self.run_e2e("silent-exit"), r"\S")

    def test_emulator_crashes(self):
        self.assert_all_failed(self.run_e2e("crash"), r"\S")

    def test_emulator_hangs(self):
        results = self.run_e2e("hang-idle")
        # Every case that reached its emulator says it stalled.
        booted = {n: r for n, r in results.items() if "could not" not in r[2]
                  and "error:" not in r[2] and "tools/mkimage" not in r[2]}
        self.assert_all_failed(booted, r"printed nothing|stall|did not|no ")

    def test_emulator_prints_garbage(self):
        self.assert_all_failed(self.run_e2e("garbage"), r"\S")

    def test_a_good_log_passes(self):
        results = self.run_e2e("ready", "boot_ready")
        self.assertEqual(results["boot_ready"][0], "ok", results)


if __name__ == "__main__":
    unittest.main()
