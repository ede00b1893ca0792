# Subshells: ( ) keeps cd, variables and exit from the parent; $( ) nests;
# a subshell's status; exit in a subshell.
mkdir -p d/e
x=parent start=$PWD
(cd d/e && x=child && echo "in subshell: ${PWD##*/} $x")
[ "$PWD" = "$start" ] && echo "back where it started, x=$x"
(exit 3); echo "subshell status $?"
echo "nested: $(echo "a$(echo "b$(echo c)")")"
out=$( (echo one; echo two) | wc -l)
echo "lines from a subshell: $out"
( set -e; false; echo "not printed" ); echo "set -e subshell: $?"
v=$(exit 5); echo "command substitution status $?"
