# tar: create, list, extract and compare, with a gzip-compressed archive
# too; md5sum checks the round trip.
umask 022
mkdir -p src/dir
echo alpha > src/a
seq 1 1000 > src/dir/numbers
ln -s a src/link
touch -d '2022-01-01 00:00:00' src/a src/dir/numbers src/dir src
touch -h -d '2022-01-01 00:00:00' src/link
(cd src && md5sum a dir/numbers) > sums
tar cf arch.tar src
tar tf arch.tar | sort
tar tvf arch.tar | awk '{ print $1, $3, $4, $6 }' | sort -k4
mkdir out
tar xf arch.tar -C out
(cd out/src && md5sum -c ../../sums)
readlink out/src/link
tar czf arch.tgz -C src .
mkdir out2
tar xzf arch.tgz -C out2
(cd out2 && md5sum -c ../sums)
ls -l out2/dir/numbers | awk '{ print $1, $5, $6, $7, $8 }'
