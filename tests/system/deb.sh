# `cpack -G DEB` builds a .deb that a user can install: inspect it with dpkg-deb as a
# packager would, check that its runtime dependencies resolve on this system with apt,
# unpack it and run its programs from there, and print lintian's findings.
# Fails on a missing program, man page, unit or dependency; lintian only informs.
source "$SP_SRC/tests/lib/common.sh"
version=$(sed -n 's/^project(sensorpipe VERSION \([0-9.]*\).*/\1/p' "$SP_SRC/CMakeLists.txt")
(cd "$SP_BUILD" && cpack -G DEB -B "$T/pkg") >"$T/cpack.log" 2>&1 || { cat "$T/cpack.log"; fail "cpack -G DEB"; }
deb=$(ls "$T"/pkg/sensorpipe_"$version"_*.deb 2>/dev/null | head -1)
[[ -f $deb ]] || fail "no sensorpipe_${version}_*.deb in $T/pkg: $(ls "$T/pkg")"
pass "built $(basename "$deb")"

run dpkg-deb -f "$deb" Package Version Architecture Depends Maintainer Description
assert_eq 0 "$status" "dpkg-deb -f"
echo "$out"
assert_contains "$out" "Package: sensorpipe" "package name"
assert_contains "$out" "Version: $version" "package version"
assert_contains "$out" "Architecture: $(dpkg --print-architecture)" "architecture"
depends=$(dpkg-deb -f "$deb" Depends)
assert_contains "$depends" "libc6" "Depends"
assert_contains "$depends" "libstdc++6" "Depends"
# Each program's own libraries, by Debian package name (from dpkg-shlibdeps).
tools=$(sp_tools)
for tool in $tools; do
  case $tool in
    mqtt-publish | mqtt-ingest) for p in libpaho-mqttpp3-1 libpaho-mqtt1.3; do assert_contains "$depends" "$p" "Depends ($tool)"; done ;;
    db-store | history-query) assert_contains "$depends" "libsqlite3-0" "Depends ($tool)" ;;
  esac
done
assert_not_contains "$depends" "-dev" "no -dev package in Depends"
pass "control fields: $depends"

run dpkg-deb -c "$deb"
assert_eq 0 "$status" "dpkg-deb -c"
contents=$out
for tool in $tools; do
  assert_contains "$contents" "./usr/bin/$tool" "package contents"
  assert_contains "$contents" "./usr/share/man/man1/$tool.1.gz" "package contents"
  assert_contains "$contents" "./usr/share/bash-completion/completions/$tool" "package contents"
done
for f in ./usr/share/man/man7/sensorpipe.7.gz ./usr/share/doc/sensorpipe/copyright \
  ./usr/share/doc/sensorpipe/changelog.gz ./usr/lib/systemd/system/sensorpipe@.service \
  ./usr/lib/systemd/system/sensorpipe-sim@.service ./usr/libexec/sensorpipe/sensorpipe-pipeline \
  ./usr/share/sensorpipe/examples/sensorpipe.cron; do
  assert_contains "$contents" "$f" "package contents"
done
[[ " $tools " == *" ws-serve "* ]] && assert_contains "$contents" "./usr/share/sensorpipe/www/index.html" "package contents"
assert_not_contains "$contents" "./usr/local" "nothing under /usr/local"
assert_not_contains "$contents" "test_" "no test binaries"
pass "contents: $(grep -c '^-' <<<"$contents") files"

# Its dependencies resolve with apt (simulated: nothing is installed on this machine).
run apt-get install --simulate --no-install-recommends "$deb"
assert_eq 0 "$status" "apt-get install --simulate $deb: $err"
assert_contains "$out" "Inst sensorpipe" "apt-get --simulate would install it"
pass "apt-get install --simulate resolves the dependencies"

# Unpacked, its programs run and its units point at /usr.
dpkg-deb -x "$deb" "$T/root"
for tool in $tools; do
  run "$T/root/usr/bin/$tool" --version
  assert_eq 0 "$status" "unpacked $tool --version"
  assert_contains "$out" "$version" "unpacked $tool --version"
done
unit=$(cat "$T/root/usr/lib/systemd/system/sensorpipe@.service")
assert_contains "$unit" "ExecStart=/usr/libexec/sensorpipe/sensorpipe-pipeline" "packaged unit"
assert_contains "$unit" "/usr/bin/mqtt-ingest" "packaged unit"
zcat "$T/root/usr/share/man/man7/sensorpipe.7.gz" | grep -q '^\.SH DELIVERY GUARANTEES' || fail "sensorpipe.7.gz content"
pass "unpacked programs run"

# lintian's findings are printed for the packager, not enforced.
if command -v lintian >/dev/null; then
  lintian --allow-root --tag-display-limit 0 "$deb" >"$T/lintian.txt" 2>&1 || true
  echo "lintian findings ($(grep -c '^[EWI]:' "$T/lintian.txt" || true)):"
  sed 's/^/  /' "$T/lintian.txt"
else
  echo "lintian not installed: no findings to report"
fi
