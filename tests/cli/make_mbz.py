#!/usr/bin/env python3
"""Writes a small Moodle course backup (backup/moodle2 layout) for the tests:

    make_mbz.py OUT.mbz [--zip] [--break WHAT]

moodle_backup.xml (contents: activities with moduleid, sectionid, modulename, title,
directory; sections; course), course/course.xml, sections/section_N/section.xml (number,
name, sequence), activities/MOD_ID/MOD.xml, files.xml and files/XX/CONTENTHASH. Two
sections, listed out of order, whose sequences order: a page (with an embedded picture),
a PDF resource, a picture resource, a folder, a label, a URL, a SCORM package, an H5P
activity (make_h5p.py's multichoice package), a book of two chapters, a quiz and a forum.
Written as a gzip'd tar (Moodle's default), or a zip with --zip.
--break: missing-file (a files.xml entry without its bytes), no-backup-xml,
traversal (a tar entry ../evil), bad-directory (an activity directory climbing out).
"""
import argparse, hashlib, io, os, subprocess, sys, tarfile, zipfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
from make_h5p import png  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--zip", action="store_true")
ap.add_argument("--break", dest="broken")
args = ap.parse_args()

files = {}
file_rows = []


def store(data, contextid, component, filearea, filename, filepath="/", itemid=0, sortorder=0):
    data = data.encode() if isinstance(data, str) else data
    h = hashlib.sha1(data).hexdigest()
    files["files/%s/%s" % (h[:2], h)] = data
    file_rows.append(
        '<file id="%d"><contenthash>%s</contenthash><contextid>%d</contextid>'
        '<component>%s</component><filearea>%s</filearea><itemid>%d</itemid>'
        '<filepath>%s</filepath><filename>%s</filename><filesize>%d</filesize>'
        '<sortorder>%d</sortorder></file>'
        % (len(file_rows) + 1, h, contextid, component, filearea, itemid, filepath, filename,
           len(data), sortorder))


def scorm_zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("imsmanifest.xml", '<?xml version="1.0"?>\n<manifest identifier="m" '
                   'version="1" xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
                   'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"><metadata>'
                   '<schema>ADL SCORM</schema><schemaversion>1.2</schemaversion></metadata>'
                   '<organizations default="o"><organization identifier="o"><title>Clouds '
                   'quiz</title><item identifier="i" identifierref="r"><title>Clouds</title>'
                   '</item></organization></organizations><resources><resource identifier="r" '
                   'type="webcontent" adlcp:scormtype="sco" href="clouds.html"><file '
                   'href="clouds.html"/></resource></resources></manifest>')
        z.writestr("clouds.html", "<!DOCTYPE html><html><body><p>Clouds</p></body></html>")
    return out.getvalue()


def h5p_package():
    path = args.out + ".h5p.tmp"
    subprocess.run([sys.executable, os.path.join(here, "make_h5p.py"), path, "multichoice"],
                   check=True)
    data = open(path, "rb").read()
    os.unlink(path)
    return data


# (moduleid, section number, modname, title, contextid, module xml body)
activities = [
    (11, 1, "page", "ຝົນ Rain", 101,
     '<name>ຝົນ Rain</name><content>&lt;p&gt;Rain falls.&lt;/p&gt;&lt;img '
     'src="@@PLUGINFILE@@/images/cloud.png" alt="cloud"&gt;</content>'),
    (12, 1, "resource", "Notes", 102, "<name>Notes</name>"),
    (13, 1, "resource", "Map", 103, "<name>Map</name>"),
    (14, 2, "folder", "Worksheets", 104, "<name>Worksheets</name>"),
    (15, 0, "label", "Welcome", 105, "<name>Welcome</name><intro>&lt;p&gt;Welcome to "
     "the weather course.&lt;/p&gt;</intro>"),
    (16, 2, "url", "Weather service", 106, "<name>Weather service</name>"
     "<externalurl>https://example.org/weather?a=1&amp;b=2</externalurl>"),
    (17, 2, "scorm", "Clouds quiz", 107, "<name>Clouds quiz</name>"),
    (18, 2, "h5pactivity", "Check yourself", 108, "<name>Check yourself</name>"),
    (19, 2, "book", "Weather book", 109, "<name>Weather book</name><chapters>"
     '<chapter id="2"><pagenum>2</pagenum><subchapter>0</subchapter><title>Wind</title>'
     "<content>&lt;p&gt;Wind blows.&lt;/p&gt;</content></chapter>"
     '<chapter id="1"><pagenum>1</pagenum><subchapter>0</subchapter><title>Sun</title>'
     '<content>&lt;img src="@@PLUGINFILE@@/sun.png"&gt;</content></chapter></chapters>'),
    (20, 2, "quiz", "Quiz 1", 110, "<name>Quiz 1</name>"),
    (21, 0, "forum", "News", 111, "<name>News</name>"),
]
store(png(40, 30), 101, "mod_page", "content", "cloud.png", "/images/")
store("%PDF-1.4\n%%EOF\n", 102, "mod_resource", "content", "notes.pdf", sortorder=1)
store(png(64, 48), 103, "mod_resource", "content", "map.png", sortorder=1)
store("Answer the questions.\n", 104, "mod_folder", "content", "sheet1.txt")
store(png(20, 20), 104, "mod_folder", "content", "chart.png", "/week 2/")
store(scorm_zip(), 107, "mod_scorm", "package", "clouds.zip")
store(h5p_package(), 108, "mod_h5pactivity", "package", "check.h5p")
store(png(30, 30), 109, "mod_book", "chapter", "sun.png", itemid=1)
if args.broken == "missing-file":
    store("gone", 102, "mod_resource", "content", "gone.pdf", sortorder=2)
    del files[[k for k in files if k.endswith(hashlib.sha1(b"gone").hexdigest())][0]]

