# trap on EXIT runs at the end, with $? of the last command.
# status: 4
trap 'echo "exit trap: status $?"' EXIT
echo "body"
f() { return 4; }
f
