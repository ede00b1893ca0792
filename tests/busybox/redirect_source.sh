# Redirections of builtins, checked without cat or read (both need more than
# today's kernel has): what a file holds is run back with `.`.
umask 022
echo 'echo "first line"' > out.sh
echo 'echo "appended line"' >> out.sh
printf 'echo "%s"\n' "from printf" >> out.sh
{ echo 'echo "grouped stdout"'; echo 'echo "grouped stderr"' >&2; } >> out.sh 2>&1
. ./out.sh
: > empty
[ -s empty ] || echo "empty: zero size"
[ -s out.sh ] && echo "out.sh: not empty"
echo 'echo "replaced"' > out.sh
. ./out.sh
exec 3> fd3.sh
echo 'echo "via fd 3"' >&3
exec 3>&-
. ./fd3.sh
echo "to null" > /dev/null
echo "stderr to stdout" 2>&1 >&2
set -C
{ echo x > out.sh; } 2>/dev/null && echo "noclobber: overwrote" || echo "noclobber: refused"
set +C
. ./out.sh
