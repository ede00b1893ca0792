# Background jobs: & and wait, wait PID's status, $!, several jobs whose
# outputs land in files, and wait with no argument.
(sleep 1; echo "slow done" > slow.txt) &
slow=$!
(echo "fast done" > fast.txt; exit 4) &
fast=$!
wait $fast; echo "fast status $?"
wait $slow; echo "slow status $?"
cat fast.txt slow.txt
for i in 1 2 3; do (echo "job $i" > "job$i.txt") & done
wait
cat job1.txt job2.txt job3.txt
[ "$slow" != "$fast" ] && echo "distinct PIDs"
sleep 5 &
kill $!
wait $!; echo "killed job status $?"
