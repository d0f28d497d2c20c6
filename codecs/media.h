/* Internal to codecs/: the per-kind encoder table and the libav plumbing they share
 * (opening inputs, crash-safe outputs, filter graphs, error text). */
#ifndef PANYA_CODECS_MEDIA_H
#define PANYA_CODECS_MEDIA_H

#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavformat/avformat.h>

#include "codecs/codecs.h"
#include "common/output_file.h"

/* One transcode request, as codec_transcode_file received it. */
typedef struct codec_job {
    const char *source_path;
    const char *output_path;
    const codec_profile *profile;
    int threads; /* >= 1 */
    unsigned flags;
    const codec_probe_info *probe;
} codec_job;

/* One encoder per media kind (video.c, audio.c, image.c); adding a kind is adding a file. */
typedef struct codec_encoder {
    codec_kind kind;
    /* Writes job->output_path and fills result (except encoder_id and kind). */
    int (*transcode)(const codec_job *job, codec_result *result, panya_error *err);
} codec_encoder;

extern const codec_encoder codec_video_encoder;
extern const codec_encoder codec_audio_encoder;
extern const codec_encoder codec_image_encoder;

/* Decoded pixels allowed in memory at once (RGBA64 PNG: 8 bytes each). JPEGs above it are
 * decoded at 1/2, 1/4 or 1/8 size instead; other formats are refused. */
#define IMAGE_MAX_DECODED_PIXELS (40L * 1000 * 1000)

/* Walks a PNG's chunks (png_check.c): every chunk whole, its CRC right, IEND present.
 * Fills the IHDR size even when libav cannot (pictures too large for it). A damaged or
 * truncated PNG is PANYA_ERR_INVALID naming path. */
int media_png_check(const char *path, int *width, int *height, panya_error *err);

/* libav would print on stderr; codecs/ reports through panya_error only. */
void media_quiet_logs(void);

/* Sets err from a libav error code: "PATH: WHAT: libav's text". Returns -1. */
int media_av_error(panya_error *err, int code, int averr, const char *path, const char *what);

/* Opens and probes an input; failures are PANYA_ERR_INVALID (or USAGE if unreadable). */
int media_open_input(AVFormatContext **in, const char *path, panya_error *err);

/* Opens a decoder for one input stream; lowres > 0 asks the JPEG decoder for 1/2^lowres
 * of the size (huge photos decode in bounded memory). */
int media_open_decoder(AVCodecContext **dec, const AVStream *st, int threads, int lowres,
                       const char *path, panya_error *err);

/* A muxer writing to a temporary file next to the final path (common/output_file.h). */
typedef struct media_output {
    AVFormatContext *ctx;
    panya_output_file file;
    const char *path;
} media_output;

/* muxer is an explicit libavformat name ("mp4", "ogg"), never guessed from the path. */
int media_output_open(media_output *out, const char *muxer, const char *path, panya_error *err);
/* Writes the header (options such as movflags apply here). */
int media_output_start(media_output *out, AVDictionary **options, panya_error *err);
/* Writes the trailer, syncs and renames into place. */
int media_output_commit(media_output *out, panya_error *err);
/* Removes the temporary file; safe after a failed or successful commit. */
void media_output_abort(media_output *out);

/* A one-input filter graph: buffer/abuffer -> description -> buffersink, and a second
 * buffersink (ref_sink) when a video description has a "[ref]" output. */
typedef struct media_filter {
    AVFilterGraph *graph;
    AVFilterContext *source, *sink, *ref_sink;
} media_filter;

int media_filter_open_video(media_filter *f, const AVCodecContext *dec, AVRational time_base,
                            const char *description, int threads, panya_error *err);
int media_filter_open_audio(media_filter *f, const AVCodecContext *dec, AVRational time_base,
                            const char *description, panya_error *err);
void media_filter_close(media_filter *f);

/* Fills result's MIME-independent facts by re-opening the finished output with
 * libavformat: RFC 6381 codecs string, size, duration, bitrate, bytes. */
int media_describe_output(const char *path, codec_result *result, panya_error *err);

/* Called with each encoded packet (in the encoder's time base) before it is muxed. */
typedef int (*media_packet_fn)(void *opaque, const AVPacket *pkt, panya_error *err);

