/* The C API from a C program: open, set, get into a library buffer, list,
 * remove and the error reporting. Prints "N passed, N failed" at the end. */
#include <stdio.h>
#include <string.h>

#include "tresor/tresor.h"

static int passed;
static int failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            ++passed;                                                                \
        } else {                                                                     \
            ++failed;                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

static const char* kConfig =
    "default_service = \"c-app\"\n"
    "[backend.mem]\n"
    "plugin = \"memory\"\n";

static void test_round_trip(tresor_store* store) {
    tresor_error err;
    static const uint8_t value[] = {'s', 0, 'c', 'r', 't'};
    tresor_set_options options = {TRESOR_TYPE_API_KEY, "label", "desc", 0};
    CHECK(tresor_set(store, "svc", "key", value, sizeof(value), &options, &err) == TRESOR_OK);
    CHECK(err.code == TRESOR_OK);

    uint8_t* out = NULL;
    size_t out_length = 0;
    CHECK(tresor_get(store, "svc", "key", &out, &out_length, &err) == TRESOR_OK);
    CHECK(out != NULL && out_length == sizeof(value) && memcmp(out, value, sizeof(value)) == 0);
    tresor_free_secret(out, out_length);

    CHECK(tresor_set(store, NULL, "empty", (const uint8_t*)"", 0, NULL, &err) == TRESOR_OK);
    CHECK(tresor_get(store, "c-app", "empty", &out, &out_length, &err) == TRESOR_OK);
    CHECK(out != NULL && out_length == 0);
    tresor_free_secret(out, out_length);
}

static void test_missing_and_remove(tresor_store* store) {
    tresor_error err;
    uint8_t* out = (uint8_t*)1;
    size_t out_length = 7;
    CHECK(tresor_get(store, "svc", "nope", &out, &out_length, &err) == TRESOR_NOT_FOUND);
    CHECK(out == NULL && out_length == 0);
    CHECK(err.code == TRESOR_NOT_FOUND);

    int removed = -1;
    CHECK(tresor_remove(store, "svc", "key", &removed, &err) == TRESOR_OK && removed == 1);
    CHECK(tresor_remove(store, "svc", "key", &removed, &err) == TRESOR_OK && removed == 0);
}

static void test_list(tresor_store* store) {
    tresor_error err;
    tresor_set_options options = {TRESOR_TYPE_JWT, "L", NULL, 0};
    CHECK(tresor_set(store, "listed", "b", (const uint8_t*)"x", 1, &options, &err) == TRESOR_OK);
    CHECK(tresor_set(store, "listed", "a", (const uint8_t*)"y", 1, NULL, &err) == TRESOR_OK);
    tresor_list* list = NULL;
    CHECK(tresor_list_open(store, "listed", &list, &err) == TRESOR_OK);
    const tresor_entry* e1 = tresor_list_next(list);
    CHECK(e1 != NULL && strcmp(e1->name, "a") == 0 && e1->type == TRESOR_TYPE_PASSWORD);
    const tresor_entry* e2 = tresor_list_next(list);
    CHECK(e2 != NULL && strcmp(e2->name, "b") == 0 && e2->type == TRESOR_TYPE_JWT &&
          strcmp(e2->label, "L") == 0 && e2->created_at > 0);
    CHECK(tresor_list_next(list) == NULL);
    tresor_list_free(list);

    CHECK(tresor_list_open(store, NULL, &list, &err) == TRESOR_OK);
    int count = 0;
    while (tresor_list_next(list) != NULL) {
        ++count;
    }
    CHECK(count == 3); /* c-app/empty, listed/a, listed/b */
    tresor_list_free(list);
}

static void test_errors(tresor_store* store) {
    tresor_error err;
    CHECK(tresor_set(store, "svc", "", (const uint8_t*)"v", 1, NULL, &err) ==
          TRESOR_INVALID_ARGUMENT);
    CHECK(err.code == TRESOR_INVALID_ARGUMENT && strstr(err.message, "name") != NULL);

    tresor_store* bad = NULL;
    CHECK(tresor_open_toml("chain = [", &bad, &err) == TRESOR_CONFIG);
    CHECK(bad == NULL && strstr(err.message, "<config string>:1:") != NULL);
    CHECK(tresor_open("/nonexistent/tresor.toml", &bad, NULL) == TRESOR_CONFIG);
    CHECK(strcmp(tresor_status_name(TRESOR_LOCKED), "locked") == 0);
    CHECK(strlen(tresor_version()) > 0);
}

/* A handle narrowed to store + metadata (seed 003's applet) writes and lists
 * but never reads a value back, and cannot be widened again. */
static void test_scopes(tresor_store* store) {
    tresor_error err;
    tresor_store* applet = NULL;
    CHECK(tresor_scopes(store) == TRESOR_SCOPE_ALL);
    CHECK(tresor_narrow(store, TRESOR_SCOPE_STORE | TRESOR_SCOPE_METADATA, &applet, &err) ==
          TRESOR_OK);
    CHECK(applet != NULL && tresor_scopes(applet) == (TRESOR_SCOPE_STORE | TRESOR_SCOPE_METADATA));
    CHECK(tresor_set(applet, "scoped", "k", (const uint8_t*)"v", 1, NULL, &err) == TRESOR_OK);

    uint8_t* out = (uint8_t*)1;
    size_t out_length = 7;
    CHECK(tresor_get(applet, "scoped", "k", &out, &out_length, &err) == TRESOR_PERMISSION_DENIED);
    CHECK(out == NULL && out_length == 0 && strstr(err.message, "'read'") != NULL);
    tresor_list* list = NULL;
    CHECK(tresor_list_open(applet, "scoped", &list, &err) == TRESOR_OK);
    CHECK(tresor_list_next(list) != NULL);
    tresor_list_free(list);

    tresor_store* widened = (tresor_store*)1;
    CHECK(tresor_narrow(applet, TRESOR_SCOPE_ALL, &widened, &err) == TRESOR_PERMISSION_DENIED);
    CHECK(widened == NULL);
    CHECK(tresor_narrow(applet, 1u << 7, &widened, &err) == TRESOR_INVALID_ARGUMENT);

    tresor_store* lister = NULL;
    CHECK(tresor_narrow(applet, TRESOR_SCOPE_METADATA, &lister, &err) == TRESOR_OK);
    CHECK(tresor_set(lister, "scoped", "k", (const uint8_t*)"w", 1, NULL, &err) ==
          TRESOR_PERMISSION_DENIED);
    int removed = -1;
    CHECK(tresor_remove(lister, "scoped", "k", &removed, &err) == TRESOR_PERMISSION_DENIED);
    tresor_close(lister);
    tresor_close(applet);

    /* A header carries the value: it needs the `read` scope, as get does. */
    tresor_set_options bearer = {TRESOR_TYPE_BEARER_TOKEN, NULL, NULL, 0};
    CHECK(tresor_set(store, "scoped", "tok", (const uint8_t*)"abc", 3, &bearer, &err) == TRESOR_OK);
    tresor_store* user = NULL;
    CHECK(tresor_narrow(store, TRESOR_SCOPE_READ, &user, &err) == TRESOR_OK);
    char* header = NULL;
    size_t header_length = 0;
    CHECK(tresor_header(user, "scoped", "tok", &header, &header_length, &err) == TRESOR_OK);
    CHECK(header != NULL && strcmp(header, "Authorization: Bearer abc") == 0 &&
          header_length == strlen(header));
    tresor_free_secret((uint8_t*)header, header_length);
    CHECK(tresor_header(user, "scoped", "none", &header, &header_length, &err) == TRESOR_NOT_FOUND);
    CHECK(header == NULL);
    CHECK(tresor_header(user, "scoped", "k", &header, &header_length, &err) ==
          TRESOR_INVALID_ARGUMENT); /* a password has no header form */
    tresor_close(user);
    CHECK(tresor_narrow(store, TRESOR_SCOPE_USE | TRESOR_SCOPE_METADATA | TRESOR_SCOPE_STORE, &user,
                        &err) == TRESOR_OK);
    CHECK(tresor_header(user, "scoped", "tok", &header, &header_length, &err) ==
          TRESOR_PERMISSION_DENIED);
    CHECK(tresor_get(user, "scoped", "tok", &out, &out_length, &err) == TRESOR_PERMISSION_DENIED);
    tresor_close(user);
}

/* tresor_request: a `use` handle has tresor send the credential, only to its
 * origins (here a loopback port nothing listens on). */
static void test_request(tresor_store* store) {
    tresor_error err;
    tresor_set_options bearer = {TRESOR_TYPE_BEARER_TOKEN, NULL, NULL, 0};
    CHECK(tresor_set_credential(store, "web", "tok", (const uint8_t*)"abc", 3, &bearer,
                                "{\"origins\":\"HTTPS://127.0.0.1:1/\"}", &err) == TRESOR_OK);
    CHECK(tresor_set_credential(store, "web", "bad", (const uint8_t*)"abc", 3, &bearer, "[1]",
                                &err) == TRESOR_INVALID_ARGUMENT);
    CHECK(tresor_set_credential(store, "web", "bad", (const uint8_t*)"abc", 3, &bearer,
                                "{\"username\":\"x\"}", &err) == TRESOR_INVALID_ARGUMENT);
    tresor_list* list = NULL;
    CHECK(tresor_list_open(store, "web", &list, &err) == TRESOR_OK);
    const tresor_entry* e = tresor_list_next(list);
    CHECK(e != NULL && strcmp(e->attributes, "{\"origins\":\"https://127.0.0.1:1\"}") == 0);
    tresor_list_free(list);

    tresor_store* user = NULL;
    CHECK(tresor_narrow(store, TRESOR_SCOPE_USE, &user, &err) == TRESOR_OK);
    tresor_http_header extra = {"X-Trace", "1"};
    tresor_http_request request = {
        sizeof(tresor_http_request), NULL, "https://evil.example/", &extra, 1, NULL, 0, 2000, 0};
    tresor_response* response = (tresor_response*)1;
    CHECK(tresor_request(user, "web", "tok", &request, &response, &err) ==
          TRESOR_PERMISSION_DENIED);
    CHECK(response == NULL && strstr(err.message, "not an origin") != NULL);
    request.url = "https://127.0.0.1:1/path";
    CHECK(tresor_request(user, "web", "tok", &request, &response, &err) == TRESOR_IO);
    CHECK(strstr(err.message, "https://127.0.0.1:1") != NULL && strstr(err.message, "abc") == NULL);
    CHECK(tresor_request(user, "web", "none", &request, &response, &err) == TRESOR_NOT_FOUND);
    extra.name = "Authorization";
    CHECK(tresor_request(user, "web", "tok", &request, &response, &err) == TRESOR_INVALID_ARGUMENT);
    request.struct_size = 4;
    CHECK(tresor_request(user, "web", "tok", &request, &response, &err) == TRESOR_INVALID_ARGUMENT);
    tresor_close(user);
    tresor_store* reader = NULL;
    CHECK(tresor_narrow(store, TRESOR_SCOPE_READ | TRESOR_SCOPE_METADATA, &reader, &err) ==
          TRESOR_OK);
    request.struct_size = sizeof(tresor_http_request);
    CHECK(tresor_request(reader, "web", "tok", &request, &response, &err) ==
          TRESOR_PERMISSION_DENIED);
    tresor_close(reader);
    tresor_response_free(NULL);
}

static void test_scoped_store_unaffected(tresor_store* store) {
    tresor_error err;
    uint8_t* out = NULL;
    size_t out_length = 0;
    /* The original handle is unaffected by the narrowed ones. */
    CHECK(tresor_get(store, "scoped", "k", &out, &out_length, &err) == TRESOR_OK);
    CHECK(out_length == 1 && out[0] == 'v');
    tresor_free_secret(out, out_length);
}

int main(void) {
    tresor_error err;
    tresor_store* store = NULL;
    if (tresor_open_toml(kConfig, &store, &err) != TRESOR_OK) {
        fprintf(stderr, "cannot open store: %s\n", err.message);
        printf("0 passed, 1 failed\n");
        return 1;
    }
    test_round_trip(store);
    test_missing_and_remove(store);
    test_list(store);
    test_errors(store);
    test_scopes(store);
    test_scoped_store_unaffected(store);
    test_request(store);
    tresor_close(store);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