# Section number 2 is listed first; sequences order the activities, not the listing.
sequences = {0: [15, 21], 1: [11, 12, 13], 2: [16, 14, 17, 18, 19, 20]}
section_ids = {0: 30, 1: 31, 2: 32}
for number, seq in sequences.items():
    files["sections/section_%d/section.xml" % section_ids[number]] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<section id="%d"><number>%d</number>'
        "<name>Week %d</name><summary></summary><sequence>%s</sequence><visible>1</visible>"
        "</section>" % (section_ids[number], number, number, ",".join(map(str, seq))))
for moduleid, number, mod, title, ctx, body in activities:
    directory = "activities/%s_%d" % (mod, moduleid)
    files[directory + "/module.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n<module '
                                        'id="%d"><modulename>%s</modulename><sectionid>%d'
                                        "</sectionid></module>" % (moduleid, mod,
                                                                   section_ids[number]))
    files["%s/%s.xml" % (directory, mod)] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<activity id="%d" moduleid="%d" '
        'modulename="%s" contextid="%d"><%s id="%d">%s</%s></activity>'
        % (moduleid, moduleid, mod, ctx, mod, moduleid, body, mod))
files["course/course.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n<course id="2" '
                              'contextid="100"><shortname>WX1</shortname><fullname>'
                              "ວິທະຍາສາດ Weather</fullname></course>")
files["files.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n<files>\n%s\n</files>\n'
                      % "\n".join(file_rows))
activity_rows = "".join(
    "<activity><moduleid>%d</moduleid><sectionid>%d</sectionid><modulename>%s</modulename>"
    "<title>%s</title><directory>activities/%s_%d</directory></activity>"
    % (m, section_ids[n], mod, t, mod, m) for m, n, mod, t, _, _ in sorted(activities))
if args.broken == "bad-directory":
    activity_rows = activity_rows.replace("activities/page_11", "activities/../../page_11")
section_rows = "".join(
    "<section><sectionid>%d</sectionid><title>Week %d</title><directory>sections/section_%d"
    "</directory></section>" % (section_ids[n], n, section_ids[n]) for n in (2, 0, 1))
files["moodle_backup.xml"] = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<moodle_backup><information>'
    "<name>%s</name><moodle_version>2022112800</moodle_version><backup_version>2022112800"
    "</backup_version><original_course_fullname>ວິທະຍາສາດ Weather</original_course_fullname>"
    "<original_course_shortname>WX1</original_course_shortname><contents><activities>%s"
    "</activities><sections>%s</sections><course><courseid>2</courseid><title>WX1</title>"
    "<directory>course</directory></course></contents></information></moodle_backup>"
    % (os.path.basename(args.out), activity_rows, section_rows))
if args.broken == "no-backup-xml":
    del files["moodle_backup.xml"]

if args.zip:
    with zipfile.ZipFile(args.out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            data = files[name]
            z.writestr(name, data.encode() if isinstance(data, str) else data)
else:
    with tarfile.open(args.out, "w:gz") as t:
        names = sorted(files) + (["../evil.txt"] if args.broken == "traversal" else [])
        for name in names:
            data = files.get(name, "evil")
            data = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
