# Pipelines: several stages, exit status of the last stage, a pipeline into a
# loop, a long stream through cat, and $? of `!`.
printf '%s\n' pear apple fig apple kiwi pear apple | sort | uniq -c | sort -rn -k1,1 -k2
echo "one two three" | tr ' ' '\n' | wc -l
seq 1 20000 | cat | cat | tail -n 1
seq 1 5 | while read -r n; do echo "square $n = $((n * n))"; done
false | true; echo "false | true: $?"
true | false; echo "true | false: $?"
! echo hidden | grep -q shown; echo "! pipeline: $?"
yes line | head -n 3
