#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void set_message(panya_error *err, const char *fmt, va_list ap)
{
    vsnprintf(err->message, sizeof err->message, fmt, ap);
}

int panya_error_set(panya_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return -1;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    set_message(err, fmt, ap);
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
    set_message(err, fmt, ap);
    va_end(ap);
    size_t used = strlen(err->message);
    snprintf(err->message + used, sizeof err->message - used, ": %s", strerror(errnum));
    return -1;
}

void panya_error_prefix(panya_error *err, const char *fmt, ...)
{
    if (!err)
        return;
    char prefix[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t plen = strlen(prefix), mlen = strlen(err->message), cap = sizeof err->message - 1;
    if (plen > cap)
        plen = cap;
    if (plen + mlen > cap)
        mlen = cap - plen; /* keep the context; cut the end of the message */
    memmove(err->message + plen, err->message, mlen);
    memcpy(err->message, prefix, plen);
    err->message[plen + mlen] = '\0';
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
