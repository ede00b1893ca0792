"""tools/mkct0: what CT0's initrd holds, read back with cpio.  A stand-in
busybox (a script answering --list-full) keeps the test free of a build."""

import os
import shutil
import subprocess
import tempfile
import unittest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MKCT0 = os.path.join(REPO, "tools", "mkct0")

FAKE_BUSYBOX = """#!/bin/sh
[ "$1" = --list-full ] || exit 1
printf '%s\\n' linuxrc bin/busybox bin/sh bin/ls sbin/init usr/bin/awk usr/sbin/chroot
"""

SCEN_LIST = """# a comment
one
two  # trailing comment
# pending three: waits for fork
"""


def listing(cpio):
    """{name: (mode string, link target or None)} of a newc archive."""
    out = subprocess.run(["cpio", "-itv", "--quiet"], stdin=open(cpio, "rb"),
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    entries = {}
    for line in out.splitlines():
        f = line.split()
        target = None
        if " -> " in line:
            line, target = line.split(" -> ", 1)
            f = line.split()
        entries[f[-1]] = (f[0], target)
    return entries


def member(cpio, name):
    return subprocess.run(["cpio", "-i", "--to-stdout", "--quiet", name],
                          stdin=open(cpio, "rb"), stdout=subprocess.PIPE,
                          check=True).stdout.decode()


@unittest.skipUnless(shutil.which("cpio"), "cpio is not installed (tools/deps)")
class Mkct0(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="mkct0-test-")
        self.bb = os.path.join(self.tmp, "busybox")
        with open(self.bb, "w") as f:
            f.write(FAKE_BUSYBOX)
        os.chmod(self.bb, 0o755)
        self.scen = os.path.join(self.tmp, "scen")
        os.mkdir(self.scen)
        for n in ("one", "two", "three"):
            with open(os.path.join(self.scen, n + ".sh"), "w") as f:
                f.write("echo %s\n" % n)
        with open(os.path.join(self.scen, "list"), "w") as f:
            f.write(SCEN_LIST)

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def build(self, *args):
        out = os.path.join(self.tmp, "ct0.cpio")
        p = subprocess.run([MKCT0, out] + list(args), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
        self.assertEqual(p.returncode, 0, p.stdout.decode())
        return out

    def test_busybox_links_and_tree(self):
        cpio = self.build("--busybox", self.bb)
        e = listing(cpio)
        self.assertEqual(e["bin/busybox"][0], "-rwxr-xr-x")
        self.assertEqual(e["bin/sh"], ("lrwxrwxrwx", "busybox"))
        self.assertEqual(e["bin/ls"], ("lrwxrwxrwx", "busybox"))
        self.assertEqual(e["sbin/init"], ("lrwxrwxrwx", "../bin/busybox"))
        self.assertEqual(e["usr/bin/awk"], ("lrwxrwxrwx", "../../bin/busybox"))
        self.assertEqual(e["usr/sbin/chroot"], ("lrwxrwxrwx", "../../bin/busybox"))
        self.assertNotIn("linuxrc", e)
        self.assertEqual(e["tmp"][0], "drwxrwxrwt")
        self.assertEqual(e["root"][0], "drwx------")
        for d in ("dev", "proc", "sys", "etc"):
            self.assertEqual(e[d][0], "drwxr-xr-x", d)
        for f in ("passwd", "group", "hostname", "inittab", "profile"):
            self.assertEqual(e["etc/" + f][0], "-rw-r--r--", f)
        self.assertIn("root:x:0:0:", member(cpio, "etc/passwd"))
        self.assertIn("/bin/sh", member(cpio, "etc/inittab"))

    def test_scenarios_active_and_pending(self):
        cpio = self.build("--scenarios", self.scen, os.path.join(self.scen, "list"))
        e = listing(cpio)
        for n in ("one", "two", "three"):
            self.assertEqual(e["scen/%s.sh" % n][0], "-rw-r--r--", n)
        self.assertEqual(member(cpio, "scen/list"), "one\ntwo\n")
        self.assertEqual(member(cpio, "scen/all"), "one\ntwo\nthree\n")
        self.assertNotIn("bin/busybox", e)

    def test_missing_scenario_fails(self):
        os.unlink(os.path.join(self.scen, "three.sh"))
        out = os.path.join(self.tmp, "ct0.cpio")
        p = subprocess.run([MKCT0, out, "--scenarios", self.scen,
                            os.path.join(self.scen, "list")],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("three.sh", p.stdout.decode())
        self.assertFalse(os.path.exists(out))

    def test_reproducible(self):
        a = self.build("--busybox", self.bb)
        with open(a, "rb") as f:
            first = f.read()
        b = self.build("--busybox", self.bb)
        with open(b, "rb") as f:
            self.assertEqual(first, f.read())

    def test_file_option(self):
        prog = os.path.join(self.tmp, "prog")
        with open(prog, "w") as f:
            f.write("#!/bin/sh\n")
        os.chmod(prog, 0o750)
        e = listing(self.build("--file", prog + "=/usr/sbin/pallasd"))
        self.assertEqual(e["usr/sbin/pallasd"][0], "-rwxr-x---")


if __name__ == "__main__":
    unittest.main()
