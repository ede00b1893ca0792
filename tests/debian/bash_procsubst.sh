# Bash's process substitution: <(...) and >(...) are /dev/fd/N, a pipe's
# descriptor reopened through /proc/self/fd/N.
mapfile -t lines < <(printf 'one\ntwo\nthree\n')
echo "mapfile ${#lines[@]}: ${lines[*]}"
comm <(printf '1\n2\n3\n') <(printf '1\n3\n4\n') | cat -A
paste -d, <(seq 3) <(seq 4 6)
while read -r n; do echo "read $n"; done < <(seq 2)
echo "to a substituted writer" > >(tr a-z A-Z > upper.txt)
wait $!
cat upper.txt
