# xargs: default, -n, -I, -0, a command with its own arguments, and exit
# statuses.
printf '%s\n' a b c d e | xargs echo
printf '%s\n' a b c d e | xargs -n 2 echo
printf '%s\n' x y | xargs -I{} echo "item {} done"
printf 'one\0two words\0' | xargs -0 -n 1 echo "arg:"
seq 1 10 | xargs | wc -w
echo 1 2 3 | xargs sh -c 'echo "$# args, last $3"' sh
echo x | xargs false; echo "xargs false: $?"
