#!/usr/bin/env python3
"""Writes a small IMS Common Cartridge for the tests:

    make_imscc.py OUT.imscc [1.1|1.2|1.3] [--break missing-file]

A module of two web pages (one linking a picture and the other page) and a PDF, a web
link, an LTI tool, an assessment and a discussion, in that order.
"""
import struct, sys, zipfile, zlib

version = sys.argv[2] if len(sys.argv) > 2 and not sys.argv[2].startswith("--") else "1.3"
broken = "--break" in sys.argv
v = version.replace(".", "p")
ns = "http://www.imsglobal.org/xsd/imsccv%s/imscp_v1p1" % v


def png(w, h):
    raw = b"".join(b"\0" + b"".join(bytes((x * 3 % 256, y * 3 % 256, 90)) for x in range(w))
                   for y in range(h))
    def chunk(k, d):
        return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


files = {
    "week1/rain.html": '<!DOCTYPE html><html><body><h1>ຝົນ</h1><img src="images/cloud.png">'
                       '<a href="wind.html">next</a></body></html>',
    "week1/wind.html": "<!DOCTYPE html><html><body><h1>Wind</h1></body></html>",
    "week1/images/cloud.png": png(200, 120),
    "week1/notes.pdf": "%PDF-1.4\n%%EOF\n",
    "links/weather.xml": '<?xml version="1.0"?><webLink xmlns="http://www.imsglobal.org/xsd/'
                         'imsccv%s/imswl_v1p%s"><title>Weather service</title>'
                         '<url href="https://example.org/weather?a=1&amp;b=2"/></webLink>'
                         % (v, v[-1]),
    "lti/tool.xml": '<?xml version="1.0"?><cartridge_basiclti_link/>',
    "quiz/assessment.xml": '<?xml version="1.0"?><questestinterop/>',
    "forum/topic.xml": '<?xml version="1.0"?><topic/>',
}
if broken:
    del files["week1/wind.html"]

resources = [
    ("R1", "webcontent", "week1/rain.html", ["week1/rain.html", "week1/images/cloud.png"]),
    ("R2", "webcontent", "week1/wind.html", ["week1/wind.html"]),
    ("R3", "webcontent", "week1/notes.pdf", ["week1/notes.pdf"]),
    ("R4", "imswl_xmlv%s" % v, None, ["links/weather.xml"]),
    ("R5", "imsbasiclti_xmlv1p0", None, ["lti/tool.xml"]),
    ("R6", "imsqti_xmlv1p2/imscc_xmlv%s/assessment" % v, None, ["quiz/assessment.xml"]),
    ("R7", "imsdt_xmlv%s" % v, None, ["forum/topic.xml"]),
]
titles = ["ຝົນ Rain", "Wind", "Notes", "Weather service", "Lab tool", "Quiz 1", "Forum"]
items = "".join('<item identifier="I%d" identifierref="%s"><title>%s</title></item>'
                % (i, r[0], t) for i, (r, t) in enumerate(zip(resources, titles)))
res = "".join('<resource identifier="%s" type="%s"%s>%s</resource>'
              % (rid, kind, ' href="%s"' % href if href else "",
                 "".join('<file href="%s"/>' % f for f in fs))
              for rid, kind, href, fs in resources)
files["imsmanifest.xml"] = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<manifest identifier="M" xmlns="%s">'
    '<metadata><schema>IMS Common Cartridge</schema><schemaversion>%s.0</schemaversion></metadata>'
    '<organizations><organization identifier="O" structure="rooted-hierarchy">'
    '<title>ວິທະຍາສາດ Weather</title><item identifier="root">'
    '<item identifier="week1"><title>Week 1</title>%s</item></item></organization></organizations>'
    '<resources>%s</resources></manifest>' % (ns, version, items, res))
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for name in sorted(files):
        data = files[name]
        z.writestr(name, data.encode() if isinstance(data, str) else data)
