#!/usr/bin/env bash
# Sums a pcprof profile (tools/qemu-plugins/pcprof.c) per function of an
# ELF file's symbol table, largest first:
#   tools/pcprof-report.sh PROFILE ELF [TOP]
set -euo pipefail
profile=$1 elf=$2 top=${3:-30}
nm -n --defined-only "$elf" | awk '$2 ~ /^[tTwW]$/ { print $1, $3 }' |
awk -v top="$top" '
	# the low 32 bits of a hex address (exact in awk numbers; the monitor
	# and a guest kernel each lie within one 4 GiB span)
	function low32(h,   i, v) {
		sub(/^0x/, "", h)
		h = tolower(substr(h, length(h) > 8 ? length(h) - 7 : 1))
		for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		return v
	}
	NR == FNR { addr[NR] = low32($1); name[NR] = $2; n = NR; next }
	{
		a = low32($1); insns = $2 * $3; total += insns
		lo = 1; hi = n
		if (a < addr[1]) { sum["?"] += insns; next }
		while (lo < hi) { mid = int((lo + hi + 1) / 2); if (addr[mid] <= a) lo = mid; else hi = mid - 1 }
		sum[name[lo]] += insns
	}
	END {
		for (f in sum) printf "%14.0f %5.1f%% %s\n", sum[f], 100 * sum[f] / total, f | "sort -rn | head -n " top
		close("sort -rn | head -n " top)
		printf "%14.0f total\n", total
	}' - "$profile"
