# Text tools: cat, grep (-E -c -v -n -i -o), sed (-n s///p, ranges, d),
# awk (fields, sums, printf, arrays), sort (-n -k -r -u -t), uniq, cut, tr,
# head, tail, wc.
cat > data.txt <<'EOT'
alice 30 paris
bob 25 london
carol 35 paris
dave 28 berlin
eve 22 london
EOT
cat -n data.txt
grep -E 'a(l|r)' data.txt
grep -c london data.txt
grep -v paris data.txt | grep -n .
grep -i -o 'BO.' data.txt
sed -n 's/^\([a-z]*\) \([0-9]*\).*/\2:\1/p' data.txt
sed '2,3d' data.txt
sed -n '/carol/,/eve/p' data.txt | sed 's/ /_/g'
awk '{ s += $2 } END { print "total", s, "mean", s / NR }' data.txt
awk '{ n[$3]++ } END { for (c in n) print c, n[c] }' data.txt | sort
awk -F' ' '$2 > 26 { printf "%-6s%4d\n", $1, $2 }' data.txt
sort -n -k2 data.txt
sort -r -k3,3 -k1,1 data.txt
printf '3\n1\n2\n3\n1\n' | sort -nu
printf 'b:2\na:10\nc:1\n' | sort -t: -k2 -n
cut -d' ' -f1,3 data.txt
tr 'a-z' 'A-Z' < data.txt | head -n 2
tail -n 2 data.txt
wc data.txt
wc -l < data.txt
