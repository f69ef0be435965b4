#!/bin/sh
# Fuzz for SECONDS in total (default 600), restarting after each crash so that
# one bug does not end the run. Crash inputs land in fuzz/crashes/, the growing
# corpus in fuzz/corpus/ (seeded from samples/*.txt); neither is committed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-$here/../.venv/bin/python}
total=${1:-600}
mkdir -p "$here/corpus" "$here/crashes"
[ -n "$(ls -A "$here/corpus")" ] || cp "$here"/../samples/*.txt "$here/corpus/"
end=$(( $(date +%s) + total ))
while [ "$(date +%s)" -lt "$end" ]; do
    left=$(( end - $(date +%s) ))
    "$python" "$here/fuzz_extract.py" -max_total_time="$left" -max_len=16384 -timeout=20 \
        -rss_limit_mb=2048 -dict="$here/extract.dict" -artifact_prefix="$here/crashes/" \
        -print_final_stats=1 "$here/corpus" && break
done
