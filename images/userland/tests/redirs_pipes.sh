# Pipes and redirections.
echo "== pipes"
echo hello | cat
seq 1 10 | grep 1 | wc -l
seq 5 | sort -r | head -n 2 | tail -n 1
echo abc | { read x; echo "got $x"; }
false | true; echo "last of pipe $?"
true | false; echo "last of pipe $?"
! echo x | grep -q y; echo "negated $?"
seq 1000 | tail -1
seq 20000 | wc -c
echo "== redirections"
echo one > r.txt; echo two >> r.txt; cat r.txt
echo three > r.txt; cat < r.txt
wc -l < r.txt
cat nonexist 2> err.txt; echo "cat status $?"; cat err.txt
cat nonexist > out.txt 2>&1; cat out.txt
cat nonexist 2>&1 >/dev/null | wc -l
echo to-stderr >&2 2>/dev/null
{ echo a; echo b >&2; } 2>/dev/null
{ echo c; echo d >&2; } 2>&1 | sort -r
echo x 1>&-; echo "closed stdout $?" 2>/dev/null
exec 3> fd3.txt; echo via3 >&3; exec 3>&-; cat fd3.txt
echo rw <> rw.txt; cat rw.txt
cat < nonexist_in 2>&1; echo "in status $?"
echo > /nonexistent_dir/x 2>&1; echo "bad target $?"
for i in 1 2 3; do echo loop$i; done > loop.txt; cat loop.txt
if true; then echo if-out; fi > if.txt; cat if.txt
while read l; do echo "line:$l"; done < loop.txt
(echo sub1; echo sub2) | wc -l
x=$(cat r.txt); echo "x=$x"
> empty.txt; wc -c empty.txt
rm r.txt err.txt out.txt fd3.txt rw.txt loop.txt if.txt empty.txt
echo "== here-documents"
x=world
cat <<EOF
hello $x "quoted" \$x $(echo sub) $((2+3)) \"bs
  indented
EOF
cat <<"EOF"; echo after-quoted
literal $x $(echo no)
EOF
cat <<'E1' | wc -l
a
b
E1
	cat <<-END
	tabs stripped
		one kept
	END
for i in 1 2; do cat <<X
iter $i
X
done
f() { cat; }
f <<E
to function
E
while read a b; do echo "$b-$a"; done <<EOF
1 one
2 two
EOF
seq 10000 > big.txt; cat <<EOF | wc -c
$(cat big.txt)
EOF
rm big.txt
echo END
