# gzip and gunzip round trips with md5sum, -c to stdout, zcat, -9, and a
# corrupt file.
umask 022
seq 1 5000 > plain
md5sum plain > sum
cp plain keep
gzip plain
[ -f plain ] || echo "plain replaced by plain.gz"
gunzip plain.gz
md5sum -c sum
gzip -9 -c keep > keep.gz
zcat keep.gz | md5sum | awk '{ print $1 }'
md5sum keep | awk '{ print $1 }'
gzip -c keep | gunzip -c | wc -l
echo "not gzip" > bad.gz
gunzip -c bad.gz > /dev/null 2>&1; echo "corrupt: status $?"
printf '' | gzip -c | gunzip -c | wc -c
