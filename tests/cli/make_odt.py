#!/usr/bin/env python3
"""Writes a small OpenDocument text (.odt) for the tests: a heading and a paragraph.

    make_odt.py OUT.odt
"""
import sys, zipfile
content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
           'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
           'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
           '<office:body><office:text><text:h text:outline-level="1">Rain</text:h>'
           '<text:p>Rain falls from clouds.</text:p></office:text></office:body>'
           '</office:document-content>')
manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
            '<manifest:file-entry manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path='
            '"content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED)
    z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
