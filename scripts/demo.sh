#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make demo: boot Debian's own kernel in QEMU, load tcpka.ko with
# parameters, give a service cgroup a policy and drive three of its
# long-lived connections into ack, rst and timeout; print what an operator
# looks at. TCPKA_DEMO_KERNEL=6.12 picks the other Debian kernel.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

vm_run "${TCPKA_DEMO_KERNEL:-6.1}" "$TCPKA_TOP/selftests/demo.sh"
