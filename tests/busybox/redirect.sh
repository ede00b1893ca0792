# Redirections: >, >>, <, 2>&1, 2>file, >&2, <>, exec with descriptors, here-strings
# through files, /dev/null.
umask 022
echo first > f
echo second >> f
cat < f
ls nonexistent 2>&1 | sed 's/^/err: /'
ls nonexistent 2> err.txt; echo "ls status $?"
cat err.txt
{ echo out; echo err >&2; } > both.txt 2>&1
cat both.txt
{ echo out; echo err >&2; } 2>/dev/null
exec 4> fd4.txt
echo "via fd 4" >&4
exec 4>&-
cat fd4.txt
exec 5< f
read -r a <&5
read -r b <&5
exec 5<&-
echo "read $a then $b"
echo hello > rw.txt
exec 6<> rw.txt
read -r w <&6
echo " world" >&6
exec 6>&-
echo "read $w"; cat rw.txt
wc -c < f
cat /dev/null > f; wc -c < f
