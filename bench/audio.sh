#!/bin/bash
# Sound by content: speech at the speech rate, music at the profile's rate.
#
#   bench/audio.sh [BUILD_DIR] [CORPUS_MEDIA_DIR]
#
# Sounds: speech made with espeak-ng (two voices, ~1 minute each), the same speech in room
# noise and over a music bed, a 5-minute lecture (the speech looped: the classifier reads
# six 10 s windows of it), synthetic music (chords over a beat), and the corpus: viper.mp3
# (a rock song), bear.mp3 (a 6 s sound effect: crackles with pauses) and the sound tracks of
# the corpus videos (music and effects). For every sound and profile, the class and the
# classifier's two features, and the bytes per minute without the speech rule (codecs/
# profiles.xml with the speech-* attributes removed: what panya did before) and with it,
# for audio files and for the sound of videos (the <video><audio> settings applied to the
# sound alone). Quality has no perceptual metric in libav; the proxy printed is the level
# of two bands of the decoded output against the source (dB): 300-3400 Hz (the telephone
# band, intelligibility) and 3.4-7 kHz (the wideband extension: fricatives, clarity). It
# shows what bandwidth a setting keeps, not how it sounds. Never part of meson test.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
corpus=${2:-$root/../shared/corpus/media}
panya=$build/panya
out=$root/bench/out/audio
for tool in ffmpeg ffprobe espeak-ng /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 2; }
done
[ -x "$panya" ] || { echo "bench: build panya first ($panya)" >&2; exit 2; }
rm -rf "$out"
mkdir -p "$out/sounds"
s=$out/sounds

# Profiles: "before" is the built-in set without the speech rule; the "v-" profiles encode
# a sound file with each profile's settings for the sound of videos.
python3 - "$root/codecs/profiles.xml" "$out" <<'PY'
import sys, xml.etree.ElementTree as ET
def write(tree, path):
    tree.write(path, encoding="UTF-8", xml_declaration=True)
for rule in ("now", "before"):
    tree = ET.parse(sys.argv[1])
    for audio in tree.iter("audio"):
        if rule == "before":
            audio.attrib.pop("speech-bitrate-kbps", None)
            audio.attrib.pop("speech-sample-rate", None)
    if rule == "before":
        write(tree, sys.argv[2] + "/before.xml")
    for profile in tree.getroot():
        profile.set("name", "v-" + profile.get("name"))
        profile.find("audio").attrib = dict(profile.find("video").find("audio").attrib)
    write(tree, sys.argv[2] + ("/video.xml" if rule == "now" else "/video-before.xml"))
PY

text="Welcome to the lesson on clean water. In this lesson we will learn why boiling water \
makes it safe to drink, and how to store it so that it stays clean. First, fill a pot with water \
from the well or the river. Put the pot on the fire and wait until you see large bubbles rising \
to the surface. Let the water boil for one full minute. If you live high in the mountains, let \
it boil for three minutes. Then take the pot off the fire and let the water cool down. Do not \
add cold water that has not been boiled. Pour the cooled water into a clean container with a \
lid. Keep the lid closed, and use a clean cup to take water out. Wash your hands with soap \
before you touch the water. Now let us review what we have learned. Boil the water, let it \
cool, store it covered, and keep your hands clean. In the next lesson we will talk about \
washing fruit and vegetables."
espeak-ng -v en-us -s 150 -w "$s/speech-male.wav" "$text"
espeak-ng -v en+f3 -s 140 -w "$s/speech-female.wav" "$text"
ffmpeg -v error -y -i "$s/speech-female.wav" -f lavfi -i "anoisesrc=color=pink:amplitude=0.02:seed=7:r=22050" \
    -filter_complex "[0:a][1:a]amix=inputs=2:duration=first:normalize=0" "$s/speech-in-noise.wav"
ffmpeg -v error -y -stream_loop 4 -i "$s/speech-male.wav" -c copy "$s/lecture-5min.wav"
music="aevalsrc=exprs='0.15*(sin(2*PI*(220+27*lt(mod(t,8),4))*t)+sin(2*PI*277.2*t)+sin(2*PI*(329.6+20*gte(mod(t,4),2))*t))*(0.7+0.3*abs(sin(PI*2*t)))+0.4*sin(2*PI*60*t)*exp(-12*mod(t,0.5))':s=44100:d=40"
ffmpeg -v error -y -filter_complex "$music" "$s/synth-music.wav"
if [ -f "$corpus/viper.mp3" ]; then
    cp "$corpus/viper.mp3" "$corpus/bear.mp3" "$s/"
    ffmpeg -v error -y -i "$s/speech-male.wav" -i "$corpus/viper.mp3" -filter_complex \
        "[1:a]volume=0.25,aresample=22050,pan=mono|c0=0.5*c0+0.5*c1[m];[0:a][m]amix=inputs=2:duration=shortest:normalize=0" \
        "$s/speech-over-music.wav"
    for v in elf pig rabbit; do
        [ -f "$corpus/$v.mp4" ] && ffmpeg -v error -y -i "$corpus/$v.mp4" -vn -c copy "$s/$v-track.m4a"
    done
    [ -f "$corpus/frog.webm" ] && ffmpeg -v error -y -i "$corpus/frog.webm" -vn -c copy "$s/frog-track.ogg"
