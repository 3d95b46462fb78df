#!/usr/bin/env bash
# `make test-fresh`: proves that a new Debian 12 machine runs the README's
# `make test` from nothing. A minimal Debian bookworm (mmdebstrap
# --variant=minbase) gets git and make and nothing else; the current commit
# is cloned into it and `make test` runs there, so every other package must
# come from tools/install-deps.sh. CI (.ci/run) runs this.
#
# Shared with the chroot, to stay inside CI's time: the downloaded .debs
# (an apt archive cache under DISCO_CACHE) and the Linux kernel cache,
# whose entries are keyed by every input (a kernel whose inputs changed is
# built inside the chroot). Nothing else of this machine is visible there.
#
#   tools/test-fresh.sh            needs root (mmdebstrap, chroot, mounts)
# Without root it says so and runs the plain `make test`.
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${DISCO_CACHE:-$HOME/.cache/disco}
suite=bookworm
mirror=http://deb.debian.org/debian
start=$(date +%s)
say() { echo "test-fresh: $*"; }

# The inside of a run, in a private mount namespace (unshare -m): every
# mount below is gone when it ends, and none reaches this machine's own.
if [ "${1:-}" = --inside ]; then
	root=$2
	mount_in() {        # SOURCE TARGET [mount options...]: TARGET in the chroot
		local src=$1 dst=$root$2
		shift 2
		mkdir -p "$dst"
		mount "$@" "$src" "$dst"
	}
	mount_in proc /proc -t proc
	mount_in sysfs /sys -t sysfs
	# /dev's nodes are mmdebstrap's; ptys come from a devpts of the chroot's own
	mount_in devpts /dev/pts -t devpts -o newinstance,ptmxmode=0666
	mount --bind "$root/dev/pts/ptmx" "$root/dev/ptmx"
	mount_in tmpfs /dev/shm -t tmpfs
	mount_in "$cache/linux" /root/.cache/disco/linux --bind
	mount_in "$PWD" /mnt/origin --bind -o ro
	cp /etc/resolv.conf "$root/etc/resolv.conf"
	# The clone: the committed tree of this checkout, as a new user gets it.
	chroot "$root" git clone -q /mnt/origin /root/disco
	chroot "$root" git -C /root/disco checkout -q "$(git rev-parse HEAD)"
	exec chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		TERM=dumb LANG=C.UTF-8 CI="${CI:-}" bash -c 'cd /root/disco && make test'
fi

if [ "$(id -u)" -ne 0 ]; then
	say "not root: a fresh chroot cannot be made here (mmdebstrap, chroot and mounts need root); running the plain 'make test' instead"
	exec make test
fi
if ! command -v mmdebstrap > /dev/null; then
	say "installing Debian's mmdebstrap on this machine (it makes the chroot)"
	DEBIAN_FRONTEND=noninteractive apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends mmdebstrap
fi

root=$(mktemp -d /var/tmp/disco-fresh.XXXXXX)
debs=$cache/fresh-apt-archives
mkdir -p "$debs" "$cache/linux"
cleanup() {
	# the chroot's test logs, for a look at a failure
	if [ -d "$root/root/disco/build/test-logs" ]; then
		rm -rf build/test-fresh-logs
		mkdir -p build
		cp -r "$root/root/disco/build/test-logs" build/test-fresh-logs
		say "its test logs are in build/test-fresh-logs"
	fi
	# keep what the chroot downloaded for the next run
	if [ -d "$root/var/cache/apt/archives" ]; then
		find "$root/var/cache/apt/archives" -maxdepth 1 -name '*.deb' \
			-exec cp -n {} "$debs/" \; 2> /dev/null || true
	fi
	rm -rf --one-file-system "$root"
}
trap cleanup EXIT

say "making a minimal Debian $suite in $root (git and make only)"
# The .debs of earlier runs are put in the chroot's archive cache before
# apt runs and kept there (skip=download/empty); Valid-Until is not
# checked, as on this machine's own apt (the archive may be a snapshot).
mmdebstrap --quiet --variant=minbase --include=git,make \
	--aptopt='Acquire::Check-Valid-Until "false"' \
	--skip=download/empty,cleanup/apt/cache \
	--setup-hook="mkdir -p \"\$1/var/cache/apt/archives\" && find '$debs' -maxdepth 1 -name '*.deb' -exec cp {} \"\$1/var/cache/apt/archives/\" \\;" \
	"$suite" "$root" \
	"deb $mirror $suite main" "deb $mirror $suite-updates main" \
	"deb http://deb.debian.org/debian-security $suite-security main"
say "chroot ready after $(( $(date +%s) - start )) s"
head=$(git rev-parse --short HEAD)
[ -z "$(git status --porcelain --untracked-files=no)" ] ||
	say "note: uncommitted changes are not tested (the chroot clones commit $head)"

say "running 'make test' in the chroot (commit $head)"
rc=0
unshare --mount --propagation private "$0" --inside "$root" || rc=$?
say "make test in a fresh $suite chroot: exit status $rc after $(( $(date +%s) - start )) s in all"
exit "$rc"
