# SPDX-License-Identifier: GPL-2.0
# Helpers of tcpka's end-to-end selftests. Sourced by tcpka.sh inside the
# test VM (busybox sh, iproute2 ip, tcpka_peer); see README.
#
# Every test runs in a subshell with its own directory $D, a number $N
# (unique netns names, addresses, cgroups) and an error list $D/err:
# check helpers append to it, and the test is "ok" only if it stays empty.

CG=/sys/fs/cgroup
PROC=/proc/net/tcpka
PEER=${PEER:-/selftests/tcpka_peer}
KO=${KO:-/tcpka/tcpka.ko}
OUT=${OUT:-/tmp/tcpka}

say() { echo "[$T] $*"; }

# busybox sh runs its own applets first: iproute2's ip by its path.
ip() { /sbin/ip "$@"; }

# fail MSG: record a failed expectation of the current test.
fail() {
	echo "$*" >>"$D/err"
	say "FAIL: $*"
}

# Expectations. WHAT names the value in the failure message; a missing value
# (module not loaded, file absent) is "NA" and fails every comparison.
expect_eq() {
	[ "$2" = "$3" ] || fail "$1=$2, expected $3"
}
expect_ne() {
	[ "$2" != "$3" ] || fail "$1=$2, expected anything else"
}
_num() { case $1 in '' | *[!0-9.-]*) return 1 ;; esac; }
_int() { case $1 in '' | *[!0-9]*) return 1 ;; esac; }
# fcmp A OP B: numeric comparison, in the shell for integers.
fcmp() {
	if _int "$1" && _int "$3"; then
		case $2 in
		ge) [ "$1" -ge "$3" ] ;;
		*) [ "$1" -le "$3" ] ;;
		esac
	else
		awk -v a="$1" -v b="$3" -v op="$2" 'BEGIN {
			exit !(op == "ge" ? a >= b : a <= b) }'
	fi
}
expect_ge() {
	_num "$2" && fcmp "$2" ge "$3" || fail "$1=$2, expected >= $3"
}
expect_le() {
	_num "$2" && fcmp "$2" le "$3" || fail "$1=$2, expected <= $3"
}
expect_range() {
	_num "$2" && awk -v a="$2" -v lo="$3" -v hi="$4" \
		'BEGIN { exit !(a >= lo && a <= hi) }' ||
		fail "$1=$2, expected in [$3, $4]"
}

uptime_now() {
	local up rest
	read -r up rest </proc/uptime
	echo "$up"
}

# fsub A B: A - B, for times.
fsub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a - b }'; }

# --- cgroups ------------------------------------------------------------

# cg_make PATH...: create cgroups (paths as in /proc/PID/cgroup).
cg_make() {
	local p
	for p in "$@"; do mkdir -p "$CG$p" || fail "mkdir cgroup $p"; done
}

# --- network namespaces -------------------------------------------------

# pair SUFFIX I [CSUFFIX]: netns c$N$CSUFFIX (client) and s$N$SUFFIX
# (server) joined by a veth pair vc$N$SUFFIX / vs$N$SUFFIX, v4 10.N.I.1
# (client) / 10.N.I.2 (server), v6 fd00:N:I::1 / ::2. Pairs of a test share
# its client netns unless CSUFFIX says otherwise. One tcpka_peer run does
# what "ip netns add", "ip link add ... type veth peer ..." and "ip addr"
# would (iproute2's ip takes seconds per run on a KASAN kernel under TCG).
pair() {
	local r
	r=$("$PEER" pair "c$N$3" "s$N$1" "vc$N$1" "vs$N$1" "10.$N.$2.1" \
		"10.$N.$2.2" "fd00:$N:$2::1" "fd00:$N:$2::2" 2>&1)
	[ "$r" = ok ] || fail "pair c$N$3/s$N$1: $r"
}

# srv_addr FAMILY I: the server address of pair I (FAMILY 4 or 6).
srv_addr() { if [ "$1" = 6 ]; then echo "fd00:$N:$2::2"; else echo "10.$N.$2.2"; fi; }

# addr_fmt FAMILY I H: host H (1 client, 2 server) of pair I as the kernel
# prints it in tcpka's files and log lines: 10.N.I.H or [fd00:N:I::H]
# (%pI6c: fd00:N:0::H is fd00:N::H).
addr_fmt() {
	if [ "$1" != 6 ]; then
		echo "10.$N.$2.$3"
	elif [ "$2" = 0 ]; then
		echo "[fd00:$N::$3]"
	else
		echo "[fd00:$N:$2::$3]"
	fi
}

