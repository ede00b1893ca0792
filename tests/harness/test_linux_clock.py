"""Host-side tests of the Linux guest's clock check in tests/e2e/run.py
(linux_clock_drift, check_linux_clock, the `NAME@SECONDS| ` echo format), on
synthetic console lines.

    python3 -m unittest tests/harness/test_linux_clock.py
"""

import importlib.util
import os
import random
import unittest

_RUN_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "run.py")
_spec = importlib.util.spec_from_file_location("e2e_run", _RUN_PY)
run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run)

HOST_START = 80.0  # host seconds when the guest's clock reads 0


def printk(guest_s, text="driver: something happened"):
    return f"[{guest_s:12.6f}] {text}"


def boot(guest_clock, seconds=20.0, step=0.05, latency=(0.0001, 0.003), seed=1):
    """Echoed lines [(host s, text)] of a boot of `seconds` host seconds, one
    line every `step` s with a console latency drawn from `latency`;
    guest_clock(t) is the guest's clock t host seconds after it started."""
    rng = random.Random(seed)
    lines = [(HOST_START - 0.5, printk(0.0, "Linux version 6.1.0")),
             (HOST_START - 0.4, printk(0.0, "Command line: console=ttyS0"))]
    t = 0.01
    while t < seconds:
        lines.append((HOST_START + t + rng.uniform(*latency), printk(guest_clock(t))))
        t += step
    return lines


def piecewise(*pieces):
    """A guest clock running at pieces [(until host s, rate)] in turn."""
    def clock(t):
        g, t0 = 0.0, 0.0
        for until, rate in pieces:
            if t <= until:
                return g + (t - t0) * rate
            g, t0 = g + (until - t0) * rate, until
        return g + (t - t0) * pieces[-1][1]
    return clock


