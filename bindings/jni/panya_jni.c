/* JNI binding of the reader library: what an Android app compiles with the NDK next to
 * libpanya, and what tests/cli/test_jni.sh builds and runs on Debian's OpenJDK. The Java side
 * is la/panya/Bundle.java. A bundle handle is the panya_bundle pointer in a long; every
 * failure throws la.panya.PanyaException with the library's message and status. The library
 * is thread-safe after open, so one Bundle may be used from several Java threads. */
#include <jni.h>
#include <panya.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void throw_panya(JNIEnv *env, panya_status status, const char *message)
{
    jclass cls = (*env)->FindClass(env, "la/panya/PanyaException");
    if (!cls)
        return; /* NoClassDefFoundError is pending */
    jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(ILjava/lang/String;)V");
    jstring text = (*env)->NewStringUTF(env, message);
    if (!ctor || !text)
        return;
    jobject exc = (*env)->NewObject(env, cls, ctor, (jint)status, text);
    if (exc)
        (*env)->Throw(env, (jthrowable)exc);
}

static void throw_error(JNIEnv *env, const panya_error_info *err)
{
    throw_panya(env, err->status, err->message);
}

static panya_bundle *bundle_of(jlong handle)
{
    return (panya_bundle *)(intptr_t)handle;
}

static jstring string_or_null(JNIEnv *env, const char *s)
{
    return s ? (*env)->NewStringUTF(env, s) : NULL;
}

/* A String[] of count values (NULL values stay null). */
static jobjectArray string_array(JNIEnv *env, const char *const *values, jsize count)
{
    jobjectArray out =
        (*env)->NewObjectArray(env, count, (*env)->FindClass(env, "java/lang/String"), NULL);
    for (jsize i = 0; out && i < count; i++)
        (*env)->SetObjectArrayElement(env, out, i, string_or_null(env, values[i]));
    return out;
}

/* The descriptor number inside a java.io.FileDescriptor: "descriptor" on Android (what
 * ParcelFileDescriptor.getFileDescriptor() returns), "fd" on OpenJDK. */
static int descriptor_number(JNIEnv *env, jobject fd_object)
{
    jclass cls = (*env)->GetObjectClass(env, fd_object);
    jfieldID field = (*env)->GetFieldID(env, cls, "descriptor", "I");
    if (!field) {
        (*env)->ExceptionClear(env);
        field = (*env)->GetFieldID(env, cls, "fd", "I");
    }
    if (!field)
        return -1; /* NoSuchFieldError is pending */
    return (*env)->GetIntField(env, fd_object, field);
}

static jlong opened(JNIEnv *env, panya_status status, panya_bundle *bundle,
                    const panya_error_info *err)
{
    if (status != PANYA_OK) {
        throw_error(env, err);
        return 0;
    }
    return (jlong)(intptr_t)bundle;
}

JNIEXPORT jlong JNICALL Java_la_panya_Bundle_nativeOpenPath(JNIEnv *env, jclass cls, jstring path)
{
    (void)cls;
    const char *p = (*env)->GetStringUTFChars(env, path, NULL);
    if (!p)
        return 0;
    panya_bundle *bundle = NULL;
    panya_error_info err;
    panya_status status = panya_open(p, 0, &bundle, &err);
    (*env)->ReleaseStringUTFChars(env, path, p);
    return opened(env, status, bundle, &err);
}

JNIEXPORT jlong JNICALL Java_la_panya_Bundle_nativeOpenFd(JNIEnv *env, jclass cls, jobject fd,
                                                          jlong offset, jlong length)
{
    (void)cls;
    int number = descriptor_number(env, fd);
    if (number < 0) {
        if (!(*env)->ExceptionCheck(env))
            throw_panya(env, PANYA_ERR_USAGE, "the FileDescriptor is not open");
        return 0;
    }
    if (offset < 0 || length < 0) {
        throw_panya(env, PANYA_ERR_USAGE, "offset and length must not be negative");
        return 0;
    }
    panya_bundle *bundle = NULL;
    panya_error_info err;
    panya_status status =
        panya_open_fd(number, (uint64_t)offset, (uint64_t)length, 0, &bundle, &err);
    return opened(env, status, bundle, &err);
}

JNIEXPORT void JNICALL Java_la_panya_Bundle_nativeClose(JNIEnv *env, jclass cls, jlong handle)
{
    (void)env;
    (void)cls;
    panya_close(bundle_of(handle));
}

