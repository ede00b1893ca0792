# trap: EXIT in a subshell, a signal sent with kill to the shell itself,
# resetting a trap, and a trap in a background child killed by its parent.
(trap 'echo "subshell exit trap"' EXIT; echo "subshell body")
trap 'echo "got USR1"' USR1
kill -USR1 $$
echo "after USR1"
trap - USR1
sh -c 'trap "echo child TERM; exit 9" TERM; echo ready > ready; while :; do sleep 1; done' &
pid=$!
while [ ! -f ready ]; do sleep 1; done
kill -TERM $pid
wait $pid
echo "child status $?"
trap 'echo "main exit trap"' EXIT
