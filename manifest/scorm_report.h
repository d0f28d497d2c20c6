/* Findings of a SCORM package validation: stable rule ids, severities, and the report that
 * collects them for one package. The rule table is the single list docs/VALIDATE.md mirrors. */
#ifndef PANYA_MANIFEST_SCORM_REPORT_H
#define PANYA_MANIFEST_SCORM_REPORT_H

#include <stdbool.h>
#include <stddef.h>

typedef enum scorm_severity {
    SCORM_ERROR,
    SCORM_WARNING,
} scorm_severity;

/* What a finding means for the two verdicts. Runtimes (Moodle, SCORM Cloud, scorm-again behind
 * an LMS) play many packages that break ADL's rules; only PLAY findings stop a package from
 * playing, and only they are errors. */
typedef enum scorm_impact {
    SCORM_IMPACT_PLAY,        /* the package will not play (or is unsafe to unpack): error */
    SCORM_IMPACT_CONFORMANCE, /* breaks an ADL rule or the XSDs; runtimes tolerate it: warning */
    SCORM_IMPACT_ADVICE,      /* conformant, but worth fixing for offline phones: warning */
} scorm_impact;

/* Checks run in stages, in the order of ADL's SCORM 2004 4th Edition test suite. */
enum scorm_stage {
    SCORM_STAGE_ARCHIVE = 0, /* the zip itself: entry names, links, size bounds */
    SCORM_STAGE_MANIFEST_PRESENT = 1,
    SCORM_STAGE_WELL_FORMED = 2,
    SCORM_STAGE_ROOT_VERSION = 3,
    SCORM_STAGE_XSD_PRESENT = 4,
    SCORM_STAGE_SCHEMA = 5,
    SCORM_STAGE_HREFS = 6,
    SCORM_STAGE_PROFILE = 7,
    SCORM_STAGE_UNREFERENCED = 8,
};

/* Stable rule ids; the order is the order of scorm_rules[]. */
typedef enum scorm_rule_id {
    SCORM_RULE_ARCHIVE_UNREADABLE,
    SCORM_RULE_ARCHIVE_LIMITS,
    SCORM_RULE_ENTRY_UNSAFE_PATH,
    SCORM_RULE_ENTRY_LINK,
    SCORM_RULE_ENTRY_NAME_ENCODING,
    SCORM_RULE_PACKAGE_UNREADABLE,
    SCORM_RULE_MANIFEST_MISSING,
    SCORM_RULE_MANIFEST_NOT_AT_ROOT,
    SCORM_RULE_NOT_SCORM,
    SCORM_RULE_MANIFEST_TOO_LARGE,
    SCORM_RULE_XML_MALFORMED,
    SCORM_RULE_XML_ENTITIES,
    SCORM_RULE_MANIFEST_ROOT,
    SCORM_RULE_METADATA_MISSING,
    SCORM_RULE_METADATA_SCHEMA,
    SCORM_RULE_METADATA_SCHEMAVERSION,
    SCORM_RULE_XSD_MISSING,
    SCORM_RULE_XSD_EXTERNAL,
    SCORM_RULE_SCHEMA_INVALID,
    SCORM_RULE_HREF_EXTERNAL,
    SCORM_RULE_HREF_ABSOLUTE,
    SCORM_RULE_HREF_BACKSLASH,
    SCORM_RULE_HREF_ESCAPES_ROOT,
    SCORM_RULE_HREF_ENCODING,
    SCORM_RULE_HREF_MISSING_FILE,
    SCORM_RULE_HREF_CASE_MISMATCH,
    SCORM_RULE_IDENTIFIER_MISSING,
    SCORM_RULE_IDENTIFIER_DUPLICATE,
    SCORM_RULE_ORG_DEFAULT,
    SCORM_RULE_ORG_NONE,
    SCORM_RULE_ORG_TITLE,
    SCORM_RULE_ORG_EMPTY,
    SCORM_RULE_ITEM_TITLE,
    SCORM_RULE_ITEM_REF_NOT_LEAF,
    SCORM_RULE_ITEM_LEAF_NO_REF,
    SCORM_RULE_ITEM_REF_MISSING,
    SCORM_RULE_ITEM_REF_NO_HREF,
    SCORM_RULE_RESOURCE_SCORMTYPE,
    SCORM_RULE_RESOURCE_HREF_NOT_LISTED,
    SCORM_RULE_RESOURCE_HREF_ELSEWHERE,
    SCORM_RULE_DEPENDENCY_MISSING,
    SCORM_RULE_SEQUENCING_IDREF,
    SCORM_RULE_SEQUENCING_RANGE,
    SCORM_RULE_LAUNCH_FILE_MISSING,
    SCORM_RULE_LAUNCH_NONE,
    SCORM_RULE_FILE_UNREFERENCED,
    SCORM_RULE_COUNT
} scorm_rule_id;