else
    echo "bench: no corpus at $corpus: generated sounds only" >&2
fi

# band FILE LO HI: RMS level (dB) of FILE's first channel between LO and HI Hz.
band() {
    ffmpeg -nostdin -v info -i "$1" -af "aresample=48000,pan=mono|c0=c0,highpass=f=$2,highpass=f=$2,highpass=f=$2,lowpass=f=$3,lowpass=f=$3,lowpass=f=$3,astats=measure_perchannel=none:measure_overall=RMS_level" \
        -f null - 2>&1 | awk '/RMS level dB/ { v = $NF } END { print v }'
}
per_min() { awk -v b="$1" -v d="$2" 'BEGIN { printf "%.0f", b / d * 60 / 1000 }'; }
json_field() { python3 -c 'import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print("-" if v is None else (round(v,3) if isinstance(v,float) else v))' "$1" "$2"; }

printf '%-22s %-9s %-7s %6s %6s  %-12s %8s %8s %7s  %s\n' sound profile class "low-E" "hiZCR" \
    settings "KB/min" "before" change "band dB 0.3-3.4k / 3.4-7k (before -> after)"
: >"$out/audio.txt"
for src in "$s"/*; do
    f=$(basename "$src")
    d=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$src")
    src_lo=$(band "$src" 300 3400)
    src_hi=$(band "$src" 3400 7000)
    for p in small low modern v-small v-low v-modern; do
        case $p in
        v-*) now=$out/video.xml before=$out/video-before.xml ;;
        *) now=$root/codecs/profiles.xml before=$out/before.xml ;;
        esac
        b=$out/${f%.*}.$p
        /usr/bin/time -f "%e %U %S" -o "$b.time" "$panya" transcode "$src" --profiles-file "$now" --profile "$p" \
            --json -o "$b.now" >"$b.json" 2>"$b.err" || { echo "bench: $f $p: $(cat "$b.err")" >&2; continue; }
        /usr/bin/time -f "%e %U %S" -o "$b.before.time" "$panya" transcode "$src" --profiles-file "$before" \
            --profile "$p" -o "$b.before" >/dev/null 2>&1 || continue
        bytes=$(stat -c %s "$b.now")
        old=$(stat -c %s "$b.before")
        lo=$(awk -v a="$(band "$b.now" 300 3400)" -v s="$src_lo" 'BEGIN { printf "%+.1f", a - s }')
        hi=$(awk -v a="$(band "$b.now" 3400 7000)" -v s="$src_hi" 'BEGIN { printf "%+.1f", a - s }')
        blo=$(awk -v a="$(band "$b.before" 300 3400)" -v s="$src_lo" 'BEGIN { printf "%+.1f", a - s }')
        bhi=$(awk -v a="$(band "$b.before" 3400 7000)" -v s="$src_hi" 'BEGIN { printf "%+.1f", a - s }')
        class=$(json_field "$b.json" audio_content)
        printf '%-22s %-9s %-7s %6s %6s  %-12s %8s %8s %6s%%  %s / %s -> %s / %s\n' "$f" "$p" "$class" \
            "$(json_field "$b.json" audio_low_energy)" "$(json_field "$b.json" audio_high_zcr)" \
            "$(json_field "$b.json" audio_kbps) kb/s" "$(per_min "$bytes" "$d")" "$(per_min "$old" "$d")" \
            "$(awk -v a="$bytes" -v b="$old" 'BEGIN { printf "%+.0f", 100 * (a - b) / b }')" \
            "$blo" "$bhi" "$lo" "$hi"
        echo "$f $p $class $bytes $old $d $(cut -d' ' -f2,3 "$b.time") $(cut -d' ' -f2,3 "$b.before.time")" >>"$out/audio.txt"
    done
done
echo
awk '{ cls[$3] = 1; now[$3] += $4 / $6 * 60; was[$3] += $5 / $6 * 60; n[$3]++;
       cpu_now += $7 + $8; cpu_was += $9 + $10 }
     END { for (c in cls) printf "%s: %d encodes, %.0f -> %.0f KB per minute on average (%+.0f%%)\n",
                                 c, n[c], was[c] / n[c] / 1000, now[c] / n[c] / 1000,
                                 100 * (now[c] - was[c]) / was[c];
           printf "CPU time of all encodes: %.1f s without the rule, %.1f s with it (%.2fx)\n",
                  cpu_was, cpu_now, cpu_now / cpu_was }' "$out/audio.txt"
