"""When an emulator that prints nothing has stopped making progress.

Silence is measured in the emulator's own CPU time, not the wall clock: on a
loaded host an emulator that gets half a CPU takes twice as long between two
lines, but uses the same CPU time.  An emulator that sits idle (QEMU paused
after an internal error, a guest halted for good with nothing left to wake
it) uses next to no CPU at all; it is caught by the same limit in wall time,
as long as it stays idle.  Used by tools/run-qemu and tools/run-bochs.
"""

import os
import time

# Below this share of one CPU a silent emulator counts as idle, not slow.
IDLE_SHARE = 0.05
CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU time of process pid (all its threads), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read().decode("ascii", "replace")
    except OSError:
        return None
    # comm, field 2, may hold spaces and parentheses: split after its last ')'.
    fields = stat[stat.rfind(")") + 2:].split()
    try:
        return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime, stime
    except (IndexError, ValueError):
        return None


class StallWatch:
    """Tracks the emulator's CPU and wall time since it last printed."""

    def __init__(self, pid, limit, cpu=cpu_seconds, clock=time.monotonic):
        self.pid, self.limit = pid, limit
        self._cpu, self._clock = cpu, clock
        self.output()

    def output(self):
        """The emulator printed something: silence starts again from now."""
        self.wall0 = self._clock()
        self.cpu0 = self._cpu(self.pid) or 0.0

    def stalled(self):
        """None while the emulator may still print; else why it is stuck."""
        if self.limit is None:
            return None
        wall = self._clock() - self.wall0
        now = self._cpu(self.pid)
        if now is None:
            return None  # gone: its exit is reported as such
        cpu = now - self.cpu0
        if cpu >= self.limit:
            return (f"the emulator printed nothing while it used {cpu:.0f} s of CPU time "
                    f"(--stall {self.limit:g}): the guest is stuck")
        if wall >= self.limit and cpu <= IDLE_SHARE * wall:
            return (f"the emulator printed nothing for {wall:.0f} s and sat idle "
                    f"({100 * cpu / wall:.0f} % of a CPU; --stall {self.limit:g}): "
                    "the guest or the emulator has stopped")
        return None
