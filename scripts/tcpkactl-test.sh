#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Tests of scripts/tcpkactl against fake TCPKA_PROC trees of fixture files,
# every check under bash, dash and busybox sh (busybox awk then too: its
# sh runs its own applets). Prints "ok - NAME" / "not ok - NAME" per check;
# exits non-zero on any failure. Prometheus output is checked by promtool
# (from Debian's prometheus package, unpacked into the cache, not installed)
# and by a strict parser below.
# Checks are strings given to eval, expanded when they run; $sh may be two
# words ("busybox sh").
# shellcheck disable=SC2016,SC2034,SC2086,SC2001,SC1091
set -uo pipefail
. "$(dirname "$0")/lib.sh"

CTL=${TCPKA_CTL:-$TCPKA_TOP/scripts/tcpkactl}
need_pkgs busybox-static dash strace e2fsprogs util-linux shellcheck curl
promtool=$(promtool_bin)

work=$(mktemp -d /tmp/tcpkactl-test.XXXXXX)
chmod 0755 "$work"
trap 'chattr -i "$work"/fx/net/tcpka/policy 2>/dev/null; rm -rf "$work"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() {
	failed=$((failed + 1))
	echo "not ok - $1"
	# What the failed run printed, for the log.
	{
		echo "    rc=${rc-}"
		sed 's/^/    out: /' <<<"${out-}"
		sed 's/^/    err: /' <<<"${err-}"
	} | head -40
}
# t NAME CONDITION...: one check.
t() {
	local name=$1
	shift
	if "$@"; then ok "$sh_name: $name"; else not_ok "$sh_name: $name"; fi
}
has() { grep -qF -- "$2" <<<"$1"; }
hasline() { grep -qxF -- "$2" <<<"$1"; }

# --- fixtures -----------------------------------------------------------

fixture() { # fixture DIR: a fake /proc with tcpka loaded
	local d=$1
	rm -rf "$d"
	mkdir -p "$d/net/tcpka" "$d/sys/net/tcpka" "$d/self"
	cat >"$d/net/tcpka/stats" <<-'EOF'
	sockets_enforced 12
	probes_sent 40
	rounds_started 31
	outcome_ack 27
	outcome_rst 1
	outcome_timeout 2
	outcome_user_timeout 1
	outcome_zero_window 0
	outcome_addr_lost 4
	rounds_abandoned 0
	track_overflow 0
	cgroup_rows_overflow 0
	force_reapplied 3
	sockets_rearmed 0
	dry_run_matched 0
	hooks_missed 5
	rounds_in_progress 2
	future_thing 7
	EOF
	cat >"$d/net/tcpka/cgroups" <<-'EOF'
	cgroup sockets_enforced probes_sent outcome_ack outcome_rst outcome_timeout outcome_user_timeout rounds_abandoned sockets_rearmed dry_run_matched policy
	/ 0 4 4 0 0 0 0 0 0 -
	/tcpka.slice/web 3 9 5 1 1 0 0 0 0 idle=2,intvl=1,cnt=3,mode=force,from=/tcpka.slice
	/a\040b 1 2 0 0 0 1 0 0 0 -
	/q"x\134y 0 1 1 0 0 0 0 0 0 -
	/n\012l 0 0 0 0 0 0 0 0 0 -
	EOF
	cat >"$d/net/tcpka/histograms" <<-'EOF'
	cgroup histogram count sum_ms le_1 le_2 le_4 le_8 le_16 le_32 le_64 le_128 le_256 le_512 le_1024 le_2048 le_4096 le_8192 le_16384 le_32768 le_65536 le_inf
	/tcpka.slice/web time_to_detect 2 9500 0 0 1 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2
	/tcpka.slice/web idle_at_reset 1 350000 0 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 1 1
	/a\040b time_to_detect 1 3000 0 0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1
	EOF
	cat >"$d/net/tcpka/probing" <<-'EOF'
	cookie local remote cgroup probes idle next
	4097 10.0.0.1:41234 10.0.0.2:7001 /tcpka.slice/web 1/3 5 1
	8200 [fd00::1]:50022 [fd00::2]:7001 /a\040b 2/3 12 1
	EOF
	printf 'set /tcpka.slice idle=2 intvl=1 cnt=3 mode=force\nset /system.slice/nginx.service idle=300 intvl=30 cnt=4\n' \
		>"$d/net/tcpka/policy"
	chmod 0600 "$d/net/tcpka/policy"
	printf '/system.slice/nginx.service pending\n/tcpka.slice bound\n' \
		>"$d/net/tcpka/policy_state"
	chmod 0400 "$d/net/tcpka/policy_state"
	chmod 0400 "$d/net/tcpka/probing"
	echo 1 >"$d/sys/net/tcpka/enabled"
	echo 0 >"$d/sys/net/tcpka/dry_run"
	echo 1 >"$d/sys/net/tcpka/log_verdicts"
	echo 300 >"$d/sys/net/tcpka/audit_idle"
	cat >"$d/net/tcpka/coverage" <<-'EOF'
	cgroup established keepalive_off keepalive_late
	/tcpka.slice/web 5 0 1
	/a\040b 3 2 0
	/ 2 2 0
	EOF
	# cgroup2 mounted somewhere else than /sys/fs/cgroup.
	printf 'sysfs /sys sysfs rw 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n' \
		>"$d/self/mounts"
}

