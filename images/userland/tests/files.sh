# File utilities.
echo "== mkdir rmdir touch ls"
mkdir d1; mkdir -p d2/sub/deep; mkdir d1 2>&1; echo "mkdir again $?"
mkdir -p d1; echo "mkdir -p exists $?"
touch d1/f1 d1/f2 d1/.dot; ls d1; ls -a d1; ls -A d1; ls -1 d1
ls -d d1 d2; ls -F d1 d2
ls -R d2
ls d1/f1 nonexist 2>&1; echo "ls status $?"
ls -l d1/f1 | { read m n u g s rest; echo "$m $s"; }
rmdir d2/sub/deep; rmdir -p d2/sub; ls -d d2 2>&1
rmdir d1 2>&1; echo "rmdir nonempty $?"
echo "== cp mv rm"
echo content > d1/f1
cp d1/f1 copy1; cat copy1
cp d1/f1 d1/f2 d2 2>&1 || mkdir d2; cp d1/f1 d1/f2 d2; ls d2
cp d1 d3 2>&1; echo "cp dir $?"
cp -r d1 d3; ls -A d3; cat d3/f1
mv copy1 moved; ls moved copy1 2>&1
mv moved d3; ls d3
mv d3 d4; ls -d d3 d4 2>&1
rm d4/f1; ls d4
rm d4 2>&1; echo "rm dir $?"
rm -r d4; ls -d d4 2>&1
rm nonexist 2>&1; echo "rm missing $?"
rm -f nonexist; echo "rm -f missing $?"
rm -rf d2 nonexist; echo "rm -rf $?"
echo "== ln"
echo target > t1
ln -s t1 s1; cat s1; test -L s1 && echo "is link"; ls -l s1 | grep -c -- '-> t1'
ln t1 h1; cat h1; echo more >> h1; cat t1
ln -s t1 s1 2>&1; echo "ln exists $?"
ln -sf h1 s1; cat s1
mkdir ld; ln -s ../t1 ld; cat ld/t1
rm -r s1 h1 t1 ld
echo "== cat"
printf_x=0; echo a > c1; echo b > c2; cat c1 c2; cat -n c1 c2; cat c1 - c2 < c1
cat nonexist c1 2>&1; echo "cat status $?"
cat d1 2>&1; echo "cat dir $?"
rm -r c1 c2 d1
echo END
