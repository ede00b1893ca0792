"""tools/check-layers on small made-up trees: it refuses an include its
README does not allow, a system header in freestanding code, a file no rule
covers, and a run where no rule held a file; a deeper README's rule replaces
the one above it.

    python3 -m unittest tests/harness/test_check_layers.py
"""

import os
import subprocess
import tempfile
import unittest

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                    "check-layers")


class CheckLayers(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="layers-")
        self.root = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def put(self, rel, text):
        path = os.path.join(self.root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)

    def run_tool(self):
        p = subprocess.run([TOOL, self.root], capture_output=True, text=True)
        return p.returncode, p.stdout

    def base(self):
        self.put("kernel/README.md", "# k\n\nMay include: nothing else.\n")
        self.put("kernel/include/pallas/x.h", "#include <stdint.h>\n")
        self.put("vmm/README.md", "# v\n\nMay include: `kernel/include`.\n")
        self.put("vmm/include/vmm/vm.h", "#include <pallas/x.h>\n")
        self.put("vmm/core/README.md", "May include: `vmm/include`, `kernel/include`.\n")
        self.put("vmm/core/vm.c", '#include <vmm/vm.h>\n#include "local.h"\n')
        self.put("vmm/core/local.h", "\n")
        self.put("vmm/vmx/README.md", "May include: `vmm/include`, `kernel/include`.\n")
        self.put("vmm/vmx/vmx.c", "#include <vmm/vm.h>\n")

    def test_allowed_tree_passes(self):
        self.base()
        rc, out = self.run_tool()
        self.assertEqual(rc, 0, out)
        self.assertIn("layers: 4 passed, 0 failed", out)

    def test_kernel_including_vmm_fails(self):
        self.base()
        self.put("kernel/main.c", "#include <vmm/vm.h>\n")
        rc, out = self.run_tool()
        self.assertEqual(rc, 1, out)
        self.assertIn("FAIL kernel", out)
        self.assertIn("kernel/main.c:1 includes vmm/include/vmm/vm.h", out)

    def test_deeper_rule_replaces_the_upper_one(self):
        self.base()
        self.put("vmm/vmx/vmcs.h", "\n")
        self.put("vmm/core/cpuid.c", '#include "../vmx/vmcs.h"\n')
        rc, out = self.run_tool()
        self.assertEqual(rc, 1, out)
        self.assertIn("FAIL vmm/core", out)
        self.assertIn("vmm/core/cpuid.c:1 includes vmm/vmx/vmcs.h", out)

    def test_libc_header_in_kernel_fails(self):
        self.base()
        self.put("kernel/lib/s.c", "#include <stdio.h>\n")
        rc, out = self.run_tool()
        self.assertEqual(rc, 1, out)
        self.assertIn("kernel/lib/s.c:1 includes system header <stdio.h>", out)

    def test_system_headers_where_the_rule_allows(self):
        self.base()
        self.put("mgmt/README.md", "May include: `<system>`.\n")
        self.put("mgmt/pctl.c", "#include <stdio.h>\n")
        rc, out = self.run_tool()
        self.assertEqual(rc, 0, out)

    def test_unruled_file_fails(self):
        self.base()
        self.put("drivers/uart.c", "#include <pallas/x.h>\n")
        rc, out = self.run_tool()
        self.assertEqual(rc, 1, out)
        self.assertIn("drivers/uart.c", out)

    def test_rule_without_sources_is_skipped_and_all_skipped_fails(self):
        self.put("net/README.md", "May include: `kernel/include`.\n")
        rc, out = self.run_tool()
        self.assertEqual(rc, 1, out)
        self.assertIn("skip net", out)
        self.assertIn("layers: 0 passed, 1 failed, 1 skipped", out)


if __name__ == "__main__":
    unittest.main()
