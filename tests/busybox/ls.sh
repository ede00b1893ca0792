# ls -l on files made here with fixed modes and times; only the columns that
# hold on any machine (mode, size, date, name; no link counts, owners, totals).
umask 022
mkdir sub
echo hello > a.txt
printf '%05000d' 0 > big.bin
: > empty
ln -s a.txt link
chmod 600 a.txt
chmod 751 sub
chmod 4755 big.bin
touch -d '2021-03-04 05:06:07' a.txt big.bin empty sub
touch -h -d '2020-12-25 00:00:00' link
# A directory's size is the file system's own: shown as -.
ls -l | awk 'NR > 1 {
	s = $1 " " ($1 ~ /^d/ ? "-" : $5) " " $6 " " $7 " " $8
	for (i = 9; i <= NF; i++) s = s " " $i
	print s
}'
ls -ld sub | awk '{ print $1, $6, $7, $8, $9 }'
ls -1
ls -a -1
ls -1t
ls -1S a.txt big.bin empty link
ls -d s*
ls -l --full-time a.txt | awk '{ print $6, $7 }'
