/* H.264 levels (ITU-T H.264 Table A-1), internal to codecs/ and its tests. */
#ifndef PANYA_CODECS_VIDEO_LEVEL_H
#define PANYA_CODECS_VIDEO_LEVEL_H

/* The lowest level (as level_idc: 10 = 1.0, 31 = 3.1, ...) whose frame size, macroblock
 * rate, picture dimensions and bitrate admit the stream. Peers label streams lower than
 * they need and old phones refuse them, so this errs upwards. */
int video_h264_level(int width, int height, double fps, int maxrate_kbps);

#endif