/* Pack facts as strings: {format, id, version, title lo, title en, key id or null}. */
JNIEXPORT jobjectArray JNICALL Java_la_panya_Bundle_nativeFacts(JNIEnv *env, jclass cls,
                                                                jlong handle)
{
    (void)cls;
    panya_facts f;
    panya_get_facts(bundle_of(handle), &f);
    char format[32];
    snprintf(format, sizeof format, "%u.%u", f.format_major, f.format_minor);
    const char *values[6] = {format, f.pack_id, f.pack_version,
                             panya_title(f.titles, f.title_count, "lo"),
                             panya_title(f.titles, f.title_count, "en"),
                             f.is_signed ? f.key_id : NULL};
    return string_array(env, values, 6);
}

JNIEXPORT jobjectArray JNICALL Java_la_panya_Bundle_nativeProfiles(JNIEnv *env, jclass cls,
                                                                   jlong handle)
{
    (void)cls;
    panya_bundle *b = bundle_of(handle);
    size_t count = panya_profile_count(b);
    jobjectArray out = (*env)->NewObjectArray(env, (jsize)count,
                                              (*env)->FindClass(env, "java/lang/String"), NULL);
    for (size_t i = 0; out && i < count; i++)
        (*env)->SetObjectArrayElement(env, out, (jsize)i,
                                      string_or_null(env, panya_profile_name(b, i)));
    return out;
}

JNIEXPORT jint JNICALL Java_la_panya_Bundle_nativeCourseCount(JNIEnv *env, jclass cls,
                                                              jlong handle)
{
    (void)env;
    (void)cls;
    return (jint)panya_course_count(bundle_of(handle));
}

static void throw_status(JNIEnv *env, panya_status status, const char *what)
{
    throw_panya(env, status, what);
}

/* {id, title lo, title en, lesson count} of course c. */
JNIEXPORT jobjectArray JNICALL Java_la_panya_Bundle_nativeCourse(JNIEnv *env, jclass cls,
                                                                 jlong handle, jint c)
{
    (void)cls;
    panya_course_info info;
    panya_status status = panya_course(bundle_of(handle), (size_t)c, &info);
    if (status != PANYA_OK) {
        throw_status(env, status, "no such course");
        return NULL;
    }
    char lessons[24];
    snprintf(lessons, sizeof lessons, "%zu", info.lesson_count);
    const char *values[4] = {info.id, panya_title(info.titles, info.title_count, "lo"),
                             panya_title(info.titles, info.title_count, "en"), lessons};
    return string_array(env, values, 4);
}

/* {id, title lo, title en, then kind, path and launch file of each item}. */
JNIEXPORT jobjectArray JNICALL Java_la_panya_Bundle_nativeLesson(JNIEnv *env, jclass cls,
                                                                 jlong handle, jint c, jint l)
{
    (void)cls;
    panya_bundle *b = bundle_of(handle);
    panya_lesson_info info;
    panya_status status = panya_lesson(b, (size_t)c, (size_t)l, &info);
    if (status != PANYA_OK) {
        throw_status(env, status, "no such lesson");
        return NULL;
    }
    jsize count = (jsize)(3 + 3 * info.item_count);
    jobjectArray out = (*env)->NewObjectArray(env, count,
                                              (*env)->FindClass(env, "java/lang/String"), NULL);
    if (!out)
        return NULL;
    (*env)->SetObjectArrayElement(env, out, 0, string_or_null(env, info.id));
    (*env)->SetObjectArrayElement(env, out, 1,
                                  string_or_null(env, panya_title(info.titles, info.title_count, "lo")));
    (*env)->SetObjectArrayElement(env, out, 2,
                                  string_or_null(env, panya_title(info.titles, info.title_count, "en")));
    for (size_t i = 0; i < info.item_count; i++) {
        panya_item_info item;
        if (panya_item(b, (size_t)c, (size_t)l, i, &item) != PANYA_OK) {
            throw_status(env, PANYA_ERR_INVALID, "damaged catalogue");
            return NULL;
        }
        (*env)->SetObjectArrayElement(env, out, (jsize)(3 + 3 * i), string_or_null(env, item.kind));
        (*env)->SetObjectArrayElement(env, out, (jsize)(4 + 3 * i), string_or_null(env, item.path));
        (*env)->SetObjectArrayElement(env, out, (jsize)(5 + 3 * i),
                                      string_or_null(env, item.launch));
    }
    return out;
}