typedef struct scorm_rule {
    const char *id;          /* stable, kebab-case: what CI configurations match on */
    scorm_severity severity; /* SCORM_ERROR exactly when impact is SCORM_IMPACT_PLAY */
    scorm_impact impact;
    int stage;               /* an enum scorm_stage value */
    const char *summary;     /* one line, for docs and JUnit test case names */
} scorm_rule;

/* Indexed by scorm_rule_id. */
extern const scorm_rule scorm_rules[SCORM_RULE_COUNT];

typedef struct scorm_finding {
    scorm_rule_id rule;
    char *file;    /* path inside the package ("imsmanifest.xml", "img/a.png"), never NULL */
    long line;     /* 1-based; 0 when unknown */
    long column;   /* 1-based; 0 when unknown */
    char *message; /* a sentence an author can act on */
} scorm_finding;

typedef enum scorm_verdict {
    SCORM_VERDICT_CONFORMANT,   /* plays, and no conformance deviation was found */
    SCORM_VERDICT_PLAYABLE,     /* plays, but deviates from ADL's rules or XSDs */
    SCORM_VERDICT_NOT_PLAYABLE, /* at least one error: runtimes would refuse or fail it */
    SCORM_VERDICT_NOT_SCORM,    /* another format (AICC, cmi5, xAPI, H5P, Moodle backup...) */
    SCORM_VERDICT_UNREADABLE,   /* the path could not be read at all (permissions, I/O) */
} scorm_verdict;
#define SCORM_VERDICT_COUNT 5

typedef struct scorm_report {
    char *package;        /* the path as the user gave it */
    char *version;        /* "SCORM 1.2", "SCORM 2004 4th Edition", ...; NULL when unknown */
    char *not_scorm_kind; /* "AICC", "cmi5", ...; set when the package is another format */
    char *schema_set;     /* the trusted XSD set used ("scorm12", "scorm2004-3rd", ...) */
    int last_stage;       /* the last stage whose checks ran (enum scorm_stage) */
    bool schema_checked;  /* stage 5 ran against a trusted schema set */
    char *schema_note;    /* why stage 5 was skipped, when it was */
    scorm_finding *findings;
    size_t count;
    size_t capacity;
    size_t errors;      /* PLAY findings */
    size_t warnings;    /* CONFORMANCE and ADVICE findings */
    size_t deviations;  /* CONFORMANCE findings (also counted in warnings) */
    bool out_of_memory;   /* an allocation failed; the report is incomplete */
} scorm_report;

/* Returns 0, or -1 when out of memory. */
int scorm_report_init(scorm_report *report, const char *package);
void scorm_report_free(scorm_report *report);

/* Adds a finding (message printf-style). On allocation failure sets out_of_memory. */
void scorm_report_add(scorm_report *report, scorm_rule_id rule, const char *file, long line,
                      long column, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Replaces a string field (version, not_scorm_kind, schema_note) with a copy of value. */
void scorm_report_set(scorm_report *report, char **field, const char *value);

/* Orders findings errors first, keeping the check order within a severity. */
void scorm_report_sort(scorm_report *report);

scorm_verdict scorm_report_verdict(const scorm_report *report);
/* Whether runtimes would play the package: SCORM, readable, and no PLAY finding. */
bool scorm_report_playable(const scorm_report *report);
/* Playable, and no CONFORMANCE finding. */
bool scorm_report_conformant(const scorm_report *report);
/* "conformant", "playable", "not-playable", "not-scorm" or "unreadable". */
const char *scorm_verdict_name(scorm_verdict verdict);
/* "error" or "warning". */
const char *scorm_severity_name(scorm_severity severity);
/* "play", "conformance" or "advice". */
const char *scorm_impact_name(scorm_impact impact);

/* Whether the checks of a rule ran for this package (false: an earlier stage stopped them,
 * or the schema set was missing). */
bool scorm_report_rule_ran(const scorm_report *report, scorm_rule_id rule);

#endif