# expect_log A B / expect_nolog A B: the kernel log has (has no) a line
# with the fixed strings A and then B.
_log_has() { dmesg | grep -F -- "$1" | grep -qF -- "$2"; }
# Verdict lines are printed by a work item just after the verdict: waited
# for (up to 100 looks), not timed.
expect_log() {
	local i=0
	until _log_has "$1" "$2"; do
		i=$((i + 1))
		[ $i -ge 100 ] && { fail "no log line '$1...$2'"; return; }
		sleep 0.1
	done
}
expect_nolog() { _log_has "$1" "$2" && fail "unexpected log line '$1...$2'"; return 0; }

# link_down SUFFIX: the server end of a pair goes down; the client's probes
# are sent and lost.
link_down() {
	"$PEER" ifdown "/run/netns/s$N$1" "vs$N$1" >/dev/null ||
		fail "link down s$N$1"
}

# netns_del NAME...: as "ip netns del".
netns_del() {
	local ns
	for ns in "$@"; do
		[ -e "/run/netns/$ns" ] || continue
		umount "/run/netns/$ns" && rm -f "/run/netns/$ns"
	done
}

# in_ns NS CMD...: run CMD in network namespace NS.
in_ns() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# --- peers --------------------------------------------------------------

# peer NAME CGROUP NS client|server [OPTS] ADDR PORT: start tcpka_peer in the
# background, inside CGROUP (its pid is written to cgroup.procs before
# exec) and netns NS. Output in $D/NAME.out, pid in $D/NAME.pid.
peer() {
	local name=$1 cg=$2 ns=$3 role=$4
	shift 4
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$CG$cg" \
		"$PEER" "$role" -N "/run/netns/$ns" "$@" >"$D/$name.out" 2>&1 &
	echo $! >"$D/$name.pid"
}

# has_line FILE PREFIX: FILE has a line starting with PREFIX (no fork).
has_line() {
	local l
	[ -e "$1" ] || return 1
	while IFS= read -r l; do
		case $l in "$2"*) return 0 ;; esac
	done <"$1"
	return 1
}

# wait_line NAME PREFIX [SECS]: wait until a peer's output has a line
# starting with PREFIX. SECS (default 10) is multiplied by $SLOW (a debug
# kernel is slow to start processes); polling does not fork.
wait_line() {
	local f=$D/$1.out up rest end
	read -r up rest </proc/uptime
	end=$((${up%.*} + ${3:-10} * ${SLOW:-1}))
	until has_line "$f" "$2"; do
		read -r up rest </proc/uptime
		if [ "${up%.*}" -ge "$end" ]; then
			fail "$1: no '$2' within $((${3:-10} * ${SLOW:-1}))s ($(tr '\n' '|' <"$f" 2>/dev/null))"
			return 1
		fi
		sleep 0.1
	done
}

# pv NAME EVENT KEY: a value from a peer's output line starting with EVENT.
pv() {
	local l kv
	if [ -e "$D/$1.out" ]; then
		while IFS= read -r l; do
			case $l in
			"$2 "*)
				for kv in $l; do
					case $kv in "$3="*)
						echo "${kv#*=}"
						return
						;;
					esac
				done
				break
				;;
			esac
		done <"$D/$1.out"
	fi
	echo NA
}

# expect_opts NAME EVENT keepalive idle intvl cnt user_timeout: the socket
# options a peer reported at EVENT ("-" skips one).
expect_opts() {
	local name=$1 ev=$2 k v
	shift 2
	for k in keepalive idle intvl cnt user_timeout; do
		v=$1
		shift
		[ "$v" = - ] && continue
		expect_eq "$name $k" "$(pv "$name" "$ev" "$k")" "$v"
	done
}

# peer_end NAME SECS: wait for a peer's "end" line; prints nothing.
peer_end() { wait_line "$1" 'end ' "$2"; }

# since_lo NAME T / since_hi NAME T: bounds on the time from the moment
# client NAME's socket reached ESTABLISHED to T (the "established" line's t
# comes after it, its start= before it). Under load the two can be far
# apart: lower limits are checked against since_hi, upper ones against
# since_lo, so that a slow VM cannot fail a correct module.
since_lo() {
	local a
	a=$(pv "$1" established t)
	case "$a$2" in *NA*) echo NA ;; *) fsub "$2" "$a" ;; esac
}
since_hi() {
	local a
	a=$(pv "$1" established start)
	case "$a$2" in *NA*) echo NA ;; *) fsub "$2" "$a" ;; esac
}

# on_time PEER CLIENT SAMPLE LIMIT: PEER took SAMPLE at most LIMIT seconds
# after CLIENT's connection came up. A sampler that the loaded VM ran late
# cannot tell "no probe yet": the caller skips that check (noted in the
# log) rather than fail a correct module.
on_time() {
	local t
	t=$(since_hi "$2" "$(pv "$1" "$3" t)")
	_num "$t" && fcmp "$t" le "$4" && return 0
	say "note: $1 $3 taken ${t}s in (> $4 s): its 'not yet' check skipped"
	return 1
}

