# Loops around external commands: for over command output, while with a
# counter and seq, nested loops with break 2 and continue.
for f in $(seq 3); do echo "seq: $f"; done
n=0
while [ "$(expr $n \< 4)" = 1 ]; do n=$(expr $n + 1); done
echo "expr counted to $n"
for i in 1 2 3; do
	for j in a b c; do
		[ $j = b ] && continue
		[ $i = 3 ] && break 2
		echo "$i$j"
	done
done
for w in $(echo "x y z" | tr ' ' '\n' | sort -r); do printf '%s ' "$w"; done
echo
