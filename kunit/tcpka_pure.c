// SPDX-License-Identifier: GPL-2.0
/*
 * The pure logic of tcpka, built into the KUnit kernel exactly as the module
 * builds it: the sources themselves, found through -iquote <top>/module.
 */

#include "grammar.c"
#include "table.c"
#include "classify.c"
#include "format.c"