# advise_fixture DIR: cgroups and histograms of known answers.
advise_fixture() {
	local d=$1
	rm -rf "$d"
	mkdir -p "$d/net/tcpka" "$d/sys/net/tcpka" "$d/self"
	cp "$fx/net/tcpka/stats" "$d/net/tcpka/stats"
	cat >"$d/net/tcpka/cgroups" <<-'EOF'
	cgroup sockets_enforced probes_sent outcome_ack outcome_rst outcome_timeout outcome_user_timeout rounds_abandoned sockets_rearmed dry_run_matched policy
	/quiet 0 4 4 0 0 0 0 0 0 -
	/nat 10 40 30 6 0 0 0 0 0 idle=400,intvl=10,cnt=3,mode=default,from=/nat
	/lb 10 40 30 6 0 0 0 0 0 idle=300,user_timeout=30000,addr_loss=5,mode=force,from=/
	/ok 3 9 5 1 0 0 0 0 0 idle=60,mode=default,from=/ok
	/legacy 0 9 0 0 3 0 0 0 0 -
	/peer 0 9 0 2 0 0 0 0 0 idle=1,mode=default,from=/peer
	EOF
	cat >"$d/net/tcpka/histograms" <<-'EOF'
	cgroup histogram count sum_ms le_1 le_2 le_4 le_8 le_16 le_32 le_64 le_128 le_256 le_512 le_1024 le_2048 le_4096 le_8192 le_16384 le_32768 le_65536 le_inf
	/nat time_to_detect 6 2400000 0 0 0 0 0 0 0 0 0 6 6 6 6 6 6 6 6 6
	/nat idle_at_reset 6 2400000 0 0 0 0 0 0 0 0 0 6 6 6 6 6 6 6 6 6
	/lb time_to_detect 6 2400000 0 0 0 0 0 0 0 0 1 6 6 6 6 6 6 6 6 6
	/lb idle_at_reset 6 1200000 0 0 0 0 0 0 0 0 6 6 6 6 6 6 6 6 6 6
	/ok time_to_detect 1 200000 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 1 1 1
	/ok idle_at_reset 1 200000 0 0 0 0 0 0 0 0 1 1 1 1 1 1 1 1 1 1
	/legacy time_to_detect 3 23625000 0 0 0 0 0 0 0 0 0 0 0 0 0 3 3 3 3 3
	/legacy idle_at_reset 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0
	/peer time_to_detect 2 1000 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2
	/peer idle_at_reset 2 1000 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2 2
	EOF
}
# advise_of OUT CGROUP: the suggest line of CGROUP's block.
advise_of() {
	awk -v c="$2" '$1 == "cgroup" { on = $2 == c } on && $1 == "suggest"' <<<"$1"
}

# The same data, the columns of cgroups and histograms in another order.
shuffle_columns() {
	local f
	for f in cgroups histograms; do
		awk '{ l = $NF; for (i = NF; i > 2; i--) $i = $(i - 1); $2 = l; print }' \
			"$1/net/tcpka/$f" >"$1/x" && mv "$1/x" "$1/net/tcpka/$f"
	done
}

fx=$work/fx
mkdir -p "$work/noproc" "$work/bin" "$work/nobin"
# No /sys/module/tcpka/version of a module the host may have loaded.
export TCPKA_SYS=$work/nosys
# A systemctl that knows two units.
cat >"$work/bin/systemctl" <<'EOF'
#!/bin/sh
case "$*" in
"show -p ControlGroup --value web.service") echo /tcpka.slice/web ;;
"show -p ControlGroup --value api.service") echo /system.slice/api.service ;;
"show -p Slice --value later.service") echo app-web.slice ;;
"show -p Slice --value rootish.service") echo -.slice ;;
*) echo ;;
esac
EOF
chmod +x "$work/bin/systemctl"
# A PATH with what tcpkactl runs, but no systemctl.
for c in awk cat dd mktemp rm mv cp wc tr grep sleep chmod; do
	ln -s "$(command -v "$c")" "$work/nobin/$c"
done

# run ARGS...: tcpkactl under $sh; sets out, err, rc.
run() {
	out=$(cd "$work" && TCPKA_PROC=${P:-$fx} PATH=$work/bin:$PATH $sh "$CTL" "$@" 2>"$work/err")
	rc=$?
	err=$(cat "$work/err")
}
pol() { cat "$fx/net/tcpka/policy"; }
setpol() { printf '%s' "$1" >"$fx/net/tcpka/policy"; }

# --- a strict parser of the Prometheus text format ----------------------

# prom_strict FILE: exits 0 when FILE is well-formed; else prints why.
prom_strict() {
	awk '
	function fail(m) { print "line " NR ": " m ": " $0; bad = 1; exit 1 }
	function family(n) {
		if (n in type) return n
		if (n ~ /_(bucket|sum|count)$/) {
			b = n; sub(/_(bucket|sum|count)$/, "", b)
			if (type[b] == "histogram") return b
		}
		return ""
	}
	# labels: parse {a="x",b="y"} strictly; sets lab[], returns the rest.
	function labels(s,   k, v, c) {
		split("", lab)
		if (substr(s, 1, 1) != "{") return s
		s = substr(s, 2)
		while (1) {
			if (substr(s, 1, 1) == "}") return substr(s, 2)
			if (!match(s, /^[a-zA-Z_][a-zA-Z0-9_]*="/)) fail("bad label name")
			k = substr(s, 1, RLENGTH - 2); s = substr(s, RLENGTH + 1); v = ""
			while (1) {
				c = substr(s, 1, 1)
				if (c == "") fail("unterminated label value")
				if (c == "\"") break
				if (c == "\\") {
					c = substr(s, 2, 1)
					if (c != "\\" && c != "\"" && c != "n") fail("bad escape \\" c)
					v = v "\\" c; s = substr(s, 3); continue
				}
				if (c == "\n") fail("raw newline")
				v = v c; s = substr(s, 2)
			}
			if (k in lab) fail("label " k " twice")
			lab[k] = v; s = substr(s, 2)
			if (substr(s, 1, 1) == ",") s = substr(s, 2)
			else if (substr(s, 1, 1) != "}") fail("expected , or }")
		}
	}
	/^# HELP / {
		if ($3 in help) fail("HELP twice")
		help[$3] = 1; next
	}
	/^# TYPE / {
		if ($3 in type) fail("TYPE twice")
		if ($4 !~ /^(counter|gauge|histogram|summary|untyped)$/ || NF != 4) fail("bad TYPE")
		if ($3 in seen) fail("TYPE after samples")
		type[$3] = $4; next
	}
	/^#/ { next }
	/^$/ { fail("empty line") }
	{
		if (!match($0, /^[a-zA-Z_:][a-zA-Z0-9_:]*/)) fail("bad metric name")
		n = substr($0, 1, RLENGTH)
		rest = labels(substr($0, RLENGTH + 1))
		if (rest !~ /^ (-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?|[-+]Inf|NaN)$/) fail("bad value")
		val = substr(rest, 2) + 0
		f = family(n)
		if (f == "") fail("sample without TYPE")
		if (f != cur) {
			if (f in closed) fail("family " f " not contiguous")
			if (cur != "") closed[cur] = 1
			cur = f
		}
		seen[f] = 1
		if (type[f] == "counter") {
			if (n !~ /_total$/) fail("counter without _total")
			if (val < 0) fail("negative counter")
		}
		if (type[f] == "histogram") {
			key = f SUBSEP lab["cgroup"]
			if (n == f "_bucket") {
				if (!("le" in lab)) fail("bucket without le")
				le = lab["le"] == "+Inf" ? "inf" : lab["le"] + 0
				if (key in last && val < last[key]) fail("buckets not cumulative")
				if (key in lastle && lastle[key] == "inf") fail("bucket after +Inf")
				if (key in lastle && le != "inf" && le <= lastle[key]) fail("le not increasing")
				last[key] = val; lastle[key] = le
				if (le == "inf") inf[key] = val
			} else if (n == f "_count") {
				if (!(key in inf)) fail("no +Inf bucket")
				if (inf[key] != val) fail("+Inf bucket != _count")
			} else if (n != f "_sum") fail("not a histogram sample")
		}
	}
	END { if (!bad && NR == 0) { print "empty"; exit 1 } }' "$1"
}

