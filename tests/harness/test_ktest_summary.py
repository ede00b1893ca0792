"""Host-side tests of how tests/e2e/run.py judges a `ktest` boot's log
(check_ktest, ktest_skips, no_ktest_skipped): skipped tests are counted, never
passed, and a boot whose every test skipped fails.

    python3 -m unittest tests/harness/test_ktest_summary.py
"""

import importlib.util
import os
import unittest

_RUN_PY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e", "run.py")
_spec = importlib.util.spec_from_file_location("e2e_run", _RUN_PY)
run = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(run)


def boot(*texts, rc=0):
    b = run.Boot(run.QEMU)
    b.lines = [(0.1 * i, t) for i, t in enumerate(texts)]
    b.rc = rc
    return b


class KtestSummary(unittest.TestCase):
    def test_all_passed(self):
        b = boot("ktest: ok a", "ktest: ok b", "ktest: 2 passed, 0 failed")
        self.assertEqual(run.check_ktest(b), 2)
        self.assertEqual(run.ktest_skips(b), [])
        run.no_ktest_skipped(b)

    def test_skips_are_counted_not_passed(self):
        b = boot("ktest: ok a", "ktest: skip vmm_x: no virtualization: none",
                 "ktest: 1 skipped", "ktest: 1 passed, 0 failed")
        self.assertEqual(run.check_ktest(b), 1)
        self.assertEqual(run.ktest_skips(b), ["vmm_x"])

    def test_skip_fails_where_virtualization_is_offered(self):
        b = boot("ktest: ok a", "ktest: skip vmm_x: no virtualization: none",
                 "ktest: 1 skipped", "ktest: 1 passed, 0 failed")
        with self.assertRaisesRegex(run.Failed, "skipped where virtualization is offered"):
            run.no_ktest_skipped(b)

    def test_cpu_feature_skip_is_allowed_where_virtualization_is_offered(self):
        b = boot("ktest: ok a", "ktest: skip uaccess_smap: the CPU has no SMAP",
                 "ktest: 1 skipped", "ktest: 1 passed, 0 failed")
        self.assertEqual(run.check_ktest(b), 1)
        run.no_ktest_skipped(b)

    def test_every_test_skipped_fails(self):
        b = boot("ktest: skip vmm_x: no virtualization: none", "ktest: 1 skipped",
                 "ktest: 0 passed, 0 failed")
        with self.assertRaisesRegex(run.Failed, "ran no tests"):
            run.check_ktest(b)

    def test_skip_lines_must_match_the_summary(self):
        b = boot("ktest: ok a", "ktest: skip vmm_x: why", "ktest: skip vmm_y: why",
                 "ktest: 1 skipped", "ktest: 1 passed, 0 failed")
        with self.assertRaisesRegex(run.Failed, "2 `ktest: skip` line"):
            run.check_ktest(b)

    def test_failure_still_fails(self):
        b = boot("ktest: FAIL a: x at f.c:1", "ktest: 0 passed, 1 failed")
        with self.assertRaisesRegex(run.Failed, "1 failed"):
            run.check_ktest(b)


if __name__ == "__main__":
    unittest.main()
