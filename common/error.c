#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stores text as the message. Text too long for it (a deep path) loses its middle, not its
 * end: the head of the path and its tail, with the reason after it, always fit. */
static void store_message(panya_error *err, const char *text, size_t len)
{
    static const char ellipsis[] = "\xE2\x80\xA6"; /* … */
    size_t cap = sizeof err->message - 1;
    if (len <= cap) {
        memcpy(err->message, text, len);
        err->message[len] = '\0';
        return;
    }
    size_t keep = cap - (sizeof ellipsis - 1);
    size_t head = keep * 2 / 5, tail = keep - head;
    while (head > 0 && ((unsigned char)text[head] & 0xC0) == 0x80)
        head--; /* never cut a UTF-8 character (Lao letters are 3 bytes) */
    const char *tail_start = text + len - tail;
    while (((unsigned char)*tail_start & 0xC0) == 0x80)
        tail_start++;
    tail = (size_t)(text + len - tail_start);
    memcpy(err->message, text, head);
    memcpy(err->message + head, ellipsis, sizeof ellipsis - 1);
    memcpy(err->message + head + sizeof ellipsis - 1, tail_start, tail);
    err->message[head + sizeof ellipsis - 1 + tail] = '\0';
}

/* Formats fmt, then appends suffix (may be NULL), and stores the result. */
static void set_message(panya_error *err, const char *suffix, const char *fmt, va_list ap)
{
    char *text = NULL;
    int n = vasprintf(&text, fmt, ap);
    if (n < 0) {
        snprintf(err->message, sizeof err->message, "out of memory (while describing an error)");
        return;
    }
    if (suffix) {
        char *joined = NULL;
        if (asprintf(&joined, "%s: %s", text, suffix) >= 0) {
            free(text);
            text = joined;
            n = (int)strlen(text);
        }
    }
    store_message(err, text, (size_t)n);
    free(text);
}

int panya_error_set(panya_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return -1;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int panya_error_errno(panya_error *err, int code, int errnum, const char *fmt, ...)
{
    if (!err)
        return -1;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, strerror(errnum), fmt, ap);
    va_end(ap);
    return -1;
}

void panya_error_prefix(panya_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char *prefix = NULL, *joined = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&prefix, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (asprintf(&joined, "%s%s", prefix, err->message) >= 0) {
        store_message(err, joined, strlen(joined));
        free(joined);
    }
    free(prefix);
}

void panya_error_clear(panya_error *err)
{
    if (!err)
        return;
    err->code = PANYA_OK;
    err->message[0] = '\0';
}

int panya_error_oom(panya_error *err)
{
    return panya_error_set(err, PANYA_ERR_NOMEM, "out of memory");
}
