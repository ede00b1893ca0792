# Here-documents: expansion, quoted delimiters, <<- with tabs, into commands
# and loops, and a large one (more than a pipe holds).
name=world
cat <<EOT
hello $name
sum $((2 + 3)) and $(echo substituted)
EOT
cat <<'EOT'
no $expansion here, nor $(this)
EOT
cat <<-EOT
	leading tabs are stripped
		all of them
	EOT
while read -r key value; do
	echo "$key => $value"
done <<EOT
alpha 1
beta 2
gamma 3
EOT
sort -r <<EOT | head -n 2
a
c
b
EOT
i=0
big=$(while [ $i -lt 2000 ]; do echo "line $i"; i=$((i + 1)); done)
wc -l <<EOT
$big
EOT
