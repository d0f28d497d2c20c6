package la.panya;

import java.io.FileDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A lesson bundle (.panya) opened through the native reader library. Open one from a path, or
 * from a descriptor with an offset and a length, as Android hands an app a file picked on an
 * SD card (ParcelFileDescriptor.getFileDescriptor()). The descriptor stays the caller's: keep
 * it open until close(). After opening, any number of threads may read at once.
 */
public final class Bundle implements AutoCloseable {
    static {
        System.loadLibrary("panya_jni");
    }

    /** A course with its lessons in order. */
    public static final class Course {
        public final String id, titleLao, titleEnglish;
        public final List<Lesson> lessons;

        Course(String id, String lo, String en, List<Lesson> lessons) {
            this.id = id;
            this.titleLao = lo;
            this.titleEnglish = en;
            this.lessons = Collections.unmodifiableList(lessons);
        }
    }

    /** A lesson: its items ({kind, path, launch file or null}) and its bytes per profile. */
    public static final class Lesson {
        public final String id, titleLao, titleEnglish;
        public final List<String[]> items; // {kind, path, launch file or null}
        public final long[] bytesByProfile;

        Lesson(String id, String lo, String en, List<String[]> items, long[] bytes) {
            this.id = id;
            this.titleLao = lo;
            this.titleEnglish = en;
            this.items = Collections.unmodifiableList(items);
            this.bytesByProfile = bytes;
        }
    }

    /** Where a file's bytes are. For a raw (uncompressed) file, offset and size locate it in
     *  the bundle file itself, so a media player can be given descriptor + offset + length. */
    public static final class FileInfo {
        public final String path, profile, mime, sha256;
        public final long size, offset, storedSize;
        public final boolean raw;

        FileInfo(String path, String[] text, long[] numbers) {
            this.path = path;
            this.mime = text[0];
            this.sha256 = text[1];
            this.profile = text[2];
            this.size = numbers[0];
            this.offset = numbers[1];
            this.storedSize = numbers[2];
            this.raw = numbers[3] == 0;
        }
    }

    private long handle;

    private Bundle(long handle) {
        this.handle = handle;
    }

    public static Bundle open(String path) throws PanyaException {
        return new Bundle(nativeOpenPath(path));
    }

    /** Opens bytes [offset, offset + length) of fd; length 0 means to the end of the file. */
    public static Bundle open(FileDescriptor fd, long offset, long length) throws PanyaException {
        return new Bundle(nativeOpenFd(fd, offset, length));
    }

    private long handle() {
        if (handle == 0)
            throw new IllegalStateException("bundle closed");
        return handle;
    }

    /** {format, pack id, version, Lao title, English title, signer key id or null}. */
    public String[] facts() {
        return nativeFacts(handle());
    }

    public String[] profiles() {
        return nativeProfiles(handle());
    }

    public List<Course> courses() throws PanyaException {
        long h = handle();
        List<Course> courses = new ArrayList<>();
        int count = nativeCourseCount(h);
        for (int c = 0; c < count; c++) {
            String[] course = nativeCourse(h, c);
            int lessonCount = Integer.parseInt(course[3]);
            List<Lesson> lessons = new ArrayList<>();
            for (int l = 0; l < lessonCount; l++) {
                String[] lesson = nativeLesson(h, c, l);
                List<String[]> items = new ArrayList<>();
                for (int i = 3; i + 2 < lesson.length; i += 3)
                    items.add(new String[] {lesson[i], lesson[i + 1], lesson[i + 2]});
                lessons.add(new Lesson(lesson[0], lesson[1], lesson[2], items,
                                       nativeLessonSizes(h, c, l)));
            }
            courses.add(new Course(course[0], course[1], course[2], lessons));
        }
        return courses;
    }

    /** The file at path in the variant of profile (null: its default variant). */
    public FileInfo find(String path, String profile) throws PanyaException {
        long h = handle();
        return new FileInfo(path, nativeFindText(h, path, profile), nativeFind(h, path, profile));
    }

    /** Reads up to len bytes of the file from byte offset; returns the count (0 at the end). */
    public int read(FileInfo file, long offset, byte[] buf, int off, int len)
            throws PanyaException {
        return nativeRead(handle(), file.path, file.profile, offset, buf, off, len);
    }

    /** The whole file (for lesson pages and other small files). */
    public byte[] readAll(FileInfo file) throws PanyaException {
        if (file.size > Integer.MAX_VALUE - 8)
            throw new PanyaException(PanyaException.INVALID, file.path + ": too large for one array");
        byte[] data = new byte[(int) file.size];
        int done = 0;
        while (done < data.length) {
            int n = read(file, done, data, done, data.length - done);
            if (n <= 0)
                throw new PanyaException(PanyaException.INVALID, file.path + ": ends early");
            done += n;
        }
        return data;
    }

    @Override
    public void close() {
        if (handle != 0) {
            nativeClose(handle);
            handle = 0;
        }
    }

    private static native long nativeOpenPath(String path) throws PanyaException;
    private static native long nativeOpenFd(FileDescriptor fd, long offset, long length)
            throws PanyaException;
    private static native void nativeClose(long handle);
    private static native String[] nativeFacts(long handle);
    private static native String[] nativeProfiles(long handle);
    private static native int nativeCourseCount(long handle);
    private static native String[] nativeCourse(long handle, int course) throws PanyaException;
    private static native String[] nativeLesson(long handle, int course, int lesson)
            throws PanyaException;
    private static native long[] nativeLessonSizes(long handle, int course, int lesson)
            throws PanyaException;
    private static native long[] nativeFind(long handle, String path, String profile)
            throws PanyaException;
    private static native String[] nativeFindText(long handle, String path, String profile)
            throws PanyaException;
    private static native int nativeRead(long handle, String path, String profile, long offset,
                                         byte[] buf, int off, int len) throws PanyaException;
}