/* Streams encoded packets: sends frame (NULL to flush) and writes every packet produced
 * to out, rescaled into stream's time base. on_packet may be NULL. */
int media_encode_write(AVCodecContext *enc, const AVFrame *frame, AVStream *stream,
                       media_output *out, AVPacket *pkt, media_packet_fn on_packet,
                       void *opaque, panya_error *err);

/* Luma SSIM of two 8-bit planes of the same size (8x8 windows, step 4), 0..1. */
double media_ssim_plane(const uint8_t *a, int a_stride, const uint8_t *b, int b_stride,
                        int width, int height);

/* How much of one stream decodes, against what its container states (media_damage.c). */
typedef struct media_track {
    const char *what; /* "video" or "audio", for messages */
    AVRational time_base;
    double stated;      /* seconds the container states for the stream (or the file); 0: unknown */
    double first, end;  /* decoded span in seconds */
    int64_t frames, packets, bad_packets;
} media_track;

void media_track_init(media_track *t, const AVFormatContext *in, const AVStream *st,
                      const char *what);
/* Counts one packet of the stream; decoded is false when the decoder refused it. */
void media_track_packet(media_track *t, bool decoded);
/* Counts one decoded frame (timestamps in the stream's time base). */
void media_track_frame(media_track *t, const AVFrame *frame);
/* Seconds decoded so far. */
double media_track_decoded(const media_track *t);
/* After the last frame: PANYA_ERR_INVALID naming path when more than 1% of the packets did
 * not decode, or when the stream decoded to less than 90% of its stated duration (and
 * more than 0.25 s short). */
int media_track_verdict(const media_track *t, const char *path, panya_error *err);

/* One sound track: decode -> resample/downmix -> encode (AAC-LC or Opus) -> mux. Used for
 * audio-only files and for the sound of videos (media_audio.c). */
typedef struct media_audio {
    int in_index;
    AVCodecContext *dec, *enc;
    media_filter filter;
    AVStream *stream;
    AVFrame *frame, *filtered;
    AVPacket *pkt;
    int64_t decoded_frames;
    media_track track;
    int64_t next_pts; /* in the encoder's time base: output never goes back in time */
    const char *source; /* named in decoding errors */
    const char *path;   /* the output, named in encoding errors */
} media_audio;

/* Adds an output stream to out for input stream in_index, encoded as settings say. */
int media_audio_open(media_audio *a, AVFormatContext *in, int in_index, media_output *out,
                     const codec_audio_settings *settings, panya_error *err);
/* Decodes one packet of the input stream and muxes what comes out; NULL flushes. A
 * packet that does not decode is skipped (damaged data mid-stream), as players do, and
 * counted: after the flush, media_track_verdict(&a->track, ...) says whether the track
 * is damaged or truncated. */
int media_audio_feed(media_audio *a, const AVPacket *pkt, media_output *out, panya_error *err);
void media_audio_close(media_audio *a);

/* Speech or music (audio_content.c): a sound track is speech when at least this share of
 * its 20 ms frames is below half the mean energy of its 1 s block (the pauses between
 * syllables)... */
#define MEDIA_SPEECH_LOW_ENERGY 0.30
/* ...and at least this share has a zero-crossing rate above 1.5 times its block's mean (the
 * unvoiced consonants). Music, and speech over a music bed, stay below both. */
#define MEDIA_SPEECH_HIGH_ZCR 0.10

typedef struct media_audio_features {
    double low_energy, high_zcr; /* the two shares above, 0..1 */
    double seconds;              /* of sound analysed (digital silence left out) */
    bool speech;
} media_audio_features;

/* Reads at most 60 s of the best audio stream of path (its first 60 s when duration, in
 * seconds, is 60 or less or unknown (0); else six 10 s windows spread evenly) and measures
 * the features. Without an
 * audio stream, or without a second of sound, it is not speech. Deterministic: the same
 * file gives the same features. Decoding errors are left to the real encode, which reports
 * them; a file that does not open is an error. */
int media_audio_classify(const char *path, double duration, media_audio_features *features,
                         panya_error *err);

/* libavcodec's name for the encoder of a profile's audio codec ("aac", "libopus"). */
const char *media_audio_encoder_name(const char *codec);

#endif
