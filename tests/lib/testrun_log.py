"""The serial protocol of the in-kernel list runner (containers/testrun.c):
`TAG: run NAME`, the program's output, `TAG: exit NAME code N|signal N`.
The ABI, busybox, Debian and hostile runners read their boots' logs with it."""
import re


def parse_log(text, tag):
    """{name: (output, status)} from the serial log, status "code N" or
    "signal N"; a program whose exit line is missing is left out."""
    run_re = re.compile(r"^%s: run (\S+)$" % re.escape(tag))
    exit_re = re.compile(r"^%s: exit (\S+) (code|signal) (\d+)$" % re.escape(tag))
    results, cur, buf = {}, None, []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        m = run_re.match(line)
        if m:
            cur, buf = m.group(1), []
            continue
        m = exit_re.match(line)
        if m and cur == m.group(1):
            results[cur] = ("".join(l + "\n" for l in buf), "%s %s" % (m.group(2), m.group(3)))
            cur = None
            continue
        if cur is not None:
            buf.append(line)
    return results
