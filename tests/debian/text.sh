# The text tools: grep -E, sed, gawk.
cat > data.csv <<'CSV'
name,dept,salary,start
alice,eng,120000,2019-03-01
bob,ops,85000,2020-07-15
carol,eng,135000,2017-11-30
dave,sales,70000,2021-01-04
erin,ops,92000,2018-05-22
frank,eng,99000,2022-09-09
CSV
grep -E '^(a|c)[a-z]+,eng' data.csv
grep -c eng data.csv
grep -vn 'eng' data.csv
grep -oE '[0-9]{4}-[0-9]{2}' data.csv | sort | head -3
grep -w -i 'OPS' data.csv | cut -d, -f1
grep -E 'x{3,}' data.csv; echo "grep no match $?"
printf 'foo\nbar\n' | grep -q bar && echo found-bar
grep -F -e '.csv' -e 'eng,' data.csv | wc -l

sed -n '2,3p' data.csv
sed -e 's/,/ | /g' -e '1d' data.csv | head -2
sed -E 's/^([a-z]+),([a-z]+).*/\2:\1/' data.csv | tail -n +2 | sort
sed '/ops/d; s/eng/ENG/' data.csv
sed -n '/carol/,/erin/{=;p}' data.csv
printf 'one\ntwo\nthree\n' | sed '1!G;h;$!d'
printf 'x\n' > edit.txt; sed -i 's/x/edited in place/' edit.txt; cat edit.txt
printf 'a b c\n' | sed 'y/abc/xyz/'

awk -F, 'NR > 1 { sum[$2] += $3; n[$2]++ } END { PROCINFO["sorted_in"] = "@ind_str_asc"; for (d in sum) printf "%-6s %d %.2f\n", d, n[d], sum[d] / n[d] }' data.csv
awk -F, 'NR > 1 && $3 > 90000 { print toupper($1), length($1) }' data.csv
awk 'BEGIN { x = 2 ^ 10; printf "%d %s %.3f %e\n", x, substr("pallas", 2, 3), atan2(0, -1), 12345.678 }'
awk 'BEGIN { n = split("c b a d", arr); asort(arr); for (i = 1; i <= n; i++) printf "%s ", arr[i]; print "" }'
awk -F, 'NR > 1 { split($4, d, "-"); years[d[1]]++ } END { PROCINFO["sorted_in"] = "@ind_num_asc"; for (y in years) print y, years[y] }' data.csv
seq 5 | awk '{ s += $1; print NR, $1, s }'
echo "The quick brown fox" | awk '{ for (i = NF; i > 0; i--) printf "%s%s", $i, (i > 1 ? " " : "\n") }'
awk 'BEGIN { printf "%s\n", gensub(/([a-z]+)-([0-9]+)/, "\\2-\\1", "g", "abc-123 def-456") }'
awk 'BEGIN { print strftime("%Y-%m-%d %H:%M:%S", 0, 1); print mktime("2020 01 01 00 00 00") }'
awk 'BEGIN { "echo from-a-command" | getline v; print v; print "to sort" | "sort"; close("sort") }'
gawk --version | head -1 | cut -d, -f1
