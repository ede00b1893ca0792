# read from here-documents: fields with IFS, -r, several variables, the rest
# in the last one, and a loop over /etc/passwd-like lines.
IFS=: read -r user pw uid gid rest <<EOT
root:x:0:0:root:/root:/bin/sh
EOT
echo "user=$user uid=$uid gid=$gid rest=$rest"
read -r one two <<EOT
a b c d
EOT
echo "one=$one two=$two"
read -r raw <<'EOT'
back\slash kept
EOT
echo "raw=$raw"
read cooked <<'EOT'
back\slash gone
EOT
echo "cooked=$cooked"
while IFS=, read -r k v; do
	printf '%-6s|%s\n' "$k" "$v"
done <<EOT
x,1
yy,22
zzz,333
EOT
