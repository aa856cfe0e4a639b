# Text utilities, hashes, test, echo, misc.
seq 1 12 > n.txt
printf_none=0
echo "Alpha beta
gamma DELTA
alpha again
  spaced   words  here
last" > t.txt
echo "== wc"
wc t.txt; wc -l t.txt; wc -w < t.txt; wc -c t.txt n.txt; wc -lw t.txt n.txt
echo "== grep"
grep alpha t.txt; grep -i alpha t.txt; grep -v a t.txt; grep -n a t.txt; grep -c a t.txt
grep -in ALPHA t.txt n.txt; grep -l alpha t.txt n.txt; grep -h 1 n.txt t.txt | head -3
grep -q gamma t.txt && echo found; grep -q zzz t.txt; echo "not found $?"
grep -E 'al+pha|DEL' t.txt; grep -F 'a.' t.txt; echo "F $?"; grep -x last t.txt; grep -w beta t.txt
grep -e Alpha -e last t.txt; grep '^[0-9]$' n.txt | wc -l; grep 'x\|1' n.txt
grep a nonexist 2>&1; echo "grep missing $?"
echo "== head tail"
head -3 n.txt; head -n 2 n.txt; head -c 5 n.txt; echo; tail -2 n.txt; tail -n 3 n.txt; tail -n +11 n.txt
tail -c 6 n.txt; head -n 1 t.txt n.txt; seq 100 | head -n 3; seq 100 | tail -n 2
head -n 0 n.txt; tail -n 0 n.txt; echo "zero ok"
echo "== sort"
sort t.txt; sort -r n.txt | head -3; sort -n n.txt | tail -2; sort n.txt | head -4
printf_n=0; echo "b
a
b
c
a" | sort -u; echo "10
9
10
-1
2.5" | sort -nu; echo "B
a
C" | sort -f; echo "x
y" | sort -r
echo "== hexdump"
echo "hello, world 0123456789" | hexdump -C
seq 40 | hexdump -C | tail -3
echo "== hashes"
echo -n "" > e.bin; echo -n abc > abc.bin
md5sum e.bin abc.bin; sha256sum e.bin abc.bin
echo "The quick brown fox jumps over the lazy dog" | md5sum
seq 10000 | sha256sum
sha256sum abc.bin > sums; sha256sum -c sums; echo x >> abc.bin; sha256sum -c sums 2>&1; echo "check $?"
echo "== test"
test 1 -eq 1 && echo eq; [ 2 -gt 1 ] && echo gt; [ 1 -ge 2 ] || echo not-ge; [ -5 -lt 3 ] && echo lt
[ abc = abc ] && echo streq; [ abc != abd ] && echo strne; [ -n x ] && echo n; [ -z "" ] && echo z
[ -f n.txt ] && echo file; [ -d . ] && echo dir; [ -e nonexist ] || echo noexist; [ -s e.bin ] || echo empty
[ ! -f n.txt ] || echo notnot; [ -f n.txt -a -d . ] && echo and; [ -f nonexist -o -d . ] && echo or
[ \( 1 -eq 2 \) -o 3 -eq 3 ] && echo paren; test; echo "empty test $?"; test x; echo "one arg $?"
[ 1 -eq x ] 2>&1; echo "bad int $?"; [ 1 = 1 2>&1; echo "missing bracket $?"
[ -r n.txt ] && [ -w n.txt ] && echo rw; [ -x n.txt ] || echo not-exec
echo "== echo seq misc"
echo -n no-newline; echo; echo -e 'tab\there\nnl \x41\0102'; echo -E 'raw\t'; echo -e 'stop\cnever'; echo
seq 3; seq 2 4; seq 10 -3 1; seq -s , 1 5
basename /a/b/c.txt; basename /a/b/c.txt .txt; basename /; dirname /a/b/c; dirname c; dirname /c
echo tee-me | tee tee.txt | wc -c; cat tee.txt; echo again | tee -a tee.txt >/dev/null; cat tee.txt
date -d @0; date -d @86399 '+%Y-%m-%d %H:%M:%S %a %b %j %s'; date -d @1700000000 +%F_%T_%A_%B_%e_%y_%u
date -d @0 +%%literal; date -d bogus 2>&1; echo "date bad $?"
date +%Y | grep -c '^20[0-9][0-9]$'
uname -m; kill -l 9; kill -l 15; kill -l TERM; kill -l 137
sleep 0.05; echo slept; sleep x 2>&1; echo "sleep bad $?"
env -i A=1 B=2 env; env -i X=y sh -c 'echo $X'
true; echo t$?; false; echo f$?
clear | hexdump -C
pwd | grep -c /
sync; echo synced
rm n.txt t.txt e.bin abc.bin sums tee.txt
mkdir -p gr/a gr/b; echo hit > gr/a/f; echo miss > gr/b/g; echo hit2 > gr/top
grep -r hit gr; (cd gr && grep -rn hit); grep -s hit nonexist gr/top; echo "grep -s $?"; grep -rc hit gr; rm -r gr
echo END
