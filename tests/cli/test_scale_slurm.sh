#!/bin/bash
# contrib/slurm/panya-array.sbatch on a single-node Slurm started here (slurmctld, slurmd and
# munged with a generated config and key in $WORK, on 127.0.0.1): the array job runs a plan's
# shards into caches in a shared folder; merged, they make a pack with zero transcodes that
# is byte-identical to a single-process pack. Skipped (77) when the daemons cannot start.
. "$(dirname "$0")/lib.sh"
skip() { echo "SKIP: $*"; exit 77; }
command -v ffmpeg >/dev/null || skip "ffmpeg (used to make the test media) is missing"
for tool in slurmctld slurmd munged sbatch sinfo; do
    command -v "$tool" >/dev/null || skip "$tool is missing (Debian slurm-wlm, munge)"
done
[ "$(id -u)" -eq 0 ] || skip "slurmd needs root to run jobs as their users"

S=$WORK/slurm
mkdir -p "$S/state" "$S/spool" "$S/munge" "$WORK/shared"
pids=()
stop_daemons() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
    rm -rf "$WORK"
}
trap stop_daemons EXIT
head -c 1024 /dev/urandom >"$S/munge/key" && chmod 400 "$S/munge/key"
chmod 700 "$S/munge"
munged --force --foreground --key-file="$S/munge/key" --socket="$S/munge/sock" \
    --pid-file="$S/munge/pid" --log-file="$S/munge/log" --seed-file="$S/munge/seed" &
pids+=($!)
port=$((20000 + RANDOM % 20000))
node=panyanode
cat >"$S/slurm.conf" <<CONF
ClusterName=panyatest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
AuthType=auth/munge
AuthInfo=socket=$S/munge/sock
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/slurmctld.pid
SlurmdPidFile=$S/slurmd.pid
SlurmctldLogFile=$S/slurmctld.log
SlurmdLogFile=$S/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
NodeName=$node NodeHostname=$(hostname) NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=panya Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$S/slurm.conf
sleep 0.5
slurmctld -D -i >"$S/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N "$node" >"$S/slurmd.out" 2>&1 &
pids+=($!)
up=""
for _ in $(seq 1 60); do
    [ "$(sinfo -h -o %t 2>/dev/null)" = idle ] && { up=1; break; }
    sleep 0.5
done
[ -n "$up" ] || skip "single-node Slurm did not come up: $(tail -2 "$S/slurmctld.log" "$S/slurmd.log" 2>/dev/null | tr '\n' ' ')"

corpus=$WORK/shared/courses/course
mkdir -p "$corpus"
for n in 1 2 3; do
    ffmpeg -v error -f lavfi -i "testsrc2=size=320x240:rate=25:duration=$n" \
        -f lavfi -i "sine=frequency=$((300 + n * 100)):duration=$n" -c:v libx264 -preset ultrafast \
        -c:a aac -y "$corpus/clip$n.mp4"
done
expect_exit 0 "$PANYA" plan "$WORK/shared/courses" --cache "$WORK/shared/cache" -o "$WORK/shared/plan.jsonl"
expect_in "$WORK/out" "6 transcode job(s) to run"
expect_exit 0 timeout 600 sbatch --wait --array=0-2 --chdir="$WORK/shared" \
    --export=ALL,PLAN="$WORK/shared/plan.jsonl",SHARED="$WORK/shared",PANYA="$PANYA" \
    "$PANYA_SOURCE_ROOT/contrib/slurm/panya-array.sbatch"
for k in 0 1 2; do
    [ -d "$WORK/shared/caches/cache-$k/v1" ] || fail "array task $k made no cache: $(cat "$WORK"/shared/panya-shard-*_$k.out 2>/dev/null)"
done
expect_exit 0 "$PANYA" cache merge "$WORK"/shared/caches/cache-* "$WORK/shared/cache"
expect_in "$WORK/out" "6 entries copied"
expect_exit 0 "$PANYA" pack "$WORK/shared/courses" -o "$WORK/slurm.panya" --cache "$WORK/shared/cache" --report "$WORK/slurm.json" -q
[ "$(json_field "$WORK/slurm.json" 'd["transcodes"]')" = 0 ] || fail "pack after the Slurm array transcoded"
expect_exit 0 "$PANYA" pack "$WORK/shared/courses" -o "$WORK/single.panya" --cache "$WORK/single" -q
cmp -s "$WORK/slurm.panya" "$WORK/single.panya" || fail "the bundle from the Slurm array's caches differs from a single-process pack"
finish
