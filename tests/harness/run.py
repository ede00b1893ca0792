#!/usr/bin/env python3
"""The harness's own tests: every tests/harness/test_*.py (Python unittest).

They check the boot tools and the e2e harness on their failure paths with a
fake emulator, and the KVM probe.  Ends with `harness: N passed, N failed`
(`, N skipped` when some were); a test class whose every test skipped counts
as one failure, since it then tested nothing.

usage: tests/harness/run.py [-v] [PATTERN]   (PATTERN: test file glob, default test_*.py)
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))


class Counting(unittest.TextTestResult):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.passed = []
        self.ran_by_class = {}

    def addSuccess(self, test):
        super().addSuccess(test)
        self.passed.append(test)

    def startTest(self, test):
        super().startTest(test)
        self.ran_by_class.setdefault(type(test).__qualname__, []).append(test)


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    pattern = args[0] if args else "test_*.py"
    suite = unittest.defaultTestLoader.discover(HERE, pattern=pattern, top_level_dir=HERE)
    runner = unittest.TextTestRunner(stream=sys.stdout, verbosity=2 if verbose else 1,
                                     resultclass=Counting)
    result = runner.run(suite)
    skipped_ids = {id(t) for t, _ in result.skipped}
    all_skipped = [name for name, tests in result.ran_by_class.items()
                   if all(id(t) in skipped_ids for t in tests)]
    for name in all_skipped:
        print(f"harness: FAIL {name}: every test skipped, nothing was tested")
    failed = len(result.failures) + len(result.errors) + len(all_skipped) + \
        len(result.unexpectedSuccesses)
    line = f"harness: {len(result.passed)} passed, {failed} failed"
    if result.skipped:
        line += f", {len(result.skipped)} skipped"
    if result.testsRun == 0:
        print("harness: no tests found")
        failed += 1
    print(line)
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
