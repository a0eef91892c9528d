#!/usr/bin/env bash
#
# ldwatch VM harness: boot a kernel under qemu (TCG) with a busybox initramfs,
# run guest test scripts in it, and report their results and any kernel splat.
# Run with --help for usage.

set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
readonly PROG HERE
# The target kernels' places in the cache (ldw_kernel_*); this script's own
# result functions below are its own.
# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "$HERE/../lib.sh"

usage() {
	cat <<EOF
Usage: $PROG --kernel RELEASE --out DIR [OPTION]... GUEST_SCRIPT...

Boot the target kernel RELEASE as tests/kernels.sh unpacked it into the
cache ($LDW_CACHE/kernels/RELEASE/boot/vmlinuz-RELEASE; never the host's
/boot) under qemu (TCG, never KVM; one host thread runs all guest CPUs)
with an initramfs built in DIR, run each GUEST_SCRIPT in the guest with sh
(in the order given), and report.

Options:
  --kernel RELEASE      kernel release to boot (required); labels the results
                        and locates its modules for --kmod, in the cache
                        ($LDW_CACHE/kernels/RELEASE/lib/modules/RELEASE)
  --kernel-image PATH   boot PATH instead of the cached image
  --label TEXT          label the results [TEXT] instead of [RELEASE] (a
                        second run of the same kernel, other options)
                        (e.g. a lab kernel's bzImage)
  --out DIR             working and output directory (required); created if
                        missing; everything this script writes goes there
  --module PATH.ko      out-of-tree module to pack into /lib/ldwatch/
                        (repeatable; .ko.xz/.ko.zst/.ko.gz are decompressed)
  --kmod NAME           distribution module of RELEASE (from the cache), packed
                        with its dependencies (modules.dep or the module's
                        depends field, plus resolvable "pre:" softdeps),
                        decompressed, and insmod-ed by init before the
                        scripts run (repeatable)
  --kmod-pack NAME      distribution module packed with its dependencies as
                        --kmod does, but not loaded: the guest's modprobe
                        (busybox) finds it and what it needs (repeatable)
  --bin PATH            executable to pack into /usr/local/bin/ (repeatable);
                        shared libraries it needs (ldd) are packed too
  --file SRC:DEST       copy file or directory SRC to absolute guest path
                        DEST (split at the last ':'); shared libraries an ELF
                        SRC needs are packed too (repeatable)
  --timeout SECONDS     hard limit on the whole VM run (default 300)
  --script-timeout SEC  limit for each guest script (default 120)
  --smp N               guest CPUs (default 2)
  --mem MB              guest memory (default 1024)
  --append ARG          extra kernel command-line text (repeatable)
  --qemu-arg ARG        extra qemu argument (repeatable)
  --verbose             stream the guest console to stderr while it runs
  -h, --help            this text

Guest scripts source /tests/lib.sh (tests/vm/guest-lib.sh) and report with
ok / not_ok / skip / check / check_fails; results travel on a virtio
console (the guest's /dev/hvc0; a PCI virtio-serial device, whose output
needs no interrupt) to DIR/results.log, the console (ttyS0: kernel log and
the scripts' stdout/stderr) goes to DIR/console.log. For a kernel that has
virtio_pci and virtio_console as modules, init loads them (packed from the
kernel's modules, with their dependencies) before anything else.

Output: one line per result, "ok - [RELEASE] DESC" or "not ok - [RELEASE]
DESC", including the harness's own checks (boot completed, VM powered off
within the timeout, one per script exit status, no kernel splat), comment
lines starting with "#", and last exactly one line "N passed, N failed".
Exit status: 0 if nothing failed, 1 if something failed, 2 on a usage error.
EOF
}

usage_error() {
	printf '%s: %s\n' "$PROG" "$*" >&2
	printf 'Try %s --help\n' "$PROG" >&2
	exit 2
}

warn() {
	printf '%s: warning: %s\n' "$PROG" "$*" >&2
}

# ---------------------------------------------------------------- arguments

release=
kernel_image=
label_text=
out=
timeout_s=300
script_timeout_s=120
smp=2
mem=1024
verbose=0
modules=()
kmods=()
kmod_packs=()
bins=()
files=()
appends=()
qemu_args=()
scripts=()

need_arg() {
	[[ $# -ge 2 ]] || usage_error "option $1 needs an argument"
}

while [[ $# -gt 0 ]]; do
	case $1 in
	--kernel) need_arg "$@"; release=$2; shift 2 ;;
	--kernel-image) need_arg "$@"; kernel_image=$2; shift 2 ;;
	--label) need_arg "$@"; label_text=$2; shift 2 ;;
	--out) need_arg "$@"; out=$2; shift 2 ;;
	--module) need_arg "$@"; modules+=("$2"); shift 2 ;;
	--kmod) need_arg "$@"; kmods+=("$2"); shift 2 ;;
	--kmod-pack) need_arg "$@"; kmod_packs+=("$2"); shift 2 ;;
	--bin) need_arg "$@"; bins+=("$2"); shift 2 ;;
	--file) need_arg "$@"; files+=("$2"); shift 2 ;;
	--timeout) need_arg "$@"; timeout_s=$2; shift 2 ;;
	--script-timeout) need_arg "$@"; script_timeout_s=$2; shift 2 ;;
	--smp) need_arg "$@"; smp=$2; shift 2 ;;
	--mem) need_arg "$@"; mem=$2; shift 2 ;;
	--append) need_arg "$@"; appends+=("$2"); shift 2 ;;
	--qemu-arg) need_arg "$@"; qemu_args+=("$2"); shift 2 ;;
	--verbose) verbose=1; shift ;;
	-h | --help) usage; exit 0 ;;
	--) shift; scripts+=("$@"); break ;;
	-*) usage_error "unknown option: $1" ;;
	*) scripts+=("$1"); shift ;;
	esac