# --- the checks -----------------------------------------------------------

sh_name=lint
t "shellcheck tcpkactl (POSIX sh) and this test" eval \
	'shellcheck -s sh "$CTL" && shellcheck "$TCPKA_TOP/scripts/tcpkactl-test.sh"'

# --- the same checks under each shell ---------------------------------------

shells=("bash" "dash" "busybox sh")
for sh in "${shells[@]}"; do
	sh_name=${sh%% *}
	[ "$sh" = "busybox sh" ] && sh_name=busybox
	fixture "$fx"
	P=

	run --help
	t "help: exit 0, exit codes documented" eval \
		'[ $rc -eq 0 ] && has "$out" "3 module not loaded" && has "$out" "2 usage error"'
	run
	t "no command: exit 2" eval '[ $rc -eq 2 ]'
	run frobnicate
	t "unknown command: exit 2, prefixed message" eval \
		'[ $rc -eq 2 ] && has "$err" "tcpkactl: unknown command"'

	# status
	run status
	t "status" eval '[ $rc -eq 0 ] && hasline "$out" "module:       loaded" &&
		hasline "$out" "enabled:      1" && hasline "$out" "dry_run:      0" &&
		hasline "$out" "log_verdicts: 1" && hasline "$out" "policies:     2 (1 pending)" &&
		hasline "$out" "pending:      /system.slice/nginx.service" &&
		hasline "$out" "probing now:  2" &&
		hasline "$out" "rounds:       31 started: ack 27, rst 1, timeout 2, user_timeout 1, zero_window 0, addr_lost 4, abandoned 0" &&
		hasline "$out" "hooks missed: 5" && hasline "$out" "in progress:  2"'
	mkdir -p "$work/sysv/module/tcpka" && echo 0.2.0 >"$work/sysv/module/tcpka/version"
	TCPKA_SYS=$work/sysv run status
	t "status: the module's version" eval \
		'[ $rc -eq 0 ] && hasline "$out" "module:       loaded (version 0.2.0)"'
	P=$work/noproc run status
	t "status: module not loaded: exit 3" eval \
		'[ $rc -eq 3 ] && has "$err" "tcpkactl: module not loaded"'
	for c in "stats" "probing" "flush" "save" "prometheus" "top --count 1 --interval 0.1" "set /x idle=5" "del /x"; do
		# shellcheck disable=SC2086 # words of a command line
		P=$work/noproc run $c
		t "$c: module not loaded: exit 3" eval '[ $rc -eq 3 ]'
	done

	# stats
	run stats
	t "stats: totals, unknown names too" eval '[ $rc -eq 0 ] &&
		hasline "$out" "outcome_user_timeout   1" && hasline "$out" "outcome_addr_lost      4" && hasline "$out" "future_thing           7" &&
		[ "$(wc -l <<<"$out")" -eq 18 ] && hasline "$out" "hooks_missed           5" &&
		hasline "$out" "rounds_in_progress     2"'
	run stats --cgroup /tcpka.slice/web
	t "stats --cgroup: the row by column name, histograms" eval '[ $rc -eq 0 ] &&
		hasline "$out" "cgroup                 /tcpka.slice/web" &&
		hasline "$out" "probes_sent            9" && hasline "$out" "outcome_rst            1" &&
		hasline "$out" "policy                 idle=2,intvl=1,cnt=3,mode=force,from=/tcpka.slice" &&
		hasline "$out" "time_to_detect         count 2, mean 4.8 s" &&
		hasline "$out" "idle_at_reset          count 1, mean 350.0 s"'
	run stats --cgroup "/a b"
	t "stats --cgroup: an escaped path" eval '[ $rc -eq 0 ] &&
		hasline "$out" "probes_sent            2" && hasline "$out" "outcome_user_timeout   1"'
	run stats --cgroup /sys/fs/cgroup/unified/tcpka.slice/web/
	t "stats --cgroup: a path under the cgroup2 mount point" eval \
		'[ $rc -eq 0 ] && hasline "$out" "probes_sent            9"'
	run stats --cgroup /sys/fs/cgroup/unified
	t "stats --cgroup: the mount point is /" eval \
		'[ $rc -eq 0 ] && hasline "$out" "cgroup                 /" && hasline "$out" "probes_sent            4"'
	run stats --unit web.service
	t "stats --unit" eval '[ $rc -eq 0 ] && hasline "$out" "probes_sent            9"'
	run stats --unit gone.service
	t "stats --unit: no such unit: exit 1" eval \
		'[ $rc -eq 1 ] && has "$err" "tcpkactl: --unit gone.service: no such unit"'
	abs_sh="$(command -v "${sh%% *}")${sh#"${sh%% *}"}"
	# shellcheck disable=SC2086 # "busybox sh": two words
	out=$(cd "$work" && TCPKA_PROC=$fx PATH=$work/nobin $abs_sh "$CTL" stats --unit web.service 2>"$work/err")
	rc=$? err=$(cat "$work/err")
	t "stats --unit: no systemctl: exit 1" eval \
		'[ $rc -eq 1 ] && has "$err" "systemctl not found"'
	run stats --cgroup /nope
	t "stats --cgroup: no such row: exit 1" eval \
		'[ $rc -eq 1 ] && has "$err" "tcpkactl: no row for cgroup /nope"'
	run stats --cgroup nope
	t "stats --cgroup: a relative path: exit 2" eval '[ $rc -eq 2 ]'
	run stats --bogus
	t "stats: unknown option: exit 2" eval '[ $rc -eq 2 ]'

	# probing
	run probing
	want='cookie local           remote         cgroup           probes idle next
