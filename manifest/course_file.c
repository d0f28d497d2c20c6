#include "manifest/course_file.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/xml_input.h"

static char *attribute_copy(const xmlNode *node, const char *name)
{
    xmlChar *value = xmlGetNoNsProp(node, BAD_CAST name);
    char *copy = value && *value ? strdup((const char *)value) : NULL;
    xmlFree(value);
    return copy;
}

static int read_lesson(const xmlNode *node, course_file *out, const char *name, panya_error *err)
{
    char *file = attribute_copy(node, "file");
    if (!file || strchr(file, '/') || strchr(file, '\\')) {
        free(file);
        return panya_error_set(err, PANYA_ERR_INVALID,
                               "%s: line %ld: <lesson> needs a file attribute naming a file in "
                               "the course folder (no '/')",
                               name, xmlGetLineNo(node));
    }
    for (size_t i = 0; i < out->lesson_count; i++) {
        if (strcmp(out->lessons[i].file, file) == 0) {
            panya_error_set(err, PANYA_ERR_INVALID, "%s: line %ld: lesson '%s' is listed twice",
                            name, xmlGetLineNo(node), file);
            free(file);
            return -1;
        }
    }
    course_file_lesson *grown =
        realloc(out->lessons, (out->lesson_count + 1) * sizeof *out->lessons);
    if (!grown) {
        free(file);
        return panya_error_oom(err);
    }
    out->lessons = grown;
    course_file_lesson *lesson = &out->lessons[out->lesson_count++];
    memset(lesson, 0, sizeof *lesson);
    lesson->file = file;
    return xml_input_read_titles(node, COURSE_FILE_NAMESPACE, &lesson->titles, name, err);
}

int course_file_read(const uint8_t *xml, size_t len, const char *display_name, course_file *out,
                     panya_error *err)
{
    memset(out, 0, sizeof *out);
    xmlDocPtr doc = xml_input_parse(xml, len, display_name, err);
    if (!doc)
        return -1;
    const xmlNode *root = xmlDocGetRootElement(doc);
    int status = 0;
    if (!xml_input_is_element(root, COURSE_FILE_NAMESPACE, "course")) {
        status = panya_error_set(err, PANYA_ERR_INVALID,
                                 "%s: line %ld: the root element is not <course xmlns=\"%s\">",
                                 display_name, xmlGetLineNo(root), COURSE_FILE_NAMESPACE);
    } else {
        out->id = attribute_copy(root, "id");
        out->grade = attribute_copy(root, "grade");
        out->subject = attribute_copy(root, "subject");
        status = xml_input_read_titles(root, COURSE_FILE_NAMESPACE, &out->titles, display_name,
                                       err);
        for (const xmlNode *n = root->children; n && status == 0; n = n->next)
            if (xml_input_is_element(n, COURSE_FILE_NAMESPACE, "lesson"))
                status = read_lesson(n, out, display_name, err);
    }
    xmlFreeDoc(doc);
    if (status != 0)
        course_file_free(out);
    return status;
}

void course_file_free(course_file *course)
{
    for (size_t i = 0; i < course->lesson_count; i++) {
        free(course->lessons[i].file);
        manifest_titles_free(&course->lessons[i].titles);
    }
    free(course->lessons);
    manifest_titles_free(&course->titles);
    free(course->id);
    free(course->grade);
    free(course->subject);
    memset(course, 0, sizeof *course);
}
