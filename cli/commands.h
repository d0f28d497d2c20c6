/* The command table: one panya_command per cli/cmd_NAME.c, dispatched from cli/main.c. */
#ifndef PANYA_CLI_COMMANDS_H
#define PANYA_CLI_COMMANDS_H

typedef struct panya_command {
    const char *name;
    const char *summary; /* one line for `panya --help` */
    const char *help;    /* full text for `panya help NAME` and `panya NAME --help` */
    /* argv[0] is the command name; returns an enum panya_exit value. */
    int (*run)(int argc, char **argv);
} panya_command;

/* One line per command file. */
extern const panya_command panya_command_pack;
extern const panya_command panya_command_inspect;
extern const panya_command panya_command_verify;
extern const panya_command panya_command_extract;
extern const panya_command panya_command_cat;
extern const panya_command panya_command_probe;
extern const panya_command panya_command_transcode;
extern const panya_command panya_command_validate;
extern const panya_command panya_command_keygen;
extern const panya_command panya_command_copy;
extern const panya_command panya_command_serve;
extern const panya_command panya_command_diff;
extern const panya_command panya_command_patch;
extern const panya_command panya_command_plan;
extern const panya_command panya_command_transcode_job;
extern const panya_command panya_command_cache;

/* Looks a command up by name; NULL when there is none. */
const panya_command *panya_find_command(const char *name);

#endif
