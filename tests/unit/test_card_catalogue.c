/* Card catalogue XML: escaping, Lao text, optional signer, same list -> same bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "manifest/card_catalogue.h"

static void test_catalogue_xml(void **state)
{
    (void)state;
    manifest_text lao_titles[] = {{"en", "Maths & <Science>"}, {"lo", "ຄະນິດສາດ"}};
    manifest_titles titles = {lao_titles, 2};
    card_catalogue_pack packs[] = {
        {.file = "maths.panya", .size = 4294967295ull, .id = "maths", .version = "2",
         .titles = &titles, .lesson_count = 12, .signer = "0123456789abcdef"},
        {.file = "empty.panya", .size = 0, .id = "empty", .version = "1", .titles = NULL},
    };
    panya_error err = {0};
    uint8_t *xml, *again;
    size_t len, again_len;
    assert_int_equal(card_catalogue_write_xml(packs, 2, &xml, &len, &err), 0);
    assert_int_equal(card_catalogue_write_xml(packs, 2, &again, &again_len, &err), 0);
    assert_int_equal(len, again_len);
    assert_memory_equal(xml, again, len);
    char *text = calloc(1, len + 1);
    memcpy(text, xml, len);
    assert_non_null(strstr(text, "xmlns=\"urn:panya:catalogue:1\""));
    assert_non_null(strstr(text, "size=\"4294967295\""));
    assert_non_null(strstr(text, "Maths &amp; &lt;Science&gt;"));
    assert_non_null(strstr(text, "<title xml:lang=\"lo\">ຄະນິດສາດ</title>"));
    assert_non_null(strstr(text, "signer=\"0123456789abcdef\""));
    /* The unsigned pack carries no signer attribute. */
    const char *empty = strstr(text, "file=\"empty.panya\"");
    assert_non_null(empty);
    assert_null(strstr(empty, "signer="));
    free(text);
    free(xml);
    free(again);
}

static void test_empty_catalogue(void **state)
{
    (void)state;
    panya_error err = {0};
    uint8_t *xml;
    size_t len;
    assert_int_equal(card_catalogue_write_xml(NULL, 0, &xml, &len, &err), 0);
    assert_non_null(memmem(xml, len, "<catalogue", 10));
    free(xml);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_xml),
        cmocka_unit_test(test_empty_catalogue),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
