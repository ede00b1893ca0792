# Shell builtins only (no fork, pipe or poll): echo, printf, arithmetic,
# for/while/until loops, break/continue, case, functions with local and
# return codes, $? $# "$@", set --, shift, parameter expansions, IFS.
echo "echo: plain"
printf '%s|%5d|%-4s|%x|%o|%c\n' word 42 ab 255 8 xyz
printf '%s\n' one two three
i=0 sum=0
while [ $i -lt 10 ]; do
	i=$((i + 1))
	[ $((i % 3)) -eq 0 ] && continue
	sum=$((sum + i))
done
echo "while: sum of 1..10 without multiples of 3 = $sum"
n=5
until [ $n -eq 0 ]; do
	printf '%d ' $n
	n=$((n - 1))
done
echo
for w in alpha beta gamma delta; do
	[ "$w" = delta ] && break
	echo "for: $w (${#w} letters)"
done
classify() {
	case $1 in
	[0-9]*) echo "$1: number" ;;
	*.sh) echo "$1: script" ;;
	"") echo "(empty): nothing" ;;
	*) echo "$1: word" ;;
	esac
}
for x in 12 run.sh hello ""; do classify "$x"; done
counter() {
	local v=$1
	v=$((v * 2))
	echo "counter: local v=$v"
	return $((v % 7))
}
v=outer
counter 5
echo "counter returned $?, v is still $v"
args() { echo "args: $# -> $*"; for a in "$@"; do echo "  [$a]"; done; }
args "a b" c "" 'd  e'
set -- x y z
echo "set --: $# $1 $3"
shift 2
echo "after shift 2: $# $1"
path=/usr/local/lib/libfoo.so.1.2
echo "${path##*/} ${path%/*} ${path#/usr/} ${path%%.*}"
unset undef
echo "${undef:-default} ${undef-unset} ${#path}"
s="a:b::c"
IFS=:
set -- $s
IFS=' '
echo "IFS split: $# fields: $1,$2,$3,$4"
echo "arith: $((7 * 6)) $((2 ** 10)) $((17 / 5)) $((17 % 5)) $((1 << 4)) $((~0)) $((3 > 2 && 1))"
false || echo "false || runs"
true && echo "true && runs"
! false && echo "! false is true"
test -n "x" -a -z "" && echo "test -a works"
[ abc \< abd ] && echo "string compare works"
