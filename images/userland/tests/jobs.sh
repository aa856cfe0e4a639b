# Background jobs, wait, jobs, kill, fg (without a terminal: no job control, same results).
echo "== background"
sleep 0.2 &
p=$!
[ -n "$p" ] && [ "$p" -gt 0 ] && echo "have pid"
jobs
wait $p; echo "wait status $?"
jobs
(sleep 0.1; exit 6) &
wait $!; echo "bg exit $?"
echo bgout > bg.txt &
wait; cat bg.txt
sleep 5 &
kill %1; wait %1; echo "killed status $?"
sleep 5 &
k=$!
kill -TERM $k; wait $k; echo "term status $?"
sleep 5 & kill -9 $!; wait $!; echo "kill9 status $?"
sleep 0.1 & fg %1; echo "fg status $?"
echo a > seq.txt & wait; echo b >> seq.txt; cat seq.txt
true & false & wait; echo "wait all $?"
jobs; echo "no jobs left"
kill -0 $$; echo "self alive $?"
kill %9 2>&1; echo "bad job $?"
kill -s QUIT 999999 2>/dev/null; echo "no such pid $?"
rm bg.txt seq.txt
echo END
