#include "packer/pack_folder.h"

#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "manifest/bundle_manifest.h"
#include "packer/mime.h"
#include "packer/source_folder.h"

/* The folder's own name ("lessons" for "/data/lessons/"), malloc'd. */
static char *folder_name(const char *dir)
{
    char *resolved = realpath(dir, NULL);
    if (!resolved)
        return strdup("bundle");
    char *name = strdup(strcmp(resolved, "/") == 0 ? "bundle" : basename(resolved));
    free(resolved);
    return name;
}

static int add_files(bundle_writer *w, bundle_manifest *m, const folder_listing *listing,
                     pack_folder_summary *summary, panya_error *err)
{
    for (size_t i = 0; i < listing->file_count; i++) {
        const folder_file *f = &listing->files[i];
        manifest_variant v = {.profile = MANIFEST_PROFILE_SOURCE,
                              .mime = (char *)mime_type_for_path(f->relative_path)};
        if (bundle_writer_add_file(w, f->disk_path, v.mime, v.hash, &v.size, err) != 0)
            return -1;
        manifest_file *file = bundle_manifest_add_file(m, f->relative_path, err);
        if (!file || manifest_file_add_variant(file, &v, err) != 0) {
            panya_error_prefix(err, "%s: ", f->disk_path);
            return -1;
        }
        summary->input_bytes += v.size;
    }
    for (size_t i = 0; i < listing->folder_count; i++)
        if (bundle_manifest_add_folder(m, listing->empty_folders[i], err) != 0)
            return -1;
    return 0;
}

int pack_folder(const char *dir, const char *out_path, const pack_folder_options *options,
                pack_folder_summary *summary, panya_error *err)
{
    memset(summary, 0, sizeof *summary);
    struct stat out_st = {0};
    if (stat(out_path, &out_st) != 0)
        memset(&out_st, 0, sizeof out_st);
    folder_listing listing;
    if (folder_list(dir, out_st.st_dev, out_st.st_ino, &listing, err) != 0)
        return -1;
    summary->warnings = listing.warnings;
    summary->warning_count = listing.warning_count;
    listing.warnings = NULL;
    listing.warning_count = 0;

    int status = -1;
    char *name = folder_name(dir);
    bundle_manifest *m = NULL;
    bundle_writer *w = NULL;
    uint8_t *xml = NULL;
    size_t xml_len = 0;
    if (!name || !(m = bundle_manifest_new(options->id ? options->id : name,
                                           options->version ? options->version : "1"))) {
        panya_error_oom(err);
        goto done;
    }
    if (manifest_titles_add(&m->titles, "en", options->title ? options->title : name) != 0 ||
        (options->title_lo && manifest_titles_add(&m->titles, "lo", options->title_lo) != 0)) {
        panya_error_oom(err);
        goto done;
    }
    if (!(w = bundle_writer_create(&options->writer, err)) ||
        add_files(w, m, &listing, summary, err) != 0 || bundle_manifest_finish(m, err) != 0 ||
        bundle_manifest_write_xml(m, &xml, &xml_len, err) != 0 ||
        bundle_writer_finish(w, out_path, xml, xml_len, err) != 0)
        goto done;
    summary->files = listing.file_count;
    summary->folders = listing.folder_count;
    summary->bundle = bundle_writer_get_stats(w);
    status = 0;
done:
    free(xml);
    bundle_writer_free(w);
    bundle_manifest_free(m);
    free(name);
    folder_listing_free(&listing);
    return status;
}

void pack_folder_summary_free(pack_folder_summary *summary)
{
    for (size_t i = 0; i < summary->warning_count; i++)
        free(summary->warnings[i]);
    free(summary->warnings);
    summary->warnings = NULL;
    summary->warning_count = 0;
}
