/* JSON output for --json and --report, built with jansson so every document is valid JSON
 * (escaping, structure, no duplicate keys). The documents are described by the JSON
 * Schemas in docs/schemas/ and checked against them by the tests. */
#ifndef PANYA_CLI_JSON_OUTPUT_H
#define PANYA_CLI_JSON_OUTPUT_H

#include <jansson.h>

#include "cli/cli_output.h"
#include "common/error.h"

struct patch_stats;

/* A JSON string of s; bytes that are not UTF-8 (names from legacy zips) become U+FFFD so
 * the document stays valid. NULL gives JSON null. */
json_t *cli_json_string(const char *s);

/* A JSON number, or null for a negative value (not measured). */
json_t *cli_json_real_or_null(double value);

/* Writes doc (indented, keys in insertion order, newline at the end) to standard output
 * and releases it. Returns 0, or -1 when doc is NULL (out of memory while building). */
int cli_json_print(json_t *doc);

/* Writes doc to path crash-safely (common/output_file.h) and releases it. */
int cli_json_write_file(json_t *doc, const char *path, panya_error *err);

/* The figures of `command` (diff or patch) as JSON (docs/schemas/patch-stats.schema.json). */
json_t *patch_stats_json(const char *command, const cli_two_inputs *args,
                         const struct patch_stats *stats);

#endif
