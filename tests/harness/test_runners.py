"""tools/run-qemu and tools/run-bochs on their failure paths, with a fake emulator.

Each test gives the runner a generous --timeout and checks that it ended for
the right reason, with the right status and message, long before that timeout:
a runner that waits out its timeout for an emulator that died fails here.
"""

import os
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
FAKE = os.path.join(HERE, "fake-emulator")
RUN_QEMU = os.path.join(REPO, "tools", "run-qemu")
RUN_BOCHS = os.path.join(REPO, "tools", "run-bochs")
TIMEOUT = 120   # what the runner is given; every test must end far sooner
SOON = 60       # "far sooner": half of it, whatever the host's load


class Result:
    def __init__(self, p, elapsed):
        self.rc = p.returncode
        self.out = p.stdout.decode("utf-8", "replace")
        self.err = p.stderr.decode("utf-8", "replace")
        self.elapsed = elapsed


class RunnerCase(unittest.TestCase):
    tool = None

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="harness.")
        cls.files = {}
        for name in ("image", "code", "vars", "bios", "vgabios"):
            path = os.path.join(cls.tmp.name, name)
            with open(path, "wb") as f:
                f.write(b"\0" * 4096)
            cls.files[name] = path

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def env(self, mode, **extra):
        env = dict(os.environ, FAKE_MODE=mode, QEMU=FAKE, BOCHS=FAKE,
                   OVMF_CODE=self.files["code"], OVMF_VARS=self.files["vars"],
                   BOCHS_BIOS=self.files["bios"], BOCHS_VGABIOS=self.files["vgabios"],
                   PALLAS_KVM_DEV=os.path.join(self.tmp.name, "no-kvm"))
        env.update(extra)
        return env

    def run_tool(self, mode, *args, env=None):
        cmd = [sys.executable, self.tool, self.image_opt, self.files["image"],
               "--timeout", str(TIMEOUT), "--verbose", *args]
        start = time.monotonic()
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env or self.env(mode),
                           timeout=TIMEOUT + 30)
        res = Result(p, time.monotonic() - start)
        self.assertNotIn("Traceback", res.err, res.err)
        return res

    def assert_soon(self, res):
        self.assertLess(res.elapsed, SOON, f"took {res.elapsed:.1f} s of a {TIMEOUT} s "
                        f"timeout; stderr:\n{res.err}")


class BothRunners:
    """What run-qemu and run-bochs must do alike (mixed into each's tests)."""

    def test_idle_emulator_stalls(self):
        res = self.run_tool("hang-idle", "--stall", "2", "--until", "^pallas: ready")
        self.assertEqual(res.rc, 4, res.err)
        self.assertIn("--stall 2", res.err)
        self.assertIn("idle", res.err)
        self.assert_soon(res)

    def test_busy_emulator_stalls_by_cpu_time(self):
        res = self.run_tool("hang-busy", "--stall", "2", "--until", "^pallas: ready")
        self.assertEqual(res.rc, 4, res.err)
        self.assertIn("of CPU time", res.err)
        self.assert_soon(res)

    def test_garbage_on_the_serial_line(self):
        res = self.run_tool("garbage", "--until", "^pallas: ready \\(version")
        self.assertEqual(res.rc, 0, res.err)
        self.assertIn("red", res.out)
        self.assertNotIn("\x1b", res.out)
        self.assert_soon(res)


class RunQemu(BothRunners, RunnerCase):
    tool, image_opt = RUN_QEMU, "--image"

    def test_until_matches(self):
        res = self.run_tool("ready", "--until", "^pallas: ready")
        self.assertEqual(res.rc, 0, res.err)
        self.assertIn("pallas: ready (version fake", res.out)
        self.assert_soon(res)

    def test_emulator_exit_passes_its_status(self):
        res = self.run_tool("silent-exit", "--until", "^pallas: ready")
        self.assertEqual(res.rc, 1, res.err)
        self.assertIn("QEMU exited with status 1", res.err)
        self.assert_soon(res)

    def test_emulator_killed_by_signal(self):
        res = self.run_tool("crash", "--until", "^pallas: ready")
        self.assertEqual(res.rc, 128 + 11, res.err)
        self.assertIn("killed by signal 11", res.err)
        self.assert_soon(res)

    def test_output_keeps_stall_away(self):
        # The fake prints its ready line at once; with --grace the run goes on
        # silently past the stall limit, so the stall must fire, not the grace.
        res = self.run_tool("ready", "--stall", "2", "--until", "^pallas: ready",
                            "--grace", "30")
        self.assertEqual(res.rc, 4, res.err)
        self.assertIn("pallas: ready", res.out)

    def test_timeout(self):
        cmd = [sys.executable, self.tool, "--image", self.files["image"],
               "--timeout", "2", "--until", "never"]
        start = time.monotonic()
        p = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                           env=self.env("hang-idle"), timeout=60)
        self.assertEqual(p.returncode, 124, p.stderr)
        self.assertLess(time.monotonic() - start, SOON)

    def test_kvm_failure_is_one_line_and_fast(self):
        res = self.run_tool("kvm-error", "--accel", "kvm", "--until", "^pallas: ready")
        self.assertEqual(res.rc, 6, res.err)
        own = [line for line in res.err.splitlines() if "accelerator failed" in line]
        self.assertEqual(len(own), 1, res.err)
        self.assertIn("KVM internal error", own[0])
        self.assertNotIn("RAX=", res.err)   # the register dump is not relayed
        self.assert_soon(res)

    def test_kvm_words_under_tcg_are_not_an_accelerator_failure(self):
        res = self.run_tool("kvm-error", "--accel", "tcg", "--stall", "2",
                            "--until", "^pallas: ready")
        self.assertEqual(res.rc, 4, res.err)

    def test_auto_says_why_it_chose_tcg(self):
        res = self.run_tool("ready", "--until", "^pallas: ready")
        self.assertRegex(res.err, r"accelerator tcg: KVM not usable: no \S+no-kvm")
        self.assertIn("-accel tcg", res.err)

    def test_bad_stall_is_refused(self):
        res = self.run_tool("ready", "--stall", "0")
        self.assertEqual(res.rc, 2, res.err)


class RunBochs(BothRunners, RunnerCase):
    tool, image_opt = RUN_BOCHS, "--iso"

    def test_poweroff(self):
        res = self.run_tool("poweroff")
        self.assertEqual(res.rc, 0, res.err)
        self.assertIn("pallas: powering off", res.out)
        self.assert_soon(res)

    def test_bochs_that_stops_by_itself(self):
        res = self.run_tool("crash", "--until", "^pallas: ready")
        self.assertEqual(res.rc, 3, res.err)
        self.assertIn("Bochs stopped with status", res.err)
        self.assert_soon(res)



if __name__ == "__main__":
    unittest.main()
