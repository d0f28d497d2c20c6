/* common/cleanup: what is registered disappears when the process is interrupted, what was
 * unregistered stays, and the signal still ends the process. */
#include <stdarg.h>
#include <setjmp.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "common/cleanup.h"
#include "test_helpers.h"

static int exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Registers a file, a folder tree and a file that is then unregistered, and kills itself
 * with sig. Returns the child's wait status. */
static int run_child(const char *dir, int sig, char paths[3][600])
{
    snprintf(paths[0], 600, "%s/.out.panya.tmp-AbC123", dir);
    snprintf(paths[1], 600, "%s/panya-pack-XyZ789", dir);
    snprintf(paths[2], 600, "%s/kept.panya", dir);
    test_write_file(paths[0], "partial", 7);
    char deep[700];
    snprintf(deep, sizeof deep, "%s/0/course/lesson/index.html", paths[1]);
    test_write_file(deep, "<html>", 6);
    snprintf(deep, sizeof deep, "%s/1/a.txt", paths[1]);
    test_write_file(deep, "a", 1);
    test_write_file(paths[2], "done", 4);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        panya_cleanup_install_handlers();
        if (panya_cleanup_add(paths[0]) != 0 || panya_cleanup_add(paths[1]) != 0 ||
            panya_cleanup_add(paths[2]) != 0)
            _exit(10);
        panya_cleanup_remove(paths[2]);
        raise(sig);
        _exit(11); /* not reached: the handler re-raises with the default action */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void check_signal(int sig)
{
    char *dir = test_make_temp_dir();
    char paths[3][600];
    int status = run_child(dir, sig, paths);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), sig);
    assert_false(exists(paths[0]));
    assert_false(exists(paths[1]));
    assert_true(exists(paths[2]));
    test_remove_tree(dir);
    free(dir);
}

static void test_sigterm_removes_registered(void **state)
{
    (void)state;
    check_signal(SIGTERM);
}

static void test_sigint_removes_registered(void **state)
{
    (void)state;
    check_signal(SIGINT);
}

static void test_slots_are_reused(void **state)
{
    (void)state;
    /* Far more add/remove pairs than slots: removal frees the slot again. */
    for (int i = 0; i < PANYA_CLEANUP_SLOTS * 4; i++) {
        char path[64];
        snprintf(path, sizeof path, "/nonexistent/panya-%d", i);
        assert_int_equal(panya_cleanup_add(path), 0);
        panya_cleanup_remove(path);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigterm_removes_registered),
        cmocka_unit_test(test_sigint_removes_registered),
        cmocka_unit_test(test_slots_are_reused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
