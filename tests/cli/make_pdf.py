#!/usr/bin/env python3
"""Writes small PDFs for the tests, by hand (objects, xref, trailer):

    make_pdf.py OUT.pdf vector [PAGES]   text and drawings (what a word processor exports)
    make_pdf.py OUT.pdf scanned [PAGES]  each page one full-page picture (a scanned book)

Page N of a vector PDF says "Page N: ..." so a test can find its text.
"""
import random, sys, zlib


def pdf(pages):
    """pages: list of (content stream bytes, {image name: (w, h, rgb bytes)})."""
    objects = []

    def add(body):
        objects.append(body)
        return len(objects)

    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    pages_id = len(objects) + 1 + 2 * len(pages) + sum(len(p[1]) for p in pages)
    kids = []
    for content, images in pages:
        xobjects = b""
        for name, (w, h, rgb) in images.items():
            data = zlib.compress(rgb)
            img = add(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace "
                      b"/DeviceRGB /BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\n"
                      b"stream\n" % (w, h, len(data)) + data + b"\nendstream")
            xobjects += b"/%s %d 0 R " % (name.encode(), img)
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        kids.append(add(b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                        b"/Resources << /Font << /F1 %d 0 R >> /XObject << %s>> >> >>"
                        % (pages_id, stream, font, xobjects)))
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>"
               % (b" ".join(b"%d 0 R" % k for k in kids), len(kids))) == pages_id
    catalog = add(b"<< /Type /Catalog /Pages %d 0 R >>" % pages_id)
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, catalog, xref)
    return bytes(out)


def vector_page(n):
    lines = [b"BT /F1 28 Tf 60 760 Td (Page %d: Water and rain) Tj ET" % n]
    for i in range(30):
        lines.append(b"BT /F1 11 Tf 60 %d Td (Line %d of page %d: clouds carry water over "
                     b"the hills and it falls as rain.) Tj ET" % (720 - i * 20, i + 1, n))
    lines.append(b"0.2 0.4 0.8 RG 3 w 60 100 m 535 100 l S 60 80 475 10 re f")
    return b"\n".join(lines), {}


def scanned_page(n, rng):
    # A page photographed or scanned: paper tone with noise, dark bands where lines of text are.
    w, h = 620, 877
    rows = []
    for y in range(h):
        text_row = 80 < y < 800 and (y // 12) % 2 == 0
        row = bytearray()
        for x in range(w):
            v = 235 - (120 if text_row and 60 < x < 560 and (x * 7 + y * n) % 11 < 5 else 0)
            v += rng.randint(-12, 12)
            row += bytes((max(0, min(255, v)), max(0, min(255, v - 4)), max(0, min(255, v - 14))))
        rows.append(bytes(row))
    return b"q 595 0 0 842 0 0 cm /Im1 Do Q", {"Im1": (w, h, b"".join(rows))}


def main():
    out, kind = sys.argv[1], sys.argv[2]
    count = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    rng = random.Random(14)
    if kind == "vector":
        pages = [vector_page(n) for n in range(1, count + 1)]
    elif kind == "scanned":
        pages = [scanned_page(n, rng) for n in range(1, count + 1)]
    else:
        sys.exit("unknown kind " + kind)
    open(out, "wb").write(pdf(pages))


main()
