/* keytar_peer — the libsecret calls keytar (node-keytar's src/keytar_posix.cc,
 * used by VS Code and Electron apps) makes, with its schema, flags and
 * attributes, behind the peers' command line:
 *   keytar_peer get SERVICE ACCOUNT      getPassword: the value on stdout; exit 1: none
 *   keytar_peer set SERVICE ACCOUNT      setPassword: the value from stdin
 *   keytar_peer delete SERVICE ACCOUNT   deletePassword; exit 1: nothing deleted
 *   keytar_peer list SERVICE             findCredentials: one account per line
 * Exit 2 with libsecret's message on an error. */
#include <libsecret/secret.h>
#include <stdio.h>
#include <string.h>

/* keytar's schema: its name is matched (SECRET_SCHEMA_NONE), so keytar sees
 * only items carrying xdg:schema org.freedesktop.Secret.Generic. */
static const SecretSchema schema = {.name = "org.freedesktop.Secret.Generic",
                                    .flags = SECRET_SCHEMA_NONE,
                                    .attributes = {{"service", SECRET_SCHEMA_ATTRIBUTE_STRING},
                                                   {"account", SECRET_SCHEMA_ATTRIBUTE_STRING}}};

static int failed(GError* error) {
    fprintf(stderr, "keytar_peer: %s\n", error->message);
    g_error_free(error);
    return 2;
}

static int get(const char* service, const char* account) {
    GError* error = NULL;
    gchar* password = secret_password_lookup_sync(&schema, NULL, &error, "service", service,
                                                  "account", account, NULL);
    if (error != NULL) {
        return failed(error);
    }
    if (password == NULL) {
        return 1;
    }
    fputs(password, stdout);
    secret_password_free(password);
    return 0;
}

static int set(const char* service, const char* account) {
    char password[4096];
    const size_t length = fread(password, 1, sizeof(password) - 1, stdin);
    password[length] = '\0';
    gchar* label = g_strdup_printf("%s/%s", service, account);
    GError* error = NULL;
    secret_password_store_sync(&schema, SECRET_COLLECTION_DEFAULT, label, password, NULL, &error,
                               "service", service, "account", account, NULL);
    g_free(label);
    return error != NULL ? failed(error) : 0;
}

static int delete_password(const char* service, const char* account) {
    GError* error = NULL;
    const gboolean removed = secret_password_clear_sync(&schema, NULL, &error, "service", service,
                                                        "account", account, NULL);
    if (error != NULL) {
        return failed(error);
    }
    return removed ? 0 : 1;
}

static int list(const char* service) {
    GHashTable* attributes = g_hash_table_new(NULL, NULL);
    g_hash_table_replace(attributes, (gpointer) "service", (gpointer)service);
    GError* error = NULL;
    GList* items = secret_service_search_sync(
        NULL, &schema, attributes,
        (SecretSearchFlags)(SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS),
        NULL, &error);
    g_hash_table_destroy(attributes);
    if (error != NULL) {
        return failed(error);
    }
    int status = 0;
    for (GList* l = items; l != NULL; l = l->next) {
        SecretItem* item = SECRET_ITEM(l->data);
        GHashTable* item_attributes = secret_item_get_attributes(item);
        const char* account = g_hash_table_lookup(item_attributes, "account");
        SecretValue* secret = secret_item_get_secret(item);
        /* keytar strdup()s both without a check: a NULL here crashes it. */
        const char* text = secret != NULL ? secret_value_get_text(secret) : NULL;
        if (account == NULL || text == NULL) {
            fprintf(stderr, "keytar_peer: an item keytar would crash on (no account or no text)\n");
            status = 2;
        } else {
            printf("%s\n", account);
        }
        if (secret != NULL) {
            secret_value_unref(secret);
        }
        g_hash_table_unref(item_attributes);
    }
    g_list_free_full(items, g_object_unref);
    return status;
}

int main(int argc, char** argv) {
    if (argc == 4 && strcmp(argv[1], "get") == 0) {
        return get(argv[2], argv[3]);
    }
    if (argc == 4 && strcmp(argv[1], "set") == 0) {
        return set(argv[2], argv[3]);
    }
    if (argc == 4 && strcmp(argv[1], "delete") == 0) {
        return delete_password(argv[2], argv[3]);
    }
    if (argc == 3 && strcmp(argv[1], "list") == 0) {
        return list(argv[2]);
    }
    fprintf(stderr, "usage: keytar_peer get|set|delete SERVICE ACCOUNT | list SERVICE\n");
    return 2;
}
