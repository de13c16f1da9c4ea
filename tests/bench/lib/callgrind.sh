# Sourced by the benchmarks that count instructions with CALLGRIND=1; $T is the script's scratch
# directory.

# The command prefix that runs a program under callgrind, writing $T/NAME.out; nothing without
# CALLGRIND. Use unquoted: $(cg NAME) PROGRAM ARGS...
cg() { [[ -n ${CALLGRIND:-} ]] && echo valgrind --tool=callgrind --callgrind-out-file="$T/$1.out"; }

# The instructions in callgrind output FILE, divided by COUNT. A daemon's dump (callgrind_control
# -d) is written by the daemon itself, so the file is waited for up to 10 s.
cg_per() {
	local ir=
	for _ in $(seq 100); do
		ir=$(callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }')
		[[ -n $ir ]] && break
		sleep 0.1
	done
	echo $((${ir:-0} / $2))
}