done

[[ -n $release ]] || usage_error "--kernel RELEASE is required"
[[ $release =~ ^[A-Za-z0-9._+-]+$ ]] || usage_error "odd kernel release: $release"
[[ -n $out ]] || usage_error "--out DIR is required"
[[ ${#scripts[@]} -gt 0 ]] || usage_error "no guest script given"
for n in "$timeout_s" "$script_timeout_s" "$smp" "$mem"; do
	[[ $n =~ ^[1-9][0-9]*$ ]] || usage_error "not a positive integer: $n"
done

# ------------------------------------------------------------------ results

passed=0
failed=0
summary_done=0
label="[${label_text:-$release}]"

# Every description printed has already been sanitized (printable ASCII).
pass() {
	passed=$((passed + 1))
	printf 'ok - %s %s\n' "$label" "$1"
}

fail() {
	failed=$((failed + 1))
	printf 'not ok - %s %s\n' "$label" "$1"
}

comment() {
	printf '# %s\n' "$1"
}

summary() {
	summary_done=1
	printf '%d passed, %d failed\n' "$passed" "$failed"
}

# An unexpected error anywhere below still ends with a failure and the
# summary line, so that CI never mistakes a crashed harness for a pass.
on_exit() {
	local rc=$?
	if [[ $summary_done -eq 0 ]]; then
		fail "harness error (exit status $rc), see stderr"
		summary
		exit 1
	fi
}
trap on_exit EXIT

# setup_fail MESSAGE: a problem with the inputs found after parsing.
setup_fail() {
	printf '%s: error: %s\n' "$PROG" "$1" >&2
	fail "harness setup: $(sanitize_str "$1")"
	summary
	exit 1
}

# sanitize: stdin -> stdout, every byte that is not printable ASCII or a
# newline becomes '?', carriage returns vanish, lines are cut at 1000 bytes.
sanitize() {
	LC_ALL=C tr -d '\r' | LC_ALL=C tr -c '\n -~' '?' | LC_ALL=C cut -c1-1000
}

sanitize_str() {
	printf '%s' "$1" | LC_ALL=C tr -c ' -~' '?' | LC_ALL=C cut -c1-1000
}

# ------------------------------------------------------------------- inputs

mkdir -p -- "$out"
out=$(cd -- "$out" && pwd)
export TMPDIR="$out"

[[ -n $kernel_image ]] || kernel_image=$(ldw_kernel_image "$release")
[[ -r $kernel_image ]] ||
	setup_fail "kernel image not readable: $kernel_image (tests/kernels.sh fetches the target kernels)"
# The distribution modules: the cached tree of tests/kernels.sh (root
# $kroot, as / would hold them), indexed by depmod.
kroot=$(ldw_kernel_root "$release")
moddir=$(ldw_kernel_moddir "$release")

for tool in qemu-system-x86_64 cpio gzip timeout ldd; do
	command -v "$tool" >/dev/null || setup_fail "$tool not found"
done
busybox=$(command -v busybox || true)
[[ -n $busybox ]] || setup_fail "busybox not found (apt-get install busybox-static)"

stage=$out/initramfs.d
initrd=$out/initramfs.cpio.gz
console_log=$out/console.log
results_log=$out/results.log
rm -rf -- "$stage"
rm -f -- "$initrd" "$console_log" "$results_log"
mkdir -p -- "$stage"

# ------------------------------------------------------------ initramfs

# decompress SRC DEST: copy a (possibly compressed) kernel module.
decompress() {
	local src=$1 dest=$2
	mkdir -p -- "$(dirname -- "$dest")"
	case $src in
	*.xz) xz -dc -- "$src" >"$dest" ;;
	*.zst) zstd -q -dc -- "$src" >"$dest" ;;
	*.gz) gzip -dc -- "$src" >"$dest" ;;
	*) cp -- "$src" "$dest" ;;
	esac
	chmod 0644 -- "$dest"
}