JNIEXPORT jlongArray JNICALL Java_la_panya_Bundle_nativeLessonSizes(JNIEnv *env, jclass cls,
                                                                    jlong handle, jint c, jint l)
{
    (void)cls;
    panya_lesson_info info;
    panya_status status = panya_lesson(bundle_of(handle), (size_t)c, (size_t)l, &info);
    if (status != PANYA_OK) {
        throw_status(env, status, "no such lesson");
        return NULL;
    }
    jlongArray out = (*env)->NewLongArray(env, (jsize)info.profile_count);
    for (size_t p = 0; out && p < info.profile_count; p++) {
        jlong v = (jlong)info.size_by_profile[p];
        (*env)->SetLongArrayRegion(env, out, (jsize)p, 1, &v);
    }
    return out;
}

/* {size, offset, stored size, method} and {mime, sha256 hex} of a file, or an exception. */
static int find_file(JNIEnv *env, jlong handle, jstring path, jstring profile,
                     panya_file_info *info)
{
    const char *p = (*env)->GetStringUTFChars(env, path, NULL);
    const char *prof = profile ? (*env)->GetStringUTFChars(env, profile, NULL) : NULL;
    if (!p || (profile && !prof)) {
        if (p)
            (*env)->ReleaseStringUTFChars(env, path, p);
        return -1;
    }
    panya_error_info err;
    panya_status status = panya_find(bundle_of(handle), p, prof, info, &err);
    (*env)->ReleaseStringUTFChars(env, path, p);
    if (prof)
        (*env)->ReleaseStringUTFChars(env, profile, prof);
    if (status != PANYA_OK) {
        throw_error(env, &err);
        return -1;
    }
    return 0;
}

JNIEXPORT jlongArray JNICALL Java_la_panya_Bundle_nativeFind(JNIEnv *env, jclass cls,
                                                             jlong handle, jstring path,
                                                             jstring profile)
{
    (void)cls;
    panya_file_info info;
    if (find_file(env, handle, path, profile, &info) != 0)
        return NULL;
    jlong values[4] = {(jlong)info.size, (jlong)info.offset, (jlong)info.stored_size,
                       (jlong)info.method};
    jlongArray out = (*env)->NewLongArray(env, 4);
    if (out)
        (*env)->SetLongArrayRegion(env, out, 0, 4, values);
    return out;
}

JNIEXPORT jobjectArray JNICALL Java_la_panya_Bundle_nativeFindText(JNIEnv *env, jclass cls,
                                                                   jlong handle, jstring path,
                                                                   jstring profile)
{
    (void)cls;
    panya_file_info info;
    if (find_file(env, handle, path, profile, &info) != 0)
        return NULL;
    char hex[2 * PANYA_HASH_BYTES + 1];
    for (int i = 0; i < PANYA_HASH_BYTES; i++)
        snprintf(hex + 2 * i, 3, "%02x", info.sha256[i]);
    const char *values[3] = {info.mime, hex, info.profile};
    return string_array(env, values, 3);
}

/* Reads up to len bytes at offset of a file into buf[off..]; returns the count. */
JNIEXPORT jint JNICALL Java_la_panya_Bundle_nativeRead(JNIEnv *env, jclass cls, jlong handle,
                                                       jstring path, jstring profile,
                                                       jlong offset, jbyteArray buf, jint off,
                                                       jint len)
{
    (void)cls;
    jsize capacity = (*env)->GetArrayLength(env, buf);
    if (offset < 0 || off < 0 || len < 0 || off > capacity || len > capacity - off) {
        throw_panya(env, PANYA_ERR_USAGE, "read outside the buffer");
        return -1;
    }
    panya_file_info info;
    if (find_file(env, handle, path, profile, &info) != 0)
        return -1;
    void *tmp = malloc(len ? (size_t)len : 1);
    if (!tmp) {
        throw_panya(env, PANYA_ERR_NOMEM, "out of memory");
        return -1;
    }
    size_t got = 0;
    panya_error_info err;
    panya_status status =
        panya_read(bundle_of(handle), &info, (uint64_t)offset, tmp, (size_t)len, &got, &err);
    if (status == PANYA_OK)
        (*env)->SetByteArrayRegion(env, buf, off, (jsize)got, tmp);
    else
        throw_error(env, &err);
    free(tmp);
    return status == PANYA_OK ? (jint)got : -1;
}
