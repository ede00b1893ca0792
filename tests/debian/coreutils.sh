# Pipelines of coreutils: seq, sort, uniq, wc, cut, tr, head, tail, paste,
# date, md5sum, sha256sum, stat, ls -l --time-style, and friends.
umask 022
seq 1 20 | paste -sd+ | tr -d '\n'; echo
seq 100 | tail -n 5 | head -n 3
seq 10 -3 -5
printf 'pear\napple\nfig\napple\nkiwi\npear\napple\n' > fruits
sort fruits | uniq -c | sort -k1,1nr -k2 | tr -s ' '
sort -u fruits | wc -l
wc -l -w -c < fruits
cut -c1-3 fruits | sort | uniq | tr '\n' ' '; echo
printf 'a:b:c\n1:2:3\nx:y:z\n' | cut -d: -f2,3
echo "Hello World" | tr 'a-z' 'A-Z' | tr -s 'L'
echo hello | fold -w1 | tac | tr -d '\n'; echo
printf '3 c\n1 a\n2 b\n10 j\n' | sort -n | cut -d' ' -f2 | tr -d '\n'; echo
printf '3 c\n1 a\n2 b\n10 j\n' | sort -k2r | head -2

date -d @0 -u
date -u -d @1700000000 '+%Y-%m-%d %H:%M:%S %A %j'
date -u -d '2024-02-29 12:34:56' +%s
date -u -d '2000-01-01 + 45 days' +%F

printf 'pallas\n' > a.txt
md5sum a.txt
sha256sum a.txt
sha1sum < a.txt
printf '' | sha256sum
seq 1000 | md5sum
b2sum -l 128 a.txt
base64 a.txt
base64 a.txt | base64 -d
od -An -tx1 a.txt

head -c 1000 /dev/zero > zeros
mkdir -p dir/sub
ln -s a.txt link
chmod 0640 a.txt
chmod 0755 dir
touch -d '2021-03-04 05:06:07' a.txt zeros
touch -h -d '2022-01-01 00:00:00' link
stat -c '%n %s %a %A %F %U %G %y' a.txt zeros
stat -c '%n %F %N' link
stat -c '%n %F %a' dir
stat -L -c '%n %s' link
ls -l --time-style='+%Y-%m-%d %H:%M' a.txt zeros link |
	awk '{ printf "%s %s %s %s", $1, $5, $6, $7; for (i = 8; i <= NF; i++) printf " %s", $i; print "" }'
ls -1
ls -1 -t a.txt zeros link dir | head -1
readlink link
realpath -s --relative-to=dir link
truncate -s 4097 zeros
stat -c '%s' zeros
du -b a.txt | cut -f1
basename /usr/lib/x86_64-linux-gnu/libc.so.6 .6
dirname /usr/lib/x86_64-linux-gnu/libc.so.6
expr 6 \* 7
factor 360 1000003
echo $(( $(nproc) > 0 ))
printf 'a b\nb c\nd c\n' | tsort | tr '\n' ' '; echo
yes pallas | head -n 3
seq -w 8 11
printf '%08.3f|%-5s|%5s|%o\n' 3.14159 ab cd 64
numfmt --to=iec 1048576 2>/dev/null
id -u; id -un; whoami
uname -s
env -i A=1 B=2 env | sort
timeout 5 true; echo "timeout status $?"
test -d dir && test ! -e nothere && echo tests-ok