is_elf() {
	[[ -f $1 && $(LC_ALL=C od -An -tx1 -N4 -- "$1" | tr -d ' \n') == 7f454c46 ]]
}

# copy_libs FILE: pack the shared libraries (and the dynamic loader) that
# FILE needs, at the paths ldd reports. No ld.so.cache or ld.so.conf is
# written: the loader's built-in directories find them, and the guest's /etc
# stays free of ld.so.* files for the tests to create.
copy_libs() {
	local f=$1 line lib listing
	is_elf "$f" || return 0
	# Static binaries make ldd fail ("not a dynamic executable").
	listing=$(LC_ALL=C ldd -- "$f" 2>/dev/null) || return 0
	while IFS= read -r line; do
		line=${line#"${line%%[![:space:]]*}"}
		case $line in
		*'=> not found'*)
			setup_fail "$f needs a shared library that is not installed: $line" ;;
		*'=> /'*) lib=${line#*=> } ;;
		/*) lib=$line ;;
		*) continue ;;
		esac
		lib=${lib%% (0x*}
		[[ -e $stage$lib ]] && continue
		mkdir -p -- "$stage$(dirname -- "$lib")"
		cp -L -- "$lib" "$stage$lib"
	done <<<"$listing"
}

# Directory skeleton. /lib is a real directory here (not merged-usr).
for d in bin sbin usr/bin usr/sbin usr/local/bin usr/local/sbin lib lib64 \
	lib/ldwatch etc root tmp run proc sys dev tests; do
	mkdir -p -- "$stage/$d"
done
chmod 1777 -- "$stage/tmp"
chmod 0700 -- "$stage/root"
# The kernel opens /dev/console before init mounts devtmpfs.
mknod -m 0600 "$stage/dev/console" c 5 1 2>/dev/null ||
	warn "cannot create /dev/console node (not root?); init opens it itself"

printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
	'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' >"$stage/etc/passwd"
printf '%s\n' 'root:x:0:' 'tty:x:5:' 'nogroup:x:65534:' >"$stage/etc/group"

# busybox and its applet links.
cp -- "$busybox" "$stage/bin/busybox"
chmod 0755 -- "$stage/bin/busybox"
copy_libs "$busybox"
while IFS= read -r applet; do
	case $applet in
	'' | linuxrc | bin/busybox) continue ;;
	esac
	[[ -e $stage/$applet || -L $stage/$applet ]] && continue
	mkdir -p -- "$stage/$(dirname -- "$applet")"
	ln -s /bin/busybox "$stage/$applet"
done < <("$busybox" --list-full)

# init, the helper library, the scripts.
install -m 0755 -- "$HERE/guest-init.sh" "$stage/init"
install -m 0644 -- "$HERE/guest-lib.sh" "$stage/tests/lib.sh"

declare -A seen_script=()
script_names=()
for s in "${scripts[@]}"; do
	[[ -f $s && -r $s ]] || setup_fail "guest script not readable: $s"
	name=${s##*/}
	[[ $name =~ ^[A-Za-z0-9_][A-Za-z0-9._-]*$ && $name != lib.sh ]] ||
		setup_fail "guest script name must match [A-Za-z0-9_][A-Za-z0-9._-]* and not be lib.sh: $name"
	[[ -z ${seen_script[$name]:-} ]] || setup_fail "two guest scripts named $name"
	seen_script[$name]=1
	script_names+=("$name")
	install -m 0755 -- "$s" "$stage/tests/$name"
