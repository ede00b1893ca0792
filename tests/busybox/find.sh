# find: -name, -type, -maxdepth, -newer, -size, -exec, and -print0 into xargs.
umask 022
mkdir -p top/a/b top/c
touch top/one.txt top/a/two.txt top/a/b/three.log top/c/four.txt
ln -s one.txt top/link
find top | sort
find top -type d | sort
find top -type f -name '*.txt' | sort
find top -type l
find top -maxdepth 1 | sort
find top -name '*.log' -exec basename {} \;
find top -type f -print0 | xargs -0 ls -1 | sort
echo 12345678901 > top/c/big
find top -size +0 -type f