4097   10.0.0.1:41234  10.0.0.2:7001  /tcpka.slice/web 1/3    5    1
8200   [fd00::1]:50022 [fd00::2]:7001 /a\040b          2/3    12   1'
	t "probing: aligned columns, IPv6" eval '[ $rc -eq 0 ] && [ "$out" = "$want" ]'

	# audit
	run audit
	want='connections an idle timeout of 300 s (net.tcpka.audit_idle) takes unnoticed: keepalive off, or a first probe later

cgroup            established  keepalive_off  keepalive_late  unprotected
/tcpka.slice/web            5              0               1            1
/a b                        3              2               0            2
/                           2              2               0            2
total                      10              4               1            5'
	t "audit: a table with totals" eval '[ $rc -eq 0 ] && [ "$out" = "$want" ]'
	run audit --prometheus
	t "audit --prometheus: gauges" eval '[ $rc -eq 0 ] &&
		hasline "$out" "# TYPE tcpka_cgroup_keepalive_off gauge" &&
		hasline "$out" "tcpka_cgroup_keepalive_off{cgroup=\"/a b\"} 2" &&
		hasline "$out" "tcpka_cgroup_keepalive_late{cgroup=\"/tcpka.slice/web\"} 1" &&
		hasline "$out" "tcpka_cgroup_established{cgroup=\"/\"} 2"'
	run audit --bogus
	t "audit: unknown option: exit 2" eval '[ $rc -eq 2 ]'

	# advise: recorded histograms with known answers
	adv=$work/adv
	advise_fixture "$adv"
	P=$adv run advise
	t "advise: no RST, no suggestion" eval '[ $rc -eq 0 ] &&
		[ "$(advise_of "$out" /quiet)" = "suggest  nothing (docs/outcomes.md: finding an unknown NAT timeout)" ]'
	t "advise: RSTs after 256-512 s idle: idle=200 intvl=15 cnt=4" eval '
		has "$out" "the earliest after 256-512 s of idle" &&
		hasline "$out" "apply    tcpkactl set /nat idle=200 intvl=15 cnt=4" &&
		has "$out" "a dead peer found 260 s after"'
	t "advise: mode=force, user_timeout and addr_loss kept" eval '
		hasline "$out" "apply    tcpkactl set /lb idle=100 user_timeout=30000 addr_loss=5 mode=force"'
	t "advise: the policy already below: nothing to change" eval '
		[ "$(advise_of "$out" /ok)" = "suggest  nothing to change: the policy'"'"'s idle=60 is safely below 128 s" ]'
	t "advise: verdicts at the kernel defaults named" eval '
		has "$out" "the kernel'"'"'s default (7200 + 9 x 75 s)"'
	t "advise: RSTs within 1 s of idle: a peer, nothing suggested" eval '
		has "$(advise_of "$out" /peer)" "suggest  nothing: an RST after at most 1 s"'
	P=$adv run advise --detect 300 /nat
	t "advise --detect 300 CGROUP: cnt=4 over the 100 s left" eval '[ $rc -eq 0 ] &&
		hasline "$out" "apply    tcpkactl set /nat idle=200 intvl=25 cnt=4" && ! has "$out" "/quiet"'
	P=$adv run advise --detect 150 /nat
	t "advise --detect below idle: nothing" eval '[ $rc -eq 0 ] && ! has "$out" "apply" &&
		has "$out" "leaves no time for probes"'
	P=$adv run advise --unit web.service
	t "advise --unit: no row: exit 1" eval '[ $rc -eq 1 ] && has "$err" "no row for cgroup /tcpka.slice/web"'
	P=$adv run advise --detect 0x9
	t "advise --detect: not a number: exit 2" eval '[ $rc -eq 2 ]'
	shuffle_columns "$adv"
	P=$adv run advise /nat
	t "advise: columns by name" eval '[ $rc -eq 0 ] &&
		hasline "$out" "apply    tcpkactl set /nat idle=200 intvl=15 cnt=4"'

	# set, del, flush
	setpol ""
	run set /sys/fs/cgroup/unified/system.slice/x.service/ idle=300 intvl=15 cnt=4 user_timeout=0 mode=force
	t "set: one line, mount point stripped" eval '[ $rc -eq 0 ] &&
		[ "$(pol)" = "set /system.slice/x.service idle=300 intvl=15 cnt=4 user_timeout=0 mode=force" ]'
	setpol ""
	run set /tcpka.slice
	t "set: no keys" eval '[ $rc -eq 0 ] && [ "$(pol)" = "set /tcpka.slice" ]'
	setpol ""
	run set --unit api.service idle=32767 intvl=1 cnt=127 user_timeout=2147483647 mode=default
	t "set --unit, bounds included" eval '[ $rc -eq 0 ] &&
		[ "$(pol)" = "set /system.slice/api.service idle=32767 intvl=1 cnt=127 user_timeout=2147483647 mode=default" ]'
	setpol ""
	run set /m addr_loss=0 idle=60
	t "set addr_loss=0" eval '[ $rc -eq 0 ] && [ "$(pol)" = "set /m addr_loss=0 idle=60" ]'
	setpol ""
	run set /m addr_loss=3600
	t "set addr_loss=3600" eval '[ $rc -eq 0 ] && [ "$(pol)" = "set /m addr_loss=3600" ]'
	setpol "unchanged"
	for bad in "addr_loss=3601:addr_loss=3601: must be" "addr_loss=-1:addr_loss=-1: must be" \
		"addr_loss=2s:addr_loss=2s: must be" "idle=0:idle=0: must be" "idle=32768:idle=32768: must be" "intvl=0:intvl=0: must be" \
		"intvl=x:intvl=x: must be" "cnt=0:cnt=0: must be" "cnt=128:cnt=128: must be" "cnt=-1:cnt=-1" \
		"user_timeout=2147483648:user_timeout=2147483648: must be" "user_timeout=99999999999999999999:user_timeout=99999999999999999999: must be" \
		"mode=fast:mode=fast: must be force or default" "color=red:unknown key \"color\"" \
		"idle=5 idle=6:key idle given twice" "idle:expected key=value" "=5:expected key=value"; do
		args=${bad%%:*} msg=${bad#*:}
		# shellcheck disable=SC2086 # words of a command line
		run set /x $args
		t "set $args: exit 2, says why, nothing written" eval \
			'[ $rc -eq 2 ] && has "$err" "tcpkactl: $msg" && [ "$(pol)" = unchanged ]'
	done
	P=$work/noproc run set /x idle=0
	t "set: a bad key is a usage error even without the module" eval '[ $rc -eq 2 ]'
	run set "/a b" idle=5
	t "set: a path with blanks: exit 2" eval \
		'[ $rc -eq 2 ] && has "$err" "contains blanks" && [ "$(pol)" = unchanged ]'
	run set system.slice idle=5
	t "set: a relative path: exit 2" eval '[ $rc -eq 2 ] && [ "$(pol)" = unchanged ]'
	run set --unit gone.service idle=5
	t "set --unit: no such unit: exit 1" eval '[ $rc -eq 1 ] && [ "$(pol)" = unchanged ] &&
		has "$err" "no such unit"'
	setpol ""
	run set --unit later.service idle=5
	t "set --unit of a unit not running: the cgroup its slice gives it" eval '[ $rc -eq 0 ] &&
		[ "$(pol)" = "set /app.slice/app-web.slice/later.service idle=5" ]'
	setpol ""
	run set --unit rootish.service idle=5
	t "set --unit of a unit not running in -.slice" eval '[ $rc -eq 0 ] &&
		[ "$(pol)" = "set /rootish.service idle=5" ]'
	setpol ""
	run set /system.slice/nginx.service idle=5
	t "set of a cgroup not created yet: ok, a note says it is pending" eval '[ $rc -eq 0 ] &&
		has "$err" "note: cgroup /system.slice/nginx.service does not exist (yet)"'
	setpol ""
	run set /tcpka.slice idle=5
	t "set of a bound one: no note" eval '[ $rc -eq 0 ] && [ -z "$err" ]'
	setpol "unchanged"
	run set
	t "set: no cgroup: exit 2" eval '[ $rc -eq 2 ]'
	setpol ""
	run del /sys/fs/cgroup/unified/tcpka.slice
	t "del" eval '[ $rc -eq 0 ] && [ "$(pol)" = "del /tcpka.slice" ]'
	run del /a /b
	t "del: two paths: exit 2" eval '[ $rc -eq 2 ]'
	setpol ""
	run flush
	t "flush" eval '[ $rc -eq 0 ] && [ "$(pol)" = flush ]'
	run flush now
	t "flush: an argument: exit 2" eval '[ $rc -eq 2 ]'

	# The kernel refusing a write: real errnos from stand-ins.
	pf=$fx/net/tcpka/policy
	mv "$pf" "$work/policy.real"
	ln -s /proc/self/oom_score_adj "$pf"	# "set ..." is not a number: EINVAL
	run set /x idle=5
	t "kernel refuses (EINVAL): exit 1, hint" eval '[ $rc -eq 1 ] &&
		has "$err" "tcpkactl: the kernel refused the write (EINVAL" && has "$err" "dmesg | grep tcpka"'
	rm "$pf" && ln -s "$work/no/such/dir" "$pf"
	run del /nope
	t "kernel refuses (ENOENT): exit 1, names the cgroup" eval '[ $rc -eq 1 ] &&
		has "$err" "ENOENT: cgroup /nope has no policy" && has "$err" "dmesg | grep tcpka"'
	rm "$pf" && ln -s /dev/full "$pf"
	run flush
	t "write fails (ENOSPC): exit 1, the error shown" eval \
		'[ $rc -eq 1 ] && has "$err" "No space left on device"'
	rm "$pf" && mv "$work/policy.real" "$pf"
	if chattr +i "$pf" 2>/dev/null; then
		run set /x idle=5
		t "kernel refuses (EPERM): exit 1, CAP_NET_ADMIN named" eval \
			'[ $rc -eq 1 ] && has "$err" "EPERM: needs CAP_NET_ADMIN"'
		chattr -i "$pf"
	else
		ok "$sh_name: kernel refuses (EPERM) # SKIP chattr +i not supported here"
	fi
	if [ "$(id -u)" -eq 0 ]; then
		cp "$CTL" "$work/tcpkactl" && chmod 0755 "$work/tcpkactl"
		chmod -R a+rX "$fx"
		chmod 0600 "$pf"
		chmod 0400 "$fx/net/tcpka/probing"
		out=$(cd "$work" && TCPKA_PROC=$fx setpriv --reuid=65534 --regid=65534 --clear-groups \
			$sh "$work/tcpkactl" flush 2>"$work/err")
		rc=$? err=$(cat "$work/err")
		t "not root (EACCES): exit 1, root only" eval '[ $rc -eq 1 ] && has "$err" "root only"'
		out=$(cd "$work" && TCPKA_PROC=$fx setpriv --reuid=65534 --regid=65534 --clear-groups \
			$sh "$work/tcpkactl" status 2>"$work/err")
		rc=$? err=$(cat "$work/err")
		t "status, not root: policies and probing unknown" eval '[ $rc -eq 0 ] &&
			has "$out" "policies:     ? (the policy file is root" && ! has "$out" "probing now"'
	fi

	# save, restore
	fixture "$fx"
	saved=$(pol)
	run save
	t "save: the policy file on stdout" eval '[ $rc -eq 0 ] && [ "$out" = "$saved" ]'
	run save "$work/saved"
	t "save FILE, no temporary file left" eval '[ $rc -eq 0 ] &&
		[ "$(cat "$work/saved")" = "$saved" ] && [ -z "$(ls "$work" | grep "saved\.")" ]'
	setpol ""
	run restore "$work/saved"
	t "restore FILE: flush and the table" eval \
		'[ $rc -eq 0 ] && [ "$(pol)" = "flush
$saved" ]'
	setpol ""
	out=$(cd "$work" && printf 'set /a idle=1\n# comment\n\nset /b cnt=2' |
		TCPKA_PROC=$fx $sh "$CTL" restore 2>"$work/err")
	rc=$?
	t "restore from stdin, a last line without newline" eval '[ $rc -eq 0 ] &&
		[ "$(pol)" = "flush
set /a idle=1
# comment

set /b cnt=2" ]'
	setpol unchanged
	printf 'set /a idle=1\ndel /b\nset /c cnt=300\n' >"$work/bad"
	run restore "$work/bad"
	t "restore: a bad line: exit 2, its number, nothing written" eval '[ $rc -eq 2 ] &&
		has "$err" "line 4: cnt=300" && [ "$(pol)" = unchanged ]'
	printf 'frob /a\n' >"$work/bad"
	run restore "$work/bad"
	t "restore: an unknown command: exit 2" eval '[ $rc -eq 2 ] && has "$err" "unknown command"'
	run restore "$work/missing"
	t "restore: a missing file: exit 1" eval '[ $rc -eq 1 ]'
	# restore is one write() of everything, flush included.
	awk 'BEGIN { for (i = 0; i < 900; i++) printf "set /system.slice/unit-%04d.service idle=%d intvl=10 cnt=3\n", i, i + 1 }' \
		>"$work/big"
	if strace -o /dev/null true 2>/dev/null; then
		setpol ""
		(cd "$work" && TCPKA_PROC=$fx strace -f -qq -s 70000 -e trace=write -o "$work/strace" \
			$sh "$CTL" restore "$work/big" 2>"$work/err")
		rc=$?
		n=$(grep -c 'write([0-9]*, "flush\\nset /system.slice/unit-0000.service' "$work/strace")
		whole=$(grep 'write([0-9]*, "flush\\n' "$work/strace" | grep -c 'unit-0899.service idle=900 intvl=10 cnt=3\\n", [0-9]*) = ')
		t "restore: one write() of $(($(wc -c <"$work/big") + 6)) bytes" eval \
			'[ $rc -eq 0 ] && [ "$n" -eq 1 ] && [ "$whole" -eq 1 ] && [ "$(pol)" = "flush
$(cat "$work/big")" ]'
	else
		ok "$sh_name: restore: one write() # SKIP strace cannot trace here"
	fi
	awk 'BEGIN { for (i = 0; i < 1500; i++) printf "set /system.slice/unit-%04d.service idle=1 intvl=10 cnt=3\n", i }' \
		>"$work/huge"
	run restore "$work/huge"
	t "restore: over 65536 bytes: exit 1" eval '[ $rc -eq 1 ] && has "$err" "65536"'

	# top
	fixture "$fx"
	cp "$fx/net/tcpka/cgroups" "$work/cg"
	# Change the counters once top has taken its first sample (its
	# temporary copy of cgroups is not empty), well before the second.
	rm -rf "$work/tmp" && mkdir "$work/tmp"
	(for i in $(seq 100); do
		for f in "$work"/tmp/tcpkactl.*; do [ -s "$f" ] && break 2; done
		sleep 0.05
	done
	awk 'NR > 1 && $1 == "/tcpka.slice/web" { $3 += 20; $4 += 10 } NR > 1 && $1 == "/a\\040b" { $7 += 2 } NR > 1 && $1 == "/" { $3 = 1 } { print }' \
		"$work/cg" >"$fx/net/tcpka/cg.new" && mv "$fx/net/tcpka/cg.new" "$fx/net/tcpka/cgroups") &
	TMPDIR=$work/tmp run top --interval 2 --count 1
	wait
	t "top: per-second rates, busiest first" eval '[ $rc -eq 0 ] &&
		[ "$(sed -n 3p <<<"$out" | awk "{ print \$1, \$3, \$4, \$7 }")" = "/tcpka.slice/web 10.0 5.0 0.0" ] &&
		[ "$(sed -n 4p <<<"$out" | awk "{ print \$1, \$3, \$7 }")" = "/a\\040b 0.0 1.0" ] &&
		[ "$(sed -n 5p <<<"$out" | awk "{ print \$1, \$3 }")" = "/ 0.5" ] &&
		[ "$(wc -l <<<"$out")" -eq 7 ] && ! has "$out" "$(printf "\033")"'
	run top --interval 0.1 --count 3
	t "top --count 3: three tables" eval \
		'[ $rc -eq 0 ] && [ "$(grep -c "^tcpka: per-second rates" <<<"$out")" -eq 3 ]'
	run top --count 0
	t "top --count 0: exit 2" eval '[ $rc -eq 2 ]'
	run top --interval abc --count 1
	t "top --interval abc: exit 2" eval '[ $rc -eq 2 ]'

	# prometheus
	for layout in kernel shuffled; do
		fixture "$fx"
		[ $layout = shuffled ] && shuffle_columns "$fx"
		run prometheus
		printf '%s\n' "$out" >"$work/m.prom"
		t "prometheus ($layout columns): exit 0, strict parse" eval \
			'[ $rc -eq 0 ] && prom_strict "$work/m.prom"'
		t "prometheus ($layout columns): promtool check metrics" eval \
			'"$promtool" check metrics <"$work/m.prom" >"$work/promtool" 2>&1 ||
			{ cat "$work/promtool"; false; }'
		t "prometheus ($layout columns): values" eval '
			hasline "$out" "tcpka_outcome_rst_total 1" &&
			hasline "$out" "tcpka_outcome_user_timeout_total 1" &&
			hasline "$out" "tcpka_outcome_addr_lost_total 4" &&
			hasline "$out" "tcpka_future_thing_total 7" &&
			hasline "$out" "# TYPE tcpka_rounds_in_progress gauge" &&
			hasline "$out" "tcpka_rounds_in_progress 2" &&
			hasline "$out" "tcpka_up 1" && hasline "$out" "# TYPE tcpka_up gauge" &&
			hasline "$out" "# TYPE tcpka_probes_sent_total counter" &&
			hasline "$out" "tcpka_enabled 1" && hasline "$out" "tcpka_dry_run 0" &&
			hasline "$out" "tcpka_log_verdicts 1" && hasline "$out" "# TYPE tcpka_log_verdicts gauge" &&
			hasline "$out" "tcpka_audit_idle 300" &&
			hasline "$out" "tcpka_cgroup_keepalive_late{cgroup=\"/tcpka.slice/web\"} 1" &&
			hasline "$out" "# TYPE tcpka_cgroup_established gauge" &&
			hasline "$out" "tcpka_sockets_probing 2" && hasline "$out" "tcpka_policies 2" && hasline "$out" "tcpka_policies_pending 1" &&
			hasline "$out" "tcpka_cgroup_probes_sent_total{cgroup=\"/tcpka.slice/web\"} 9" &&
			hasline "$out" "tcpka_cgroup_outcome_timeout_total{cgroup=\"/tcpka.slice/web\"} 1" &&
			hasline "$out" "tcpka_cgroup_outcome_user_timeout_total{cgroup=\"/a b\"} 1" &&
			hasline "$out" "tcpka_cgroup_outcome_ack_total{cgroup=\"/q\\\"x\\\\y\"} 1" &&
			hasline "$out" "tcpka_cgroup_probes_sent_total{cgroup=\"/n\\nl\"} 0" &&
			! has "$out" "idle=2,intvl"'
		t "prometheus ($layout columns): histograms" eval '
			hasline "$out" "# TYPE tcpka_cgroup_time_to_detect_seconds histogram" &&
			hasline "$out" "# TYPE tcpka_cgroup_idle_at_reset_seconds histogram" &&
			hasline "$out" "tcpka_cgroup_time_to_detect_seconds_bucket{cgroup=\"/tcpka.slice/web\",le=\"1\"} 0" &&
			hasline "$out" "tcpka_cgroup_time_to_detect_seconds_bucket{cgroup=\"/tcpka.slice/web\",le=\"4\"} 1" &&
			hasline "$out" "tcpka_cgroup_time_to_detect_seconds_bucket{cgroup=\"/tcpka.slice/web\",le=\"65536\"} 2" &&
			hasline "$out" "tcpka_cgroup_time_to_detect_seconds_bucket{cgroup=\"/tcpka.slice/web\",le=\"+Inf\"} 2" &&
			hasline "$out" "tcpka_cgroup_time_to_detect_seconds_sum{cgroup=\"/tcpka.slice/web\"} 9.500" &&
			hasline "$out" "tcpka_cgroup_time_to_detect_seconds_count{cgroup=\"/tcpka.slice/web\"} 2" &&
			hasline "$out" "tcpka_cgroup_idle_at_reset_seconds_bucket{cgroup=\"/tcpka.slice/web\",le=\"256\"} 0" &&
			hasline "$out" "tcpka_cgroup_idle_at_reset_seconds_bucket{cgroup=\"/tcpka.slice/web\",le=\"512\"} 1" &&
			hasline "$out" "tcpka_cgroup_idle_at_reset_seconds_sum{cgroup=\"/tcpka.slice/web\"} 350.000" &&
			hasline "$out" "tcpka_cgroup_time_to_detect_seconds_count{cgroup=\"/a b\"} 1" &&
			[ "$(grep -c "^tcpka_cgroup_time_to_detect_seconds_bucket" <<<"$out")" -eq 36 ]'
	done
	# The strict parser must notice broken output.
	for breakage in 's/cgroup="\/a b"/cgroup="\/a\\x b"/' 's/^tcpka_outcome_rst_total 1/tcpka_outcome_rst 1/' \
		'/le="+Inf"/d' '/^# TYPE tcpka_enabled/d' 's/le="4"} 1/le="4"} 3/'; do
		sed "$breakage" "$work/m.prom" >"$work/broken.prom"
		t "strict parser rejects: $breakage" eval '! prom_strict "$work/broken.prom" >/dev/null'
	done
	fixture "$fx"
	echo old >"$work/tcpka.prom"
	run prometheus --output "$work/tcpka.prom"
	t "prometheus --output: written whole, mode 0644, no temporary left" eval '[ $rc -eq 0 ] &&
		[ -z "$out" ] && grep -qxF "tcpka_outcome_ack_total 27" "$work/tcpka.prom" &&
		[ "$(stat -c %a "$work/tcpka.prom")" = 644 ] && [ "$(ls "$work" | grep -c "tcpka\.prom")" -eq 1 ]'
	P=$work/noproc run prometheus --output "$work/tcpka.prom"
	t "prometheus --output, module not loaded: exit 3, file untouched" eval \
		'[ $rc -eq 3 ] && grep -qxF "tcpka_outcome_ack_total 27" "$work/tcpka.prom"'
	run prometheus --output "$work/no/such/dir/tcpka.prom"
	t "prometheus --output into a missing directory: exit 1" eval '[ $rc -eq 1 ]'
done

# --- tcpka-textfile and a real node_exporter -----------------------------
# tcpka-textfile (under dash, as systemd runs it: /bin/sh) writes the
# textfile collector's file for the host's namespace and those of
# TCPKA_NETNS; Debian's node_exporter (unpacked into the cache) reads it.
sh=dash
sh_name=textfile
TF=$TCPKA_TOP/scripts/tcpka-textfile
tfd=$work/textfile
t "shellcheck tcpka-textfile (POSIX sh)" shellcheck -s sh "$TF"
mkdir -p "$tfd" "$work/fx2"
fixture "$work/fx2"
sed -i 's/^outcome_rst 1$/outcome_rst 5/' "$work/fx2/net/tcpka/stats"
# "ip netns exec NAME CMD...": here, CMD with NAME's fake /proc.
{
	echo '#!/bin/sh'
	echo 'ns=$1'
	echo 'shift'
	echo 'case $ns in'
	echo "blue) TCPKA_PROC=$work/fx2 exec \"\$@\" ;;"
	echo "gone) TCPKA_PROC=$work/noproc exec \"\$@\" ;;"
	echo 'esac'
	echo 'exit 1'
} >"$work/bin/fake-netns-exec"
chmod +x "$work/bin/fake-netns-exec"
printf 'TCPKA_NETNS="blue gone"\n' >"$work/tcpka-textfile.conf"
fixture "$fx"
echo stale >"$tfd/tcpka.prom"
tf() {
	out=$(TCPKA_PROC=${P:-$fx} TCPKACTL="$CTL" PATH=$work/bin:$PATH \
		TCPKA_TEXTFILE_CONF=${TFCONF:-/nonexistent} \
		TCPKA_NETNS_EXEC=fake-netns-exec $sh "$TF" "$tfd" 2>"$work/err")
	rc=$?
	err=$(cat "$work/err")
	out=$(cat "$tfd/tcpka.prom" 2>/dev/null)
}
tf
t "tcpka-textfile: the host's metrics, labelled netns=host, no temporary left" eval '[ $rc -eq 0 ] &&
	hasline "$out" "tcpka_up{netns=\"host\"} 1" &&
	hasline "$out" "tcpka_outcome_rst_total{netns=\"host\"} 1" &&
	hasline "$out" "tcpka_cgroup_probes_sent_total{netns=\"host\",cgroup=\"/tcpka.slice/web\"} 9" &&
	! grep -v "^#" <<<"$out" | grep -qv "netns=\"host\"" &&
	[ "$(ls -A "$tfd")" = tcpka.prom ] && [ "$(stat -c %a "$tfd/tcpka.prom")" = 644 ]'
t "tcpka-textfile: promtool check metrics" eval \
	'"$promtool" check metrics <"$tfd/tcpka.prom" >"$work/promtool" 2>&1 || { cat "$work/promtool"; false; }'
TFCONF=$work/tcpka-textfile.conf tf
t "tcpka-textfile: namespaces of TCPKA_NETNS, each family once, tcpka_up 0 where unloaded" eval '[ $rc -eq 0 ] &&
	hasline "$out" "tcpka_outcome_rst_total{netns=\"host\"} 1" &&
	hasline "$out" "tcpka_outcome_rst_total{netns=\"blue\"} 5" &&
	hasline "$out" "tcpka_up{netns=\"gone\"} 0" && hasline "$out" "tcpka_up{netns=\"blue\"} 1" &&
	! grep -v "^tcpka_up\|^tcpka_textfile_collect_success" <<<"$out" | grep -q "netns=\"gone\"" &&
	hasline "$out" "tcpka_textfile_collect_success{netns=\"gone\"} 1" &&
	[ "$(grep -c "^# TYPE tcpka_outcome_rst_total " <<<"$out")" -eq 1 ] &&
	[ "$(grep -c "^# TYPE tcpka_cgroup_time_to_detect_seconds " <<<"$out")" -eq 1 ]'
t "tcpka-textfile: namespaces: promtool check metrics" eval \
	'"$promtool" check metrics <"$tfd/tcpka.prom" >"$work/promtool" 2>&1 || { cat "$work/promtool"; false; }'
cp "$tfd/tcpka.prom" "$work/ns.prom"
P=$work/noproc tf
t "tcpka-textfile without the module: tcpka_up 0 and nothing else" eval '[ $rc -eq 0 ] &&
	[ "$(grep -v "^#" <<<"$out" | tr "\n" " ")" = "tcpka_textfile_collect_success{netns=\"host\"} 1 tcpka_up{netns=\"host\"} 0 " ]'
cp "$tfd/tcpka.prom" "$work/down.prom"
out=$(TCPKA_PROC=$fx TCPKACTL="$CTL" $sh "$TF" "$work/no/such/dir" 2>&1)
rc=$?
t "tcpka-textfile into a missing directory: exit 1" eval '[ $rc -eq 1 ]'
# A namespace that cannot be entered (no such name: the fake exits 1),
# one whose name needs escaping, given in the environment (it wins over
# the file): collect_success 0 and nothing else, and a valid file.
TCPKA_NETNS='blue nosuch a"b\c' TFCONF=$work/tcpka-textfile.conf tf
t "tcpka-textfile: a namespace it cannot read: collect_success 0, nothing else, an error line" eval '[ $rc -eq 0 ] &&
	hasline "$out" "tcpka_textfile_collect_success{netns=\"nosuch\"} 0" &&
	[ "$(grep -c "netns=\"nosuch\"" <<<"$out")" -eq 1 ] &&
	has "$err" "netns nosuch: tcpkactl exit 1" &&
	hasline "$out" "tcpka_outcome_rst_total{netns=\"blue\"} 5" && ! has "$out" "netns=\"gone\""'
t "tcpka-textfile: a name with \" and \\ is escaped in its label" eval '
	hasline "$out" "tcpka_textfile_collect_success{netns=\"a\\\"b\\\\c\"} 0"'
t "tcpka-textfile: escaped names: promtool check metrics" eval \
	'"$promtool" check metrics <"$tfd/tcpka.prom" >"$work/promtool" 2>&1 || { cat "$work/promtool"; false; }'
TCPKA_NETNS='blue host' tf
t "tcpka-textfile: a namespace named host: exit 1, the file left as it was" eval '[ $rc -eq 1 ] &&
	has "$err" "reserved name host" && hasline "$out" "tcpka_textfile_collect_success{netns=\"nosuch\"} 0"'
TCPKA_NETNS='blue blue' tf
t "tcpka-textfile: a namespace named twice: exit 1" eval '[ $rc -eq 1 ] && has "$err" "twice"'

# node_exporter itself, on 127.0.0.1, reading only the textfile directory.
ne=$(node_exporter_bin)
port=$((19100 + $$ % 800))
cp "$work/ns.prom" "$tfd/tcpka.prom"
"$ne" --web.listen-address="127.0.0.1:$port" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$tfd" \
	>"$work/ne.log" 2>&1 &
nepid=$!
scrape() {
	local i
	for i in $(seq 1 50); do
		out=$(curl -fsS "http://127.0.0.1:$port/metrics" 2>/dev/null) && return 0
		sleep 0.2
	done
	return 1
}
scrape
t "node_exporter serves tcpka's metrics from the textfile" eval '
	hasline "$out" "tcpka_outcome_rst_total{netns=\"host\"} 1" &&
	hasline "$out" "tcpka_outcome_rst_total{netns=\"blue\"} 5" &&
	hasline "$out" "tcpka_up{netns=\"gone\"} 0" &&
	hasline "$out" "tcpka_cgroup_outcome_timeout_total{cgroup=\"/tcpka.slice/web\",netns=\"host\"} 1" &&
	hasline "$out" "tcpka_cgroup_time_to_detect_seconds_bucket{cgroup=\"/a b\",netns=\"host\",le=\"4\"} 1"'
t "node_exporter: no textfile scrape error" eval 'hasline "$out" "node_textfile_scrape_error 0"'
cp "$work/down.prom" "$tfd/tcpka.prom"
scrape
t "node_exporter: the module gone: tcpka_up 0, no error" eval '
	hasline "$out" "tcpka_up{netns=\"host\"} 0" && hasline "$out" "node_textfile_scrape_error 0" &&
	! has "$out" "tcpka_outcome_rst_total"'
# A file it cannot parse is an error it reports: the check above can fail.
printf 'tcpka_up{netns="host" 1\n' >"$tfd/tcpka.prom"
scrape
t "node_exporter: a broken file is a scrape error (the check can fail)" eval \
	'hasline "$out" "node_textfile_scrape_error 1"'
kill "$nepid" 2>/dev/null
wait "$nepid" 2>/dev/null

# --- alert rules -------------------------------------------------------------
sh_name=rules
rules=$TCPKA_TOP/packaging/prometheus
out=$("$promtool" check rules "$rules/tcpka-rules.yml" 2>&1)
rc=$?
t "promtool check rules tcpka-rules.yml" eval '[ $rc -eq 0 ]'
out=$(cd "$rules" && "$promtool" test rules tcpka-rules.test.yml 2>&1)
rc=$?
t "promtool test rules tcpka-rules.test.yml (alerts that must fire and must not)" eval '[ $rc -eq 0 ]'

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
