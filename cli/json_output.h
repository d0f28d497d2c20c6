/* Minimal JSON output for --json reports: strings escaped per RFC 8259, UTF-8 kept as is. */
#ifndef PANYA_CLI_JSON_OUTPUT_H
#define PANYA_CLI_JSON_OUTPUT_H

#include <stdio.h>

/* Writes s as a quoted JSON string. */
void json_write_string(FILE *out, const char *s);

#endif
