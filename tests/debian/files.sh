# find, tar, gzip and xargs on a tree made here.
umask 022
mkdir -p src/a/b src/c
for f in src/one.txt src/a/two.txt src/a/b/three.log src/c/four.txt; do
	printf 'content of %s\n' "$f" > "$f"
done
seq 1 2000 > src/c/numbers.dat
ln -s ../one.txt src/a/link
find src -print | sort
find src -type f -name '*.txt' | sort
find src -type l -printf '%p -> %l\n'
find src -type f -size +1k -printf '%f %s\n'
find src -mindepth 2 -type d | sort
find src -name '*.log' -exec cat {} \;
find src -type f -print0 | sort -z | xargs -0 wc -l | sort -k2
find src -type f | sort | xargs -n 2 echo pair
find src -newer src/one.txt -name nothing; echo "find status $?"

touch -d '2020-01-01 00:00:00' $(find src) 2>/dev/null
find src -exec touch -h -d '2020-01-01 00:00:00' {} +
tar --sort=name --owner=0 --group=0 --numeric-owner -cf src.tar src
tar -tvf src.tar | awk '{print $1, $3, $6}'
tar --sort=name -czf src.tgz src
mkdir out && tar -xzf src.tgz -C out
find out -type f | sort | xargs md5sum | sed 's|out/||'
find src -type f | sort | xargs md5sum

gzip -9 -c src/c/numbers.dat > numbers.gz
gzip -l numbers.gz | tail -1 | awk '{print $2}'
gunzip -c numbers.gz | md5sum
gzip -t numbers.gz && echo gzip-ok
cp src/c/numbers.dat n.dat && gzip n.dat && ls -1 n.dat* && gunzip n.dat.gz && wc -l n.dat
printf 'not gzip' > bad.gz
gunzip -c bad.gz > /dev/null 2>&1; echo "bad gzip status $?"
zcat numbers.gz | tail -n 2
tar -xOzf src.tgz src/a/two.txt
