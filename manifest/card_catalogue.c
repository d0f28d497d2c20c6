/* Card catalogue → XML with libxml2's xmlTextWriter, in the style of manifest_xml_write.c. */
#include "manifest/card_catalogue.h"

#include <libxml/xmlwriter.h>
#include <stdlib.h>
#include <string.h>

#define BAD(rc) ((rc) < 0)

static int write_u64(xmlTextWriterPtr w, const char *name, uint64_t value)
{
    return xmlTextWriterWriteFormatAttribute(w, BAD_CAST name, "%llu",
                                             (unsigned long long)value);
}

static int write_pack(xmlTextWriterPtr w, const card_catalogue_pack *p)
{
    if (BAD(xmlTextWriterStartElement(w, BAD_CAST "pack")) ||
        BAD(xmlTextWriterWriteAttribute(w, BAD_CAST "file", BAD_CAST p->file)) ||
        BAD(write_u64(w, "size", p->size)) ||
        BAD(xmlTextWriterWriteAttribute(w, BAD_CAST "id", BAD_CAST p->id)) ||
        BAD(xmlTextWriterWriteAttribute(w, BAD_CAST "version", BAD_CAST p->version)) ||
        BAD(write_u64(w, "lessons", p->lesson_count)))
        return -1;
    if (p->signer && BAD(xmlTextWriterWriteAttribute(w, BAD_CAST "signer", BAD_CAST p->signer)))
        return -1;
    for (size_t i = 0; p->titles && i < p->titles->count; i++)
        if (BAD(xmlTextWriterStartElement(w, BAD_CAST "title")) ||
            BAD(xmlTextWriterWriteAttributeNS(w, BAD_CAST "xml", BAD_CAST "lang", NULL,
                                              BAD_CAST p->titles->items[i].lang)) ||
            BAD(xmlTextWriterWriteString(w, BAD_CAST p->titles->items[i].text)) ||
            BAD(xmlTextWriterEndElement(w)))
            return -1;
    return BAD(xmlTextWriterEndElement(w)) ? -1 : 0;
}

static int write_document(xmlTextWriterPtr w, const card_catalogue_pack *packs, size_t count)
{
    if (BAD(xmlTextWriterSetIndent(w, 1)) ||
        BAD(xmlTextWriterSetIndentString(w, BAD_CAST "  ")) ||
        BAD(xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL)) ||
        BAD(xmlTextWriterStartElementNS(w, NULL, BAD_CAST "catalogue",
                                        BAD_CAST CARD_CATALOGUE_NAMESPACE)) ||
        BAD(xmlTextWriterWriteAttribute(w, BAD_CAST "format", BAD_CAST "1")))
        return -1;
    for (size_t i = 0; i < count; i++)
        if (write_pack(w, &packs[i]) != 0)
            return -1;
    return BAD(xmlTextWriterEndElement(w)) || BAD(xmlTextWriterEndDocument(w)) ? -1 : 0;
}

int card_catalogue_write_xml(const card_catalogue_pack *packs, size_t count, uint8_t **xml,
                             size_t *len, panya_error *err)
{
    xmlBufferPtr buffer = xmlBufferCreate();
    xmlTextWriterPtr w = buffer ? xmlNewTextWriterMemory(buffer, 0) : NULL;
    if (!w) {
        xmlBufferFree(buffer);
        return panya_error_oom(err);
    }
    int rc = write_document(w, packs, count);
    xmlFreeTextWriter(w); /* flushes into buffer */
    size_t n = (size_t)xmlBufferLength(buffer);
    *xml = rc == 0 ? malloc(n ? n : 1) : NULL;
    if (*xml) {
        memcpy(*xml, xmlBufferContent(buffer), n);
        *len = n;
    }
    xmlBufferFree(buffer);
    if (rc != 0)
        return panya_error_set(err, PANYA_ERR_INTERNAL,
                               "cannot write the card catalogue (text that is not valid UTF-8?)");
    return *xml ? 0 : panya_error_oom(err);
}
