# Shell language: quoting, variables, parameter forms, arithmetic, control flow, status.
echo "== quoting"
echo plain   words	tab
echo 'single $HOME "x"' "double 'y' \$z \" \\ \`" back\ slash \a
echo "multi
line"
echo a#b # a comment
x=5; echo "$x${x}x" '$x' "\$x"
echo ""; echo "[]" "[""]" ''
echo "== variables"
unset nothing
echo "[$nothing]" "[${nothing:-dflt}]" "[${nothing-dash}]" "[${nothing:+alt}]"
v=value; echo "${v:-no}" "${v:+yes}" "${#v}" "${v}s"
empty=; echo "[${empty:-e1}]" "[${empty-e2}]" "[${empty:=assigned}]" "[$empty]"
(echo "${must:?is required}") 2>&1; echo "status $?"
a=1 b=2; echo $a$b
c="two  words"; set -- $c; echo $#; set -- "$c"; echo $#
set -- one "two three" four
echo "$#" "$1" "$2" "$3"
for p in "$@"; do echo "<$p>"; done
for p in $*; do echo "{$p}"; done
shift; echo "$1|$#"; shift 2; echo "[$1]|$#"
echo "$0" | grep -c .
echo "== arithmetic"
echo $((6*7)) $((1+2*3)) $(((1+2)*3)) $((17/5)) $((17%5)) $((-17/5)) $((2-5))
echo $((1<2)) $((2<=1)) $((3==3)) $((3!=3)) $((!0)) $((~0)) $((1&&0)) $((0||5))
n=10; echo $((n*2)) $(($n+1)) $(( n - 3 ))
i=0; while [ $i -lt 5 ]; do i=$((i+1)); done; echo i=$i
echo $((9223372036854775807 + 1))
echo $((5/0)) 2>&1; echo "after div0 $?"
echo "== status"
true; echo $?; false; echo $?
true && echo and1; false && echo and2; false || echo or1; true || echo or2
false; echo $?; ! false; echo $?; ! true; echo $?
sh -c 'exit 7'; echo $?
(exit 3); echo $?
nosuchcommand_xyz 2>/dev/null; echo $?
echo "== control"
for w in a b c; do echo -n "$w "; done; echo
for w in 1 2 3 4 5; do if [ $w = 2 ]; then continue; fi; if [ $w = 4 ]; then break; fi; echo w$w; done
for o in 1 2; do for p in x y; do [ $p = y ] && continue 2; echo $o$p; done; done
k=0; until [ $k -ge 3 ]; do k=$((k+1)); echo k$k; done
if false; then echo no; elif true; then echo elif; else echo else; fi
if [ -z "" ]; then echo empty-ok; fi
while false; do echo never; done; echo "while status $?"
{ echo g1; echo g2; } | sed_missing 2>/dev/null; echo "pipe to missing $?"
{ echo in; echo group; } > grp.txt; cat grp.txt
( cd / && pwd ); pwd | grep -c .
echo "== substitution"
echo "$(echo inner)" $(echo a   b) "$(echo 'x  y')"
echo `echo back` "`echo quoted`"
d=$(printf_missing 2>/dev/null); echo "[$d] $?"
n=$(echo 3); echo $((n+n))
echo $(echo $(echo nested deep))
lines="$(seq 3)"; echo "$lines" | wc -l
echo "== eval read export"
eval 'e=evald; echo $e'
echo "alpha beta gamma" | { read f s r; echo "$f|$s|$r"; }
echo "one" | { read; echo "REPLY=$REPLY"; }
printf_none=1; export EXP=exported; sh -c 'echo child sees $EXP'; env | grep -c '^EXP=exported$'
NOEXP=hidden; sh -c 'echo "child [$NOEXP]"'
TEMPVAR=temp sh -c 'echo temp=$TEMPVAR'
echo "== globbing"
mkdir -p g && cd g && touch a1 a2 b1 .hidden
echo a*; echo ?1; echo [ab]2; echo "a*"; echo 'a*'; echo z*; echo .h*
cd .. && rm -r g
echo "== scripts"
echo 'echo script $# "$1"; exit 5' > s.sh
sh s.sh arg1 arg2; echo $?
sh -c 'echo "$0 $1"' name first
sh -c 'x=1; if [ $x = 1 ]; then
  echo multi-line
fi'
echo "DOTVAR=dotted" > t.sh; . ./t.sh; echo $DOTVAR; rm s.sh t.sh grp.txt
echo "== set -e -x"
(set -e; false || echo or-ok; if false; then :; fi; ! true; while false; do :; done; echo before; false; echo not-reached); echo "errexit $?"
(set -e; x=$(false); echo not-reached); echo "errexit subst $?"
sh -e -c 'f() { false; echo no; }; f; echo no2'; echo "sh -e $?"
(set -x; y=1 echo traced "$y") 2>&1
(set -ex; set +x; echo untraced) 2>&1
set -q 2>&1; echo "bad option $?"
set -- p1 p2; set -e -- q1; echo "$# $1"; set +e
echo END