class DriftTest(unittest.TestCase):
    def test_exact_rate(self):
        d = run.linux_clock_drift(boot(lambda t: t), 0.001)
        self.assertLess(abs(d.error), 0.0001)
        self.assertGreater(d.host_span, 15)
        self.assertRegex(run.check_linux_clock(boot(lambda t: t), 0.001, 59.999),
                         r"^guest clock [+-]0\.000 % from the host's over 1\d\.\d s ")

    def test_half_percent_fast(self):
        lines = boot(lambda t: t * 1.005)
        d = run.linux_clock_drift(lines, 0.001)
        self.assertAlmostEqual(d.error, 0.005, delta=0.0002)
        with self.assertRaises(run.Failed) as e:
            run.check_linux_clock(lines, 0.001, 59.999)
        msg = e.exception.args[0]
        self.assertIn("+0.50", msg)
        self.assertIn("of guest time in", msg)
        self.assertIn("59.999 MHz", msg)  # the host's rate
        self.assertIn("60.29", msg)       # the rate the guest keeps time by
        # Within the QEMU case's tolerance.
        self.assertIn("+0.50", run.check_linux_clock(lines, 0.05))

    def test_half_percent_slow(self):
        d = run.linux_clock_drift(boot(lambda t: t * 0.995), 0.001)
        self.assertAlmostEqual(d.error, -0.005, delta=0.0002)

    def test_bursts_with_latency(self):
        """Bursts of lines printed at once queue behind each other on the
        console; only the first of each comes out promptly."""
        def bursts(guest_clock):
            rng = random.Random(2)
            lines = []
            t = 0.01
            while t < 20:
                queue = rng.uniform(0.0001, 0.002)
                for _ in range(rng.randint(5, 30)):
                    lines.append((HOST_START + t + queue, printk(guest_clock(t))))
                    queue += rng.uniform(0.001, 0.004)  # the line's UART exits
                t += rng.uniform(0.2, 1.0)
            return lines
        d = run.linux_clock_drift(bursts(lambda t: t), 0.001)
        self.assertLess(abs(d.error), 0.0002)
        self.assertGreater(d.host_span, 15)
        run.check_linux_clock(bursts(lambda t: t), 0.001)
        # A clock 0.5 % fast shows through the queueing.
        d = run.linux_clock_drift(bursts(lambda t: t * 1.005), 0.001)
        self.assertAlmostEqual(d.error, 0.005, delta=0.0002)
        with self.assertRaises(run.Failed):
            run.check_linux_clock(bursts(lambda t: t * 1.005), 0.001)

    def test_jiffies_before_clocksource(self):
        """Until Linux has a clocksource its clock runs by jiffies, 15 % slow
        here; the steady stretch after that is what counts."""
        lines = boot(piecewise((4.0, 0.85), (20.0, 1.0)))
        d = run.linux_clock_drift(lines, 0.001)
        self.assertLess(abs(d.error), 0.0001)
        # The first floor point past the bend, in a run of 1/16 of the lines.
        self.assertGreaterEqual(d.guest_from, 3.4)
        self.assertLess(d.guest_from, 3.4 + 2 * 20 / 16)
        detail = run.check_linux_clock(lines, 0.001)
        self.assertRegex(detail, r"steady from [3-5]\.\d s of guest time")
        # And a wrong rate after it still fails.
        with self.assertRaises(run.Failed):
            run.check_linux_clock(boot(piecewise((4.0, 0.85), (20.0, 1.002))), 0.001)

    def test_pace_changes_late(self):
        """A clock that is steady only near the end (as when Linux's watchdog
        drops a wrong TSC late in the boot) is not taken at its last pace."""
        lines = boot(piecewise((16.0, 1.2), (20.0, 1.0)))
        with self.assertRaises(run.Failed) as e:
            run.check_linux_clock(lines, 0.05)
        self.assertIn("changed pace late", e.exception.args[0])

    def test_other_lines_ignored(self):
        lines = boot(lambda t: t)
        mixed = []
        for i, line in enumerate(lines):
            mixed.append(line)
            if i % 7 == 0:
                mixed.append((line[0] + 0.001, "Poking KASLR using RDTSC..."))
        mixed.append((HOST_START + 20.5, "linux guest: 6.1.0-57-amd64, 2 CPUs, uptime 20.40 s"))
        mixed.append((HOST_START + 20.6, "guest: PASS linux"))
        d = run.linux_clock_drift(mixed, 0.001)
        self.assertLess(abs(d.error), 0.0001)
        self.assertEqual(d.lines, len(lines) - 2)  # the two 0.000000 lines do not count

    def test_no_timestamps(self):
        untimed = [(HOST_START + i * 0.1, f"line {i} without a timestamp") for i in range(100)]
        zeros = [(HOST_START + i * 0.1, printk(0.0)) for i in range(100)]
        for lines in (untimed, zeros, []):
            with self.assertRaises(ValueError):
                run.linux_clock_drift(lines, 0.05)
            with self.assertRaises(run.Failed) as e:
                run.check_linux_clock(lines, 0.05, 2445.387)
            msg = e.exception.args[0]
            self.assertIn("cannot compare the guest's clock with the host's", msg)
            self.assertIn(f"0 of the guest's {len(lines)} echoed console lines", msg)
            self.assertIn("2445.387 MHz", msg)

    def test_too_short(self):
        lines = boot(lambda t: t, seconds=0.5, step=0.02)
        with self.assertRaises(run.Failed) as e:
            run.check_linux_clock(lines, 0.05)
        self.assertIn("span 0.4", e.exception.args[0])
        self.assertIn("1 s needed", e.exception.args[0])


class EchoFormatTest(unittest.TestCase):
    def test_echo_line(self):
        m = run.ECHO_RE.match("linux@12.345678| [    1.000000] tsc: Detected 2445.387 MHz TSC")
        self.assertEqual(m.groups(), ("linux", "12.345678",
                                      "[    1.000000] tsc: Detected 2445.387 MHz TSC"))
        m = run.ECHO_RE.match("linux@103.579012| linux guest: 6.1.0-57-amd64, 2 CPUs, "
                              "uptime 27.65 s")
        self.assertEqual(run.LINUX_INIT_RE.search(m.group(3)).groups(),
                         ("6.1.0-57-amd64", "2", "27.65"))
        for text in ("vm linux: stopped: power off (code 0)", "time: TSC at 59.999 MHz",
                     "linux| old format"):
            self.assertIsNone(run.ECHO_RE.match(text))

    def test_echoed(self):
        class Res:
            def texts(self):
                return ["vmm: vmx backend on 2 CPUs", "linux@1.500000| [    0.000000] a",
                        "hello@1.600000| guest: PASS hello", "linux@1.700000| guest: PASS linux"]
        self.assertEqual(run.echoed(Res(), "linux"),
                         [(1.5, "[    0.000000] a"), (1.7, "guest: PASS linux")])


if __name__ == "__main__":
    unittest.main()
