# Functions with external commands: recursion through $(...), return codes,
# local variables, functions in pipelines.
fact() {
	if [ "$1" -le 1 ]; then echo 1; else echo $(($1 * $(fact $(($1 - 1))))); fi
}
echo "10! = $(fact 10)"
upper() { tr a-z A-Z; }
echo "shout" | upper
count_lines() { local n; n=$(wc -l < "$1"); echo "$1: $n lines"; }
printf 'a\nb\nc\n' > three
count_lines three
check() { grep -q "$1" three; }
check b && echo "b found"
check q || echo "q not found ($?)"
