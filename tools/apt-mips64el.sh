# Sourced by the tools/fetch-*.sh scripts: Debian's packages for mips64el
# through a private apt list and state under $cache/apt-mips64el; the
# system's own architectures and sources are not changed, no root needed.
#
#   apt_mips64el_lock     sets work=, makes its folders, takes the lock on
#                         fd 9 (one apt at a time: make -j may run several)
#   apt_mips64el_update   writes the sources, sets apt_opts=(...) for
#                         apt-get and apt-cache, and updates the list

apt_mips64el_lock() {
	work=$cache/apt-mips64el
	mkdir -p "$work/lists/partial" "$work/archives/partial"
	exec 9> "$work/lock"
	flock 9
}

apt_mips64el_update() {
	cat > "$work/sources.list" <<LIST
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
LIST
	apt_opts=(-q -o APT::Sandbox::User=root -o APT::Architecture=mips64el
		-o APT::Architectures::=mips64el -o Dir::Etc::SourceList="$work/sources.list"
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$work/lists"
		-o Dir::Cache::Archives="$work/archives" -o Dir::State::Status=/dev/null)
	apt-get "${apt_opts[@]}" update >/dev/null
}
