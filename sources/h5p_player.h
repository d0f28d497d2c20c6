/* The H5P player panya packs beside H5P lessons: h5p-standalone (npm, pinned in
 * deps/npm/package.json), stored once per bundle under _panya/h5p-standalone/, and the small
 * launch page each H5P lesson opens it with. */
#ifndef PANYA_SOURCES_H5P_PLAYER_H
#define PANYA_SOURCES_H5P_PLAYER_H

#include "common/error.h"
#include "sources/lesson_model.h"

/* Where the player's files go in the bundle. */
#define H5P_PLAYER_BUNDLE_DIR "_panya/h5p-standalone"

/* The player's dist folder (malloc'd), or NULL when it is not installed: $PANYA_H5P_PLAYER_DIR,
 * then beside the executable (DATADIR/panya/h5p-standalone, put there by meson install),
 * then, for a binary in the build tree, deps/npm/node_modules/h5p-standalone/dist. */
char *h5p_player_dir_find(void);

/* Adds the player's files (its dist folder but type declarations) to model under
 * H5P_PLAYER_BUNDLE_DIR. Returns 0, or -1 (PANYA_ERR_USAGE when the player is missing). */
int h5p_player_add(lesson_model *model, panya_error *err);

/* Writes the launch page for a package whose files are at bundle_prefix in the bundle to
 * disk_path: it loads the player from H5P_PLAYER_BUNDLE_DIR by a relative path and plays
 * the h5p.json and content/ beside it. Returns 0 or -1 (PANYA_ERR_OUTPUT). */
int h5p_launch_page_write(const char *disk_path, const char *bundle_prefix, const char *title,
                          panya_error *err);

#endif
