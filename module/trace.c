// SPDX-License-Identifier: GPL-2.0
/*
 * tcpka's tracepoints (include/tcpka_trace.h): tcpka:tcpka_round_end and
 * tcpka:tcpka_policy_applied. They are created here and unregistered by the
 * module loader on rmmod.
 */

#define CREATE_TRACE_POINTS
#include "tcpka_trace.h"
