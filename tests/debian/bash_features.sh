# Bash itself: arrays, associative arrays, [[ ]] with patterns and regexes,
# parameter expansion, arithmetic, command substitution,
# here-strings, mapfile, printf -v, local, brace expansion, extglob.
set -u
fruits=(apple banana "cherry pie" date)
echo "count ${#fruits[@]}; third ${fruits[2]}; slice ${fruits[*]:1:2}"
fruits+=(elderberry)
unset 'fruits[1]'
for i in "${!fruits[@]}"; do printf '%d=%s\n' "$i" "${fruits[$i]}"; done

declare -A color=([sky]=blue [grass]=green [sun]=yellow)
color[rose]=red
for k in $(printf '%s\n' "${!color[@]}" | sort); do echo "$k -> ${color[$k]}"; done
[[ -v color[sky] ]] && echo "sky is set"
[[ -v color[moon] ]] || echo "moon is not"

s="Hello, Debian World"
echo "${s,,} ${s^^} ${#s} ${s/World/Pallas} ${s#*, } ${s%% *} ${s:7:6}"
if [[ $s == Hello* && $s != *Linux* ]]; then echo "glob match"; fi
if [[ "release-12.11" =~ ^release-([0-9]+)\.([0-9]+)$ ]]; then
	echo "major ${BASH_REMATCH[1]} minor ${BASH_REMATCH[2]}"
fi
path=/usr/lib/python3.11/json/__init__.py
echo "${path##*/} ${path%/*} ${path//\//:}"
unset nothing
echo "default ${nothing:-fallback} ${nothing-unset}"

echo "arith $(( (7 + 3) * 4 % 9 )) $(( 2 ** 20 )) $(( 0x1f | 0100 )) $(( -17 / 5 )) $(( -17 % 5 ))"
n=5; (( n *= 3, n-- )); echo "n=$n"
let "m = n << 2"; echo "m=$m"

echo {a..e} {1..10..3} x{A,B}y
shopt -s extglob
for w in foo.c foo.h bar.txt baz.c; do
	case $w in
	@(foo|baz).c) echo "c source $w" ;;
	!(*.c)) echo "not c $w" ;;
	esac
done

square() { local x=$1; echo $((x * x)); }
total=0
for v in 1 2 3 4; do total=$((total + $(square "$v"))); done
echo "sum of squares $total"

mapfile -t lines <<< $'one\ntwo\nthree'
echo "mapfile ${#lines[@]}: ${lines[*]}"
read -r a b rest <<< "alpha beta gamma delta"
echo "read a=$a b=$b rest=$rest"
printf -v padded '%05d|%-6s|%x' 42 ab 255
echo "$padded"

count=0
while IFS=: read -r name _ uid _; do
	count=$((count + 1))
	echo "user $name uid $uid"
done < /etc/passwd
echo "users $count"

f() { return 3; }
f; echo "status $?"
false | true; echo "pipestatus ${PIPESTATUS[*]}"
set -o pipefail
false | true; echo "pipefail status $?"
set +o pipefail
trap 'echo "trap on exit"' EXIT
echo "bash ${BASH_VERSINFO[0]}.${BASH_VERSINFO[1]}"
