# Processes from bash: pipelines, subshells, background jobs, wait, traps,
# signals, exit statuses, command substitution, exec and redirections.
out=$( (echo inner; exit 7) ); echo "subshell said $out, status $?"
{ echo to-stderr >&2; echo to-stdout; } 2>&1 | sort
exec 3> fd3.txt; echo "via fd 3" >&3; exec 3>&-; cat fd3.txt
( sleep 0.2; echo "background done" ) &
bg=$!
echo "waiting"
wait "$bg"; echo "wait status $?"
for i in 1 2 3; do ( exit "$i" ) & pids+=($!); done
for p in "${pids[@]}"; do wait "$p"; echo "job status $?"; done
sleep 10 &
victim=$!
kill -TERM "$victim"
wait "$victim"; echo "killed status $?"
trap 'echo "got USR1"' USR1
kill -USR1 $$
echo "after USR1"
trap - USR1
bash -c 'exit 42'; echo "child status $?"
{ bash -c 'kill -KILL $$'; } 2>/dev/null; echo "self-killed status $?"
seq 1 100000 | grep -c 7
seq 1 5 | while read -r n; do echo "line $n"; done | tail -n 2
cat <<EOT | tr a-z A-Z
here document with $((1 + 1)) expansions
EOT
coproc UPPER { tr a-z A-Z; }
echo "through a coprocess" >&"${UPPER[1]}"
exec {UPPER[1]}>&-
read -r line <&"${UPPER[0]}"; echo "$line"
wait
ulimit -n > /dev/null && echo ulimit-ok
echo "$(echo "$(echo nested)")"
x=$(printf 'trailing\n\n\n'); echo "[$x]"
bash -c 'echo "argv: $0 $1 $2"' zero one two
env VAR=set bash -c 'echo "env VAR=$VAR"'
type -t cd ls exit
command -v sort
hash -r
echo done
