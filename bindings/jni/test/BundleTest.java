import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;

import la.panya.Bundle;
import la.panya.PanyaException;

/**
 * Drives the JNI binding as an Android app would: the bundle sits inside a larger file and is
 * opened by descriptor + offset + length. Arguments: OUTER_FILE OFFSET LENGTH LESSON_PATH
 * LESSON_BYTES_FILE MEDIA_PATH MEDIA_BYTES_FILE. Prints what it found; exits 1 on a mismatch.
 */
public final class BundleTest {
    static int failures = 0;

    static void check(boolean ok, String what) {
        if (!ok) {
            System.err.println("FAIL: " + what);
            failures++;
        }
    }

    public static void main(String[] args) throws Exception {
        long offset = Long.parseLong(args[1]), length = Long.parseLong(args[2]);
        try (RandomAccessFile outer = new RandomAccessFile(args[0], "r");
             Bundle bundle = Bundle.open(outer.getFD(), offset, length)) {
            String[] facts = bundle.facts();
            System.out.println("format " + facts[0] + ", pack " + facts[1] + " " + facts[2]);
            check(facts[0].startsWith("1."), "format version " + facts[0]);
            List<Bundle.Course> courses = bundle.courses();
            int lessons = 0;
            for (Bundle.Course c : courses) {
                System.out.println("course " + c.id + ": " + c.titleLao + " / " + c.titleEnglish);
                for (Bundle.Lesson l : c.lessons) {
                    lessons++;
                    System.out.println("  lesson " + l.id + ": " + l.titleLao + " / "
                                       + l.titleEnglish + " " + Arrays.toString(l.bytesByProfile)
                                       + " " + l.items.size() + " item(s)");
                    check(!l.items.isEmpty(), "lesson " + l.id + " has items");
                    for (String[] item : l.items) {
                        System.out.println("    " + item[0] + " " + item[1] + " opens " + item[2]);
                        check(item[2] != null, "item " + item[1] + " has a launch file");
                    }
                }
            }
            check(courses.size() > 0 && lessons > 0, "courses and lessons listed");

            Bundle.FileInfo page = bundle.find(args[3], null);
            byte[] got = bundle.readAll(page);
            check(Arrays.equals(got, Files.readAllBytes(Paths.get(args[4]))),
                  "lesson file bytes equal panya cat's");
            System.out.println("read " + args[3] + ": " + got.length + " bytes, " + page.mime);

            Bundle.FileInfo media = bundle.find(args[5], null);
            check(media.raw, "media stored raw");
            byte[] direct = new byte[(int) media.size];
            outer.seek(media.offset);
            outer.readFully(direct);
            check(Arrays.equals(direct, Files.readAllBytes(Paths.get(args[6]))),
                  "media bytes at (offset, length) in the outer file equal panya cat's");
            System.out.println("media " + args[5] + ": offset " + media.offset + ", length "
                               + media.size + ", " + media.mime);

            try {
                bundle.find("no/such/file.html", null);
                check(false, "a missing path throws");
            } catch (PanyaException e) {
                check(e.status() == PanyaException.NOT_FOUND, "missing path is NOT_FOUND: " + e);
            }
        }
        try {
            Bundle.open(args[4]).close();
            check(false, "a file that is not a bundle throws");
        } catch (PanyaException e) {
            check(e.status() == PanyaException.INVALID, "not a bundle is INVALID: " + e);
        }
        System.exit(failures == 0 ? 0 : 1);
    }
}
