# Nested sh -c with quoting: positional parameters, $0, nested quotes,
# three levels deep, and exit statuses passed up.
sh -c 'echo "inner: $0 $1 $2"' zero one "two words"
sh -c 'sh -c "echo level two: \$1" x "it'"'"'s"'
sh -c 'sh -c '\''sh -c "echo level three"'\'''
sh -c 'echo "$@"' - a "b c" d
sh -c 'exit 3'; echo "status $?"
sh -c 'sh -c "exit 4"; echo "inner status $?"; exit 5'; echo "outer status $?"
msg='single '"'"'quote'"'"' and "double"'
sh -c 'echo "$1"' sh "$msg"
sh -c 'printf "%s|" "$@"; echo' sh '' ' ' '*' '$HOME'
