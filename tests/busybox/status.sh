# $? through commands, pipelines, && || chains, if/else, negation, and
# commands that are not found.
true; echo "true $?"
false; echo "false $?"
grep -q x /dev/null; echo "grep no match $?"
grep -q x /nonexistent 2>/dev/null; echo "grep missing file $?"
no_such_command_here 2>/dev/null; echo "not found $?"
sh -c 'exit 42'; echo "sh -c exit $?"
if ls / > /dev/null; then echo "if: then branch"; else echo "if: else"; fi
false && echo "not printed" || echo "|| after failed &&: $?"
expr 1 + 1 > /dev/null; echo "expr $?"
expr 0 + 0 > /dev/null; echo "expr zero $?"
test 3 -gt 2; echo "test $?"
