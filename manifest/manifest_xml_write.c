/* bundle_manifest → XML with libxml2's xmlTextWriter. Attribute order and indentation are
 * fixed so the same model always gives the same bytes. */
#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/bundle_manifest.h"

#define BAD(rc) ((rc) < 0)

static int write_attr(xmlTextWriterPtr w, const char *name, const char *value)
{
    return xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value);
}

static int write_attr_u64(xmlTextWriterPtr w, const char *name, uint64_t value)
{
    return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%llu",
                                             (unsigned long long)value);
}

static int write_titles(xmlTextWriterPtr w, const manifest_titles *titles)
{
    for (size_t i = 0; i < titles->count; i++) {
        if (BAD(xmlTextWriterStartElement(w, BAD_CAST "title")) ||
            BAD(xmlTextWriterWriteAttributeNS(w, BAD_CAST "xml", BAD_CAST "lang", NULL,
                                              BAD_CAST titles->items[i].lang)) ||
            BAD(xmlTextWriterWriteString(w, BAD_CAST titles->items[i].text)) ||
            BAD(xmlTextWriterEndElement(w)))
            return -1;
    }
    return 0;
}

static int write_variant(xmlTextWriterPtr w, const manifest_variant *v)
{
    char hex[PANYA_HASH_HEX_SIZE];
    panya_hash_to_hex(v->hash, hex);
    if (BAD(xmlTextWriterStartElement(w, BAD_CAST "variant")) ||
        BAD(write_attr(w, "profile", v->profile)) || BAD(write_attr(w, "mime", v->mime)))
        return -1;
    if (v->codecs && BAD(write_attr(w, "codecs", v->codecs)))
        return -1;
    if (v->width && (BAD(write_attr_u64(w, "width", v->width)) ||
                     BAD(write_attr_u64(w, "height", v->height))))
        return -1;
    if (v->bitrate && BAD(write_attr_u64(w, "bitrate", v->bitrate)))
        return -1;
    if (v->duration_ms && BAD(write_attr_u64(w, "duration-ms", v->duration_ms)))
        return -1;
    if (BAD(write_attr_u64(w, "size", v->size)) || BAD(write_attr(w, "sha256", hex)) ||
        BAD(xmlTextWriterEndElement(w)))
        return -1;
    return 0;
}

static int write_courses(xmlTextWriterPtr w, const bundle_manifest *m)
{
    for (size_t c = 0; c < m->course_count; c++) {
        const manifest_course *course = &m->courses[c];
        if (BAD(xmlTextWriterStartElement(w, BAD_CAST "course")) ||
            BAD(write_attr(w, "id", course->id)))
            return -1;
        if (course->grade && BAD(write_attr(w, "grade", course->grade)))
            return -1;
        if (course->subject && BAD(write_attr(w, "subject", course->subject)))
            return -1;
        if (write_titles(w, &course->titles) != 0)
            return -1;
        for (size_t l = 0; l < course->lesson_count; l++) {
            const manifest_lesson *lesson = &course->lessons[l];
            if (BAD(xmlTextWriterStartElement(w, BAD_CAST "lesson")) ||
                BAD(write_attr(w, "id", lesson->id)) || write_titles(w, &lesson->titles) != 0)
                return -1;
            for (size_t i = 0; i < lesson->item_count; i++) {
                const manifest_item *item = &lesson->items[i];
                if (BAD(xmlTextWriterStartElement(w, BAD_CAST "item")) ||
                    BAD(write_attr(w, "id", item->id)) ||
                    BAD(write_attr(w, "kind", item->kind)) ||
                    BAD(write_attr(w, "path", item->path)) ||
                    (item->launch && BAD(write_attr(w, "launch", item->launch))) ||
                    write_titles(w, &item->titles) != 0 || BAD(xmlTextWriterEndElement(w)))
                    return -1;
            }
            if (BAD(xmlTextWriterEndElement(w)))
                return -1;
        }
        if (BAD(xmlTextWriterEndElement(w)))
            return -1;
    }
    return 0;
}

static int write_files(xmlTextWriterPtr w, const bundle_manifest *m)
{
    if (BAD(xmlTextWriterStartElement(w, BAD_CAST "files")))
        return -1;
    for (size_t d = 0; d < m->folder_count; d++) {
        if (BAD(xmlTextWriterStartElement(w, BAD_CAST "folder")) ||
            BAD(write_attr(w, "path", m->folders[d])) || BAD(xmlTextWriterEndElement(w)))
            return -1;
    }
    for (size_t f = 0; f < m->file_count; f++) {
        const manifest_file *file = &m->files[f];
        if (BAD(xmlTextWriterStartElement(w, BAD_CAST "file")) ||
            BAD(write_attr(w, "path", file->path)))
            return -1;
        for (size_t v = 0; v < file->variant_count; v++)
            if (write_variant(w, &file->variants[v]) != 0)
                return -1;
        if (BAD(xmlTextWriterEndElement(w)))
            return -1;
    }
    return BAD(xmlTextWriterEndElement(w)) ? -1 : 0;
}

static int write_document(xmlTextWriterPtr w, const bundle_manifest *m)
{
    if (BAD(xmlTextWriterSetIndent(w, 1)) ||
        BAD(xmlTextWriterSetIndentString(w, BAD_CAST "  ")) ||
        BAD(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL)) ||
        BAD(xmlTextWriterStartElementNS(w, NULL, BAD_CAST "bundle",
                                        BAD_CAST MANIFEST_NAMESPACE)) ||
        BAD(write_attr(w, "format", "1")) || BAD(write_attr(w, "id", m->id)) ||
        BAD(write_attr(w, "version", m->version)) || write_titles(w, &m->titles) != 0 ||
        write_courses(w, m) != 0 || write_files(w, m) != 0 ||
        BAD(xmlTextWriterEndElement(w)) || BAD(xmlTextWriterEndDocument(w)))
        return -1;
    return 0;
}

int bundle_manifest_write_xml(const bundle_manifest *m, uint8_t **xml, size_t *len,
                              panya_error *err)
{
    xmlBufferPtr buffer = xmlBufferCreate();
    if (!buffer)
        return panya_error_oom(err);
    xmlTextWriterPtr w = xmlNewTextWriterMemory(buffer, 0);
    if (!w) {
        xmlBufferFree(buffer);
        return panya_error_oom(err);
    }
    int rc = write_document(w, m);
    xmlFreeTextWriter(w); /* flushes into buffer */
    if (rc != 0) {
        xmlBufferFree(buffer);
        return panya_error_set(err, PANYA_ERR_INTERNAL,
                               "cannot write the manifest XML (text that is not valid UTF-8?)");
    }
    size_t n = (size_t)xmlBufferLength(buffer);
    *xml = malloc(n ? n : 1);
    if (!*xml) {
        xmlBufferFree(buffer);
        return panya_error_oom(err);
    }
    memcpy(*xml, xmlBufferContent(buffer), n);
    *len = n;
    xmlBufferFree(buffer);
    return 0;
}