done
printf '%s\n' "${script_names[@]}" >"$stage/tests/.order"
printf 'LDW_RELEASE=%s\nLDW_SCRIPT_TIMEOUT=%s\n' "$release" "$script_timeout_s" \
	>"$stage/tests/.config"

# Out-of-tree modules.
declare -A seen_module=()
for m in "${modules[@]}"; do
	[[ -f $m && -r $m ]] || setup_fail "module not readable: $m"
	base=${m##*/}
	base=${base%.xz}
	base=${base%.zst}
	base=${base%.gz}
	[[ $base == *.ko ]] || setup_fail "not a kernel module (.ko): $m"
	[[ -z ${seen_module[$base]:-} ]] || setup_fail "two modules named $base"
	seen_module[$base]=1
	decompress "$m" "$stage/lib/ldwatch/$base"
	if command -v modinfo >/dev/null; then
		vermagic=$(modinfo -F vermagic -- "$stage/lib/ldwatch/$base" 2>/dev/null || true)
		[[ ${vermagic%% *} == "$release" ]] ||
			warn "$base was built for '${vermagic%% *}', not $release: insmod will fail"
	fi
done

# Executables.
for b in "${bins[@]}"; do
	[[ -f $b && -x $b ]] || setup_fail "not an executable file: $b"
	install -m 0755 -- "$b" "$stage/usr/local/bin/${b##*/}"
	copy_libs "$b"
done

# Other files.
for spec in "${files[@]}"; do
	[[ $spec == *:* ]] || setup_fail "--file wants SRC:DEST, got: $spec"
	src=${spec%:*}
	dest=${spec##*:}
	[[ -e $src ]] || setup_fail "--file source missing: $src"
	[[ $dest == /* && $dest != */../* && $dest != */.. ]] ||
		setup_fail "--file destination must be an absolute path without '..': $dest"
	mkdir -p -- "$stage$(dirname -- "$dest")"
	cp -a -- "$src" "$stage$dest"
	if [[ -f $src ]]; then
		copy_libs "$src"
	fi
done

# Distribution modules: the result channel's (virtio), --kmod, --kmod-pack.
# kmod_add appends what it packs to the list named by $kmod_list: channel
# (init loads these first), order (init loads these before the scripts) or
# pack (packed only, for the guest's modprobe).
declare -A kmod_done=() kmod_file_done=()
kmod_order=()
kmod_channel=()
kmod_list=order
kmod_quiet=0

# kmod_builtin NAME: true if NAME is built into the kernel.
kmod_builtin() {
	local n=${1//-/_} line b
	[[ -r $moddir/modules.builtin ]] || return 1
	while IFS= read -r line; do
		b=${line##*/}
		b=${b%.ko}
		[[ ${b//-/_} == "$n" ]] && return 0
	done <"$moddir/modules.builtin"
	return 1
}

# kmod_find NAME: print the module files for NAME, a module name or an
# alias (an alias such as crypto-crc32c may have several providers).
kmod_find() {
	local name=$1 n=${1//-/_} p b found=1
	while IFS= read -r p; do
		if [[ -f $p ]]; then
			printf '%s\n' "$p"
			found=0
		fi
	done < <(modinfo -b "$kroot" -k "$release" -n -- "$name" 2>/dev/null || true)
	[[ $found -eq 0 ]] && return 0
	# Fallback: search by file name.
	while IFS= read -r -d '' p; do
		b=${p##*/}
		b=${b%%.ko*}
		if [[ ${b//-/_} == "$n" ]]; then
			printf '%s\n' "$p"
			return 0
		fi
	done < <(find "$moddir/kernel" "$moddir/updates" "$moddir/extra" \
		-name '*.ko*' -print0 2>/dev/null)
	return 1
}

# kmod_add NAME OPTIONAL: pack NAME after its dependencies. OPTIONAL=yes for
# soft dependencies: every provider is packed, none has to load (e.g. ext4's
# "pre: crypto-crc32c" gives crc32c-intel, which needs SSE4.2, and
# crc32c_generic).
kmod_add() {
	local name=$1 optional=$2 key paths path
	key=${name//-/_}
	[[ -n ${kmod_done[$key]:-} ]] && return 0
	kmod_done[$key]=1
	if kmod_builtin "$name"; then
		((kmod_quiet)) || comment "$label module $name is built into the kernel"
		return 0
	fi
	if ! paths=$(kmod_find "$name"); then
		[[ $optional == yes ]] || setup_fail "module $name not found under $moddir"
		warn "soft dependency $name not found under $moddir, skipped"
		return 0
	fi
	if [[ $optional == no ]]; then
		paths=${paths%%$'\n'*}
	fi
	while IFS= read -r path; do
		kmod_add_file "$path" "$optional"
	done <<<"$paths"
}

# kmod_add_file PATH OPTIONAL
kmod_add_file() {
	local path=$1 optional=$2 key rel deps dep soft word pre
	key=${path##*/}
	key=${key%%.ko*}
	key=${key//-/_}
	[[ -n ${kmod_file_done[$key]:-} ]] && return 0
	kmod_file_done[$key]=1
	kmod_done[$key]=1
	deps=$(modinfo -F depends -- "$path" 2>/dev/null || true)
	for dep in ${deps//,/ }; do
		kmod_add "$dep" "$optional"
	done
	# Soft dependencies loaded before this one ("pre: a b post: c").
	soft=$(modinfo -F softdep -- "$path" 2>/dev/null || true)
	pre=0
	for word in $soft; do
		case $word in
		pre:) pre=1 ;;
		post:) pre=0 ;;
		*) [[ $pre -eq 1 ]] && kmod_add "$word" yes ;;
		esac
	done
	rel=${path#"$moddir"/}
	rel=${rel%.xz}
	rel=${rel%.zst}
	rel=${rel%.gz}
	decompress "$path" "$stage/lib/modules/$release/$rel"
	[[ $optional == yes ]] && rel="? $rel"
	case $kmod_list in
	channel) kmod_channel+=("$rel") ;;
	order) kmod_order+=("$rel") ;;
	esac
}

# The result channel's drivers, where they are modules. Without the
# kernel's modules (a lab kernel's image), they must be built in.
if [[ -r $moddir/modules.builtin ]]; then
	kmod_list=channel
	kmod_quiet=1
	kmod_add virtio_pci no
	kmod_add virtio_console no
	kmod_quiet=0
	if [[ ${#kmod_channel[@]} -gt 0 ]]; then
		printf '%s\n' "${kmod_channel[@]}" >"$stage/lib/modules/ldwatch-channel.order"
	fi
fi

if [[ ${#kmods[@]} -gt 0 || ${#kmod_packs[@]} -gt 0 || ${#kmod_channel[@]} -gt 0 ]]; then
	[[ -d $moddir ]] || setup_fail "--kmod and --kmod-pack need $moddir"
	kmod_list=order
	for k in "${kmods[@]}"; do
		kmod_add "$k" no
	done
	kmod_list=pack
	for k in "${kmod_packs[@]}"; do
		kmod_add "$k" no
	done
	if [[ ${#kmod_order[@]} -gt 0 ]]; then
		printf '%s\n' "${kmod_order[@]}" >"$stage/lib/modules/ldwatch-kmods.order"
	fi
	# A modules.dep in the guest lets busybox modprobe (and the kernel's
	# request_module) find the packed modules too.
	for f in modules.builtin modules.builtin.modinfo modules.order; do
		[[ -r $moddir/$f ]] && cp -- "$moddir/$f" "$stage/lib/modules/$release/$f"
	done
	if command -v depmod >/dev/null; then
		depmod -b "$stage" "$release" 2>/dev/null || warn "depmod on the packed modules failed"
	fi
fi

# Pack: owner root, sorted, newc, gzip.
(
	cd -- "$stage"
	find . -mindepth 1 -printf '%P\0' | LC_ALL=C sort -z |
		cpio --null --create --format=newc --owner=0:0 --reproducible --quiet
) | gzip -n -1 >"$initrd"

# ---------------------------------------------------------------------- boot

# qemu's -chardev syntax doubles commas inside option values.
qpath() {
	printf '%s' "${1//,/,,}"
}

cmdline="console=ttyS0 panic=-1 panic_on_warn=1 oops=panic loglevel=7 printk.time=1"
for a in "${appends[@]}"; do
	cmdline+=" $a"
done

: >"$console_log"
: >"$results_log"
# One host thread runs all the guest's CPUs in turn (thread=single), not
# one thread each (qemu's default, MTTCG). qemu 7.2's MTTCG does not keep
# cross-modifying code coherent: a CPU can run a translation of a function's
# entry made while another CPU was patching it, after the patch has
# completed, so ftrace and kprobes (text_poke_bp()) crash the guest with a
# stray int3 or a torn instruction. Debian's own 6.12 kernel, with nothing of
# ldwatch loaded, oopses within two toggles of the function tracer while two
# CPUs make system calls; with thread=single it survives every toggle
# (tests/vm/guest/text_patching.sh checks this each run). The guest still
# has 2 CPUs, preempted and interleaved; they just do not run at once.
qemu_cmd=(
	qemu-system-x86_64
	-nodefaults -nographic -no-reboot
	-accel "tcg,thread=single"
	-m "$mem" -smp "$smp"
	-kernel "$kernel_image"
	-initrd "$initrd"
	-append "$cmdline"
	-chardev "file,id=console,path=$(qpath "$console_log")"
	-serial chardev:console
	# The results: a virtio console, not a second UART. On PREEMPT_RT a
	# burst of result lines on an 8250 ended in "irq 3: nobody cared" and
	# the port went silent; the virtio console's output is a buffer handed
	# to qemu, which the guest's write waits for, and no interrupt.
	-device "virtio-serial-pci,id=ldwvser"
	-chardev "file,id=results,path=$(qpath "$results_log")"
	-device "virtconsole,bus=ldwvser.0,chardev=results,name=org.ldwatch.results"
	-device "isa-debug-exit,iobase=0xf4,iosize=0x04"
	-monitor none
	-nic none
	"${qemu_args[@]}"
)
printf '%q ' "${qemu_cmd[@]}" >"$out/qemu-cmdline"
echo >>"$out/qemu-cmdline"

qemu_pid=
tail_pid=
on_signal() {
	[[ -n $qemu_pid ]] && kill -TERM "$qemu_pid" 2>/dev/null
	[[ -n $tail_pid ]] && kill -TERM "$tail_pid" 2>/dev/null
	fail "interrupted"
	summary
	exit 1
}
trap on_signal INT TERM

start=$EPOCHREALTIME
timeout --kill-after=10 "$timeout_s" "${qemu_cmd[@]}" </dev/null >"$out/qemu.out" 2>&1 &
qemu_pid=$!
if [[ $verbose -eq 1 ]]; then
	tail -n +1 -f --pid="$qemu_pid" -- "$console_log" |
		LC_ALL=C sed -u -e 's/\r$//' -e 's/[^ -~]/?/g' >&2 &
	tail_pid=$!
fi
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
qemu_pid=
if [[ -n $tail_pid ]]; then
	wait "$tail_pid" 2>/dev/null || true
	tail_pid=
fi
end=$EPOCHREALTIME
wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')

# ------------------------------------------------------------------- report

sanitize <"$results_log" >"$out/results.txt"
sanitize <"$console_log" >"$out/console.txt"

init_start=
init_done=
declare -A script_rc=() script_to=()
re_ok='^ok( - (.*))?$'
re_not_ok='^not ok( - (.*))?$'
re_exit='^script-exit ([A-Za-z0-9._-]+) ([0-9]+)$'
re_timeout='^script-timeout ([A-Za-z0-9._-]+) ([0-9]+)$'
while IFS= read -r line || [[ -n $line ]]; do
	if [[ $line =~ $re_ok ]]; then
		pass "${BASH_REMATCH[2]:-(no description)}"
	elif [[ $line =~ $re_not_ok ]]; then
		fail "${BASH_REMATCH[2]:-(no description)}"
	elif [[ $line =~ $re_exit ]]; then
		script_rc[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
	elif [[ $line =~ $re_timeout ]]; then
		script_to[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
	elif [[ $line == 'init-start '* ]]; then
		init_start=${line#init-start }
	elif [[ $line == 'init-done '* ]]; then
		init_done=${line#init-done }
	fi
done <"$out/results.txt"

for name in "${script_names[@]}"; do
	if [[ -n ${script_to[$name]:-} ]]; then
		fail "script $name finished (timed out after ${script_to[$name]} s)"
	elif [[ -z ${script_rc[$name]:-} ]]; then
		fail "script $name finished (no script-exit marker: guest crashed, hung or stopped early)"
	elif [[ ${script_rc[$name]} -eq 0 ]]; then
		pass "script $name finished (exit status 0)"
	else
		fail "script $name finished (exit status ${script_rc[$name]})"
	fi
done

if [[ -n $init_start && -n $init_done ]]; then
	pass "boot completed (init ran all scripts)"
else
	fail "boot completed (init ran all scripts)"
fi

# timeout(1) gives 124, or 137 after --kill-after; the isa-debug-exit
# fallback in init makes qemu exit with 33.
case $qemu_rc in
0 | 33) pass "VM exited within $timeout_s s" ;;
124 | 137) fail "VM exited within $timeout_s s (timed out, killed)" ;;
*) fail "VM exited within $timeout_s s (qemu exit status $qemu_rc)"
	sed 's/^/# qemu: /' "$out/qemu.out" | sanitize | head -n 20 ;;
esac

# Kernel splats: only lines carrying a printk timestamp count, so that what a
# guest script prints to the console cannot fake or hide one.
splat_re='\[ *[0-9]+\.[0-9]+\].*(BUG:|WARNING:|Oops|Call Trace|KASAN|Kernel panic|general protection fault|kernel BUG at|UBSAN:|Unable to handle kernel|detected stall|blocked for more than|suspected memory leak)'
splat=0
if LC_ALL=C grep -q -E -- "$splat_re" "$out/console.txt"; then
	splat=1
	fail "no kernel splat on $release"
	comment "kernel splat lines in $console_log (with context):"
	LC_ALL=C grep -n -E -B 5 -A 25 -- "$splat_re" "$out/console.txt" | head -n 300 |
		sed 's/^/#   /'
else
	pass "no kernel splat on $release"
fi

if [[ -z $init_done && $splat -eq 0 ]]; then
	comment "last console lines ($console_log):"
	tail -n 40 "$out/console.txt" | sed 's/^/#   /'
fi

comment "$label VM wall time ${wall} s; guest uptime at /init ${init_start##* } s, at poweroff ${init_done:-?} s"
summary
[[ $failed -eq 0 ]]
