# Functions (arguments, return, recursion, redirection, pipes) and case.
echo "== functions"
greet() { echo "hello $1 ($# args)"; }
greet world; greet "two words" x
ret() { return $1; echo unreachable; }
ret 4; echo "ret $?"; ret 0 && echo "ret ok"
early() {
  for i in 1 2 3; do
    [ $i = 2 ] && return 9
    echo "loop $i"
  done
}
early; echo "early $?"
fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }
fact 12
args() { echo "$#:$*"; shift; echo "after shift $1"; }
set -- outer1 outer2 outer3
args a b c; echo "outer still $# $1"
sub() ( cd /; pwd )
sub; pwd | grep -c /
counter=0
inc() { counter=$((counter + 1)); }
inc; inc; inc; echo "counter $counter"
greet piped | wc -w
greet redirected > fn.txt; cat fn.txt; rm fn.txt
greet() { echo "redefined $1"; }
greet again
return 2>&1; echo "return outside $?"
echo "== case"
for w in apple banana "c d" x.txt 42 "" other; do
  case $w in
    a*) echo "[$w] starts with a";;
    b*|c*) echo "[$w] b or c" ;;
    *.txt) echo "[$w] text"
      ;;
    [0-9]*) echo "[$w] number";;
    "") echo "[] empty";;
    *) echo "[$w] other";;
  esac
done
case "*" in "*") echo literal-star;; esac
case abc in a"*") echo wrong;; a*) echo right;; esac
p="b?"; case bx in $p) echo var-pattern;; esac
case z in (z) echo paren-form;; esac
case none in a) echo no;; esac; echo "no match $?"
case x in x) false;; esac; echo "body status $?"
kind() { case $1 in -*) echo option;; *) echo operand;; esac; }
kind -v; kind file
echo "== local"
x=global; y=keep
lf() { local x=inner z; echo "in lf: $x [$z]"; x=changed; local x; echo "again $x"; lg; }
lg() { echo "lg sees $x"; local y=lg-local; echo "lg y=$y"; }
lf; echo "after: $x $y [${z-unset}]"
lr() { local n=$1; if [ $n -gt 0 ]; then lr $((n-1)); fi; echo "n=$n"; }
lr 2
local q 2>&1; echo "local outside $?"
echo END
