# Helpers the tmux tests of stepped runs share (sourced after tmux.bash).

# The lesson pane (left of the separator, inside the run box) as one line of words.
left() { cap | LC_ALL=C.UTF-8 sed -E 's/[│▲▼] [^│]*$//; s/^ *│ ?//' | tr -s ' \n' '  '; }
wait_left() { wait_until left "$@"; }
steps() { [ "$1" = 1 ] && echo "1 step so far" || echo "$1 steps so far"; }
# press KEY N: a key, then the run box says N steps were taken.
press() {
	key "$1"
	wait_left "You are the scheduler: $(steps "$2")." 30
}