# expect_elapsed NAME LO HI: client NAME's read ended LO to HI seconds
# after its connection was established.
expect_elapsed() {
	local e
	e=$(pv "$1" end t)
	expect_ge "$1 read ended after (s, at most)" "$(since_hi "$1" "$e")" "$2"
	expect_le "$1 read ended after (s, at least)" "$(since_lo "$1" "$e")" "$3"
}

kill_peers() {
	local f
	for f in "$D"/*.pid; do
		[ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null
	done
	return 0
}

# --- counters -----------------------------------------------------------

# snap NS TAG: copy stats, cgroups and netstat of netns NS to $D/TAG.*,
# and the time taken to $D/TAG.t.
# The files are read one after the other: a probe that leaves in between
# would make probes_sent and TCPKeepAlive disagree, so the snapshot is
# taken again (up to 5 times) until TCPKeepAlive is the same before and
# after it.
snap() {
	local i=0
	while :; do
		"$PEER" cat "/run/netns/$1" /proc/net/netstat "$D/$2.netstat0" \
			$PROC/stats "$D/$2.stats" $PROC/cgroups "$D/$2.cgroups" \
			$PROC/histograms "$D/$2.histograms" \
			/proc/net/netstat "$D/$2.netstat"
		i=$((i + 1))
		[ "$(ka_file "$D/$2.netstat0")" = "$(ka "$2")" ] ||
			[ $i -ge 5 ] && break
	done
	rm -f "$D/$2.netstat0"
	uptime_now >"$D/$2.t"
}

# st TAG KEY: a value of /proc/net/tcpka/stats in snapshot TAG.
st() {
	local k v
	if [ -e "$D/$1.stats" ]; then
		while read -r k v; do
			[ "$k" = "$2" ] && { echo "${v:-NA}"; return; }
		done <"$D/$1.stats"
	fi
	echo NA
}

# ka_file FILE: TcpExt TCPKeepAlive of a copy of /proc/net/netstat.
ka_file() {
	awk '$1 == "TcpExt:" { if (!n) { for (i = 2; i <= NF; i++) c[$i] = i; n = 1 }
		else v = $(c["TCPKeepAlive"]) } END { print v == "" ? "NA" : v }' "$1"
}

# ka TAG: TcpExt TCPKeepAlive of snapshot TAG.
ka() { ka_file "$D/$1.netstat"; }

# delta A B VALUE: VALUE(B) - VALUE(A), VALUE a function of a tag.
delta() {
	local a b
	a=$($3 "$1")
	b=$($3 "$2")
	case "$a$b" in *NA*) echo NA ;; *) echo $((b - a)) ;; esac
}

# stdelta TAG0 TAG1 KEY: how much a stats counter grew between snapshots.
stdelta() {
	local a b
	a=$(st "$1" "$3")
	b=$(st "$2" "$3")
	case "$a$b" in *NA*) echo NA ;; *) echo $((b - a)) ;; esac
}

# cell FILE COLUMN NAME=VALUE...: COLUMN of the first row of FILE (a
# header line naming the columns, then rows) whose named columns have these
# values; NA if none.
cell() {
	local f=$1 col=$2 v
	shift 2
	v=$(awk -v col="$col" -v conds="$*" 'NR == 1 {
			for (i = 1; i <= NF; i++) c[$i] = i
			n = split(conds, cs, " ")
			next
		}
		{
			for (k = 1; k <= n; k++) {
				j = index(cs[k], "=")
				if ($(c[substr(cs[k], 1, j - 1)]) != substr(cs[k], j + 1))
					next
			}
			print $(c[col])
			exit
		}' "$f" 2>/dev/null)
	echo "${v:-NA}"
}

# row TAG CGROUP COLUMN: a column of a cgroup's row of /proc/net/tcpka/cgroups.
row() { cell "$D/$1.cgroups" "$3" "cgroup=$2"; }

# hist TAG CGROUP HISTOGRAM COLUMN: a column of a row of
# /proc/net/tcpka/histograms in snapshot TAG.
hist() { cell "$D/$1.histograms" "$4" "cgroup=$2" "histogram=$3"; }

# expect_stats TAG key=value...: several stats counters at once.
expect_stats() {
	local tag=$1 kv
	shift
	for kv in "$@"; do
		expect_eq "$tag ${kv%%=*}" "$(st "$tag" "${kv%%=*}")" "${kv#*=}"
	done
}

# expect_rows_sum TAG: the per-cgroup rows add up to the stats totals.
expect_rows_sum() {
	local tag=$1 col sum tot
	if [ ! -s "$D/$tag.cgroups" ]; then
		fail "$tag: no $PROC/cgroups"
		return
	fi
	expect_eq "$tag cgroups header" "$(head -1 "$D/$tag.cgroups")" \
		"cgroup sockets_enforced probes_sent outcome_ack outcome_rst outcome_timeout outcome_user_timeout outcome_zero_window outcome_addr_lost rounds_abandoned sockets_rearmed dry_run_matched policy"
	for col in sockets_enforced probes_sent outcome_ack outcome_rst \
		outcome_timeout outcome_user_timeout outcome_zero_window \
		outcome_addr_lost rounds_abandoned \
		sockets_rearmed dry_run_matched; do
		sum=$(awk -v col="$col" 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
			{ s += $(c[col]) } END { print s + 0 }' "$D/$tag.cgroups")
		tot=$(st "$tag" "$col")
		expect_eq "$tag sum of cgroup rows $col (total $tot)" "$sum" "$tot"
	done
}

# expect_probes_match A B: probes_sent == TcpExt TCPKeepAlive, both as the
# delta between snapshots A and B.
expect_probes_match() {
	local p k
	p=$(delta "$1" "$2" "st_probes")
	k=$(delta "$1" "$2" ka)
	expect_eq "probes_sent delta $1..$2 (TCPKeepAlive delta $k)" "$p" "$k"
}
st_probes() { st "$1" probes_sent; }

# netstat_file FILE FIELD: a TcpExt field of a copy of /proc/net/netstat.
netstat_file() {
	awk -v f="$2" '$1 == "TcpExt:" { if (!n) { for (i = 2; i <= NF; i++) c[$i] = i; n = 1 }
		else v = $(c[f]) } END { print v == "" ? "NA" : v }' "$1"
}

# expect_rounds_add_up NS: in netns NS, every round started has ended in
# exactly one outcome or is in progress: rounds_started = outcome_ack +
# outcome_rst + outcome_timeout + outcome_user_timeout + outcome_zero_window
# + outcome_addr_lost + rounds_abandoned + rounds_in_progress. The counters move one after the other, so a round
# ending while the file is read can make them differ for a moment: read
# again (for up to 10 s x SLOW) before failing. Every test checks it for
# each of its namespaces (run_test); nothing to check without the module.
expect_rounds_add_up() {
	local ns=$1 tag=addup-$1 i=0 started done
	[ -e "/run/netns/$ns" ] || return 0
	while :; do
		rm -f "$D/$tag.stats"
		"$PEER" cat "/run/netns/$ns" $PROC/stats "$D/$tag.stats"
		[ -s "$D/$tag.stats" ] || return 0
		started=$(st "$tag" rounds_started)
		done=$(($(st "$tag" outcome_ack) + $(st "$tag" outcome_rst) + \
			$(st "$tag" outcome_timeout) + \
			$(st "$tag" outcome_user_timeout) + \
			$(st "$tag" outcome_zero_window) + \
			$(st "$tag" outcome_addr_lost) + \
			$(st "$tag" rounds_abandoned) + \
			$(st "$tag" rounds_in_progress)))
		[ "$started" = "$done" ] && return 0
		i=$((i + 1))
		if [ $i -ge $((20 * ${SLOW:-1})) ]; then
			fail "$ns: rounds_started=$started, outcomes + rounds_in_progress=$done"
			return
		fi
		sleep 0.5
	done
}

# --- policies -----------------------------------------------------------

# policy TEXT: one write of TEXT (printf %b) to the policy file; prints the
# helper's answer ("ok", "write EINVAL", ...).
policy() {
	printf '%b' "$1" | "$PEER" write "$PROC/policy" 2>&1
}

# wait_state PATH bound|pending: /proc/net/tcpka/policy_state says so for
# PATH, within 10 s x SLOW (a removal reaches it asynchronously).
wait_state() {
	local i=0 l
	while :; do
		l=$(grep "^$1 " $PROC/policy_state 2>/dev/null)
		[ "$l" = "$1 $2" ] && return 0
		i=$((i + 1))
		if [ $i -ge $((100 * ${SLOW:-1})) ]; then
			fail "policy_state of $1: '$l', expected $2"
			return 1
		fi
		sleep 0.1
	done
}

# The functions of tcpka's ftrace hooks that are hooked now, sorted (by
# anyone: no other tracer may be on them).
hooked_functions() {
	[ -e /sys/kernel/tracing/events ] ||
		mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
	grep -oE '^(tcp_set_keepalive|tcp_keepalive_timer|tcp_write_wakeup|tcp_setsockopt|sock_setsockopt) ' \
		/sys/kernel/tracing/enabled_functions | sort -u | tr -d ' ' |
		tr '\n' ' ' | sed 's/ $//'
}
# set_policy TEXT: a write that must succeed.
set_policy() {
	local r
	r=$(policy "$1")
	[ "$r" = ok ] || fail "policy write '$1': $r"
}
