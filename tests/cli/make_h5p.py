#!/usr/bin/env python3
"""Writes small H5P packages for the tests: real package layout (h5p.json, content/,
library folders Name-Major.Minor with library.json and their scripts), with tiny libraries
of our own that render what their content.json says, so a browser can show they play.

    make_h5p.py OUT.h5p KIND [--break WHAT]

KIND: multichoice (a question, libraries that need other libraries), image (a PNG the
content points at), audio (a WAV the content points at).
--break: no-h5p-json, no-content, no-library (a library h5p.json lists left out),
no-nested-library (a library only another library asks for left out),
bad-json (h5p.json cut short), index-html (a web page zipped as .h5p).
"""
import argparse, io, json, math, struct, sys, wave, zipfile, zlib


def png(width, height):
    raw = b"".join(b"\0" + b"".join(bytes(((x * 5) % 256, (y * 5) % 256, 128))
                                    for x in range(width)) for y in range(height))
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def wav(seconds):
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i * 440 * 2 * math.pi / 22050)))
                               for i in range(int(22050 * seconds))))
    return out.getvalue()


def library(name, major, minor, js, deps=()):
    folder = "%s-%d.%d" % (name, major, minor)
    meta = {"title": name, "machineName": name, "majorVersion": major, "minorVersion": minor,
            "patchVersion": 3, "runnable": 1, "embedTypes": ["div"],
            "preloadedJs": [{"path": "scripts/%s.js" % name.lower()}],
            "preloadedDependencies": [{"machineName": n, "majorVersion": a, "minorVersion": b}
                                      for n, a, b in deps]}
    return {folder + "/library.json": json.dumps(meta, indent=2),
            folder + "/scripts/%s.js" % name.lower(): js}


# Each library defines its content type the way H5P libraries do: a constructor taking the
# content's parameters and an attach($container) that renders into the page; then it asks
# the test's web server for /panya-played/NAME?what-it-rendered, which the test looks for.
def render_js(name, body):
    return ("var H5P = H5P || {};\nH5P.%s = function (params, contentId) {\n"
            "  this.attach = function ($container) {\n%s\n"
            "    var shown = $container.find('.panya-played');\n"
            "    new Image().src = '/panya-played/%s?' + encodeURIComponent(shown.text() ||"
            " shown.attr('src'));\n  };\n};\n" % (name.split(".", 1)[1], body, name))


def package(kind):
    files = {}
    helper = library("H5P.PanyaQuestion", 1, 5,
                     "var H5P = H5P || {};\nH5P.PanyaQuestion = {ready: true};\n")
    font = library("H5P.PanyaFont", 4, 5, "var H5P = H5P || {};\nH5P.PanyaFont = {ready: true};\n")
    if kind == "multichoice":
        main = ("H5P.MultiChoice", 1, 16)
        files.update(library(*main, render_js("H5P.MultiChoice",
            "    $container.append('<p class=\"panya-played\">' + params.question + '</p>');"),
            deps=[("H5P.PanyaQuestion", 1, 5)]))
        files.update(helper)
        files.update(font)
        content = {"question": "ເລກ 2 + 2 ເທົ່າໃດ? (2 + 2 = ?)",
                   "answers": [{"text": "4", "correct": True}, {"text": "5", "correct": False}]}
        deps = [main, ("H5P.PanyaQuestion", 1, 5), ("H5P.PanyaFont", 4, 5)]
    elif kind == "image":
        main = ("H5P.Image", 1, 1)
        files.update(library(*main, render_js("H5P.Image",
            "    $container.append('<img class=\"panya-played\" src=\"' +"
            " H5P.getPath(params.file.path, contentId) + '\">');")))
        files["content/images/photo-1.png"] = png(320, 240)
        content = {"file": {"path": "images/photo-1.png", "mime": "image/png",
                            "width": 320, "height": 240}, "alt": "ຮູບ"}
        deps = [main]
    elif kind == "audio":
        main = ("H5P.Audio", 1, 5)
        files.update(library(*main, render_js("H5P.Audio",
            "    $container.append('<audio class=\"panya-played\" controls src=\"' +"
            " H5P.getPath(params.files[0].path, contentId) + '\"></audio>');")))
        files["content/audios/tone.wav"] = wav(1.0)
        content = {"files": [{"path": "audios/tone.wav", "mime": "audio/wav"}]}
        deps = [main]
    else:
        sys.exit("unknown kind " + kind)
    h5p = {"title": "Panya %s test" % kind, "language": "und", "mainLibrary": main[0],
           "embedTypes": ["div"], "license": "U",
           "preloadedDependencies": [{"machineName": n, "majorVersion": str(a), "minorVersion": str(b)}
                                     for n, a, b in deps]}
    files["h5p.json"] = json.dumps(h5p, indent=2, ensure_ascii=False)
    files["content/content.json"] = json.dumps(content, ensure_ascii=False)
    return files


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("kind")
    ap.add_argument("--break", dest="broken")
    args = ap.parse_args()
    files = package(args.kind)
    if args.broken == "no-h5p-json":
        del files["h5p.json"]
    elif args.broken == "no-content":
        del files["content/content.json"]
    elif args.broken in ("no-library", "no-nested-library"):
        files = {k: v for k, v in files.items() if not k.startswith("H5P.PanyaQuestion-1.5/")}
        if args.broken == "no-nested-library":  # only the main library asks for it
            h5p = json.loads(files["h5p.json"])
            h5p["preloadedDependencies"] = [d for d in h5p["preloadedDependencies"]
                                            if d["machineName"] != "H5P.PanyaQuestion"]
            files["h5p.json"] = json.dumps(h5p, ensure_ascii=False)
    elif args.broken == "bad-json":
        files["h5p.json"] = files["h5p.json"][:40]
    elif args.broken == "index-html":
        files["index.html"] = "<html><body>a web page</body></html>"
    elif args.broken:
        sys.exit("unknown --break " + args.broken)
    with zipfile.ZipFile(args.out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            data = files[name]
            z.writestr(name, data.encode() if isinstance(data, str) else data)


if __name__ == "__main__":
    main()
