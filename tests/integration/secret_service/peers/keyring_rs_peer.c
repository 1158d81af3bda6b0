/* keyring_rs_peer — what keyring-rs 3.6 (src/secret_service.rs, the Rust CLIs'
 * `keyring::Entry::new(service, user)`) does on the Secret Service, as the
 * libsecret calls that send the same D-Bus requests (keyring-rs speaks D-Bus
 * itself through dbus-secret-service), behind the peers' command line:
 *   keyring_rs_peer get SERVICE USER      get_password: the value on stdout; exit 1: no entry
 *   keyring_rs_peer set SERVICE USER      set_password: the value from stdin
 *   keyring_rs_peer delete SERVICE USER   delete_credential; exit 1: no entry
 * keyring-rs lists nothing. Exit 2 with the message on an error, 3 when more
 * than one item matches (keyring-rs's Ambiguous error).
 *
 * Its entry is the one item matching {target: "default", service, username},
 * searched in every collection; when none does, the one item of the default
 * collection matching {service, username} (items of keyring v1 and of other
 * programs, which write no target). A set changes that item's secret in
 * place, or creates an item in the default collection with the attributes
 * service, username, target and application, replacing one with the same. */
#include <libsecret/secret.h>
#include <stdio.h>
#include <string.h>

static int failed(GError* error) {
    fprintf(stderr, "keyring_rs_peer: %s\n", error->message);
    g_error_free(error);
    return 2;
}

static GHashTable* attributes_of(const char* service, const char* user, gboolean with_target) {
    GHashTable* attributes = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(attributes, (gpointer) "service", (gpointer)service);
    g_hash_table_insert(attributes, (gpointer) "username", (gpointer)user);
    if (with_target) {
        g_hash_table_insert(attributes, (gpointer) "target", (gpointer) "default");
    }
    return attributes;
}

/* The matching items (map_matching_items), unlocked as keyring-rs unlocks
 * them; NULL and *error set on failure. */
static GList* matching_items(SecretService* service, const char* name, const char* user,
                             SecretCollection** default_collection, GError** error) {
    GHashTable* attributes = attributes_of(name, user, TRUE);
    GList* items = secret_service_search_sync(
        service, NULL, attributes, (SecretSearchFlags)(SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK),
        NULL, error);
    g_hash_table_unref(attributes);
    if (items != NULL || *error != NULL) {
        return items;
    }
    *default_collection = secret_collection_for_alias_sync(service, SECRET_COLLECTION_DEFAULT,
                                                           SECRET_COLLECTION_NONE, NULL, error);
    if (*default_collection == NULL) {
        return NULL;
    }
    attributes = attributes_of(name, user, FALSE);
    items = secret_collection_search_sync(
        *default_collection, NULL, attributes,
        (SecretSearchFlags)(SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK), NULL, error);
    g_hash_table_unref(attributes);
    return items;
}

static int create(SecretService* service, SecretCollection* collection, const char* name,
                  const char* user, const char* password) {
    GError* error = NULL;
    if (collection == NULL) {
        collection = secret_collection_for_alias_sync(service, SECRET_COLLECTION_DEFAULT,
                                                      SECRET_COLLECTION_NONE, NULL, &error);
        if (collection == NULL) {
            return failed(error);
        }
    } else {
        g_object_ref(collection);
    }
    GHashTable* attributes = attributes_of(name, user, TRUE);
    g_hash_table_insert(attributes, (gpointer) "application", (gpointer) "rust-keyring");
    gchar* label = g_strdup_printf("%s@%s:default (keyring v3.6.2)", user, name);
    SecretValue* value = secret_value_new(password, -1, "text/plain");
    SecretItem* item = secret_item_create_sync(collection, NULL, attributes, label, value,
                                               SECRET_ITEM_CREATE_REPLACE, NULL, &error);
    secret_value_unref(value);
    g_free(label);
    g_hash_table_unref(attributes);
    g_object_unref(collection);
    if (item == NULL) {
        return failed(error);
    }
    g_object_unref(item);
    return 0;
}

int main(int argc, char** argv) {
    if (argc != 4 || (strcmp(argv[1], "get") != 0 && strcmp(argv[1], "set") != 0 &&
                      strcmp(argv[1], "delete") != 0)) {
        fprintf(stderr, "usage: keyring_rs_peer get|set|delete SERVICE USER\n");
        return 2;
    }
    const char* op = argv[1];
    GError* error = NULL;
    SecretService* service = secret_service_get_sync(SECRET_SERVICE_OPEN_SESSION, NULL, &error);
    if (service == NULL) {
        return failed(error);
    }
    SecretCollection* default_collection = NULL;
    GList* items = matching_items(service, argv[2], argv[3], &default_collection, &error);
    int status = 0;
    const guint count = g_list_length(items);
    if (error != NULL) {
        status = failed(error);
    } else if (count > 1) {
        fprintf(stderr, "keyring_rs_peer: ambiguous: %u matching items\n", count);
        status = 3;
    } else if (strcmp(op, "set") == 0) {
        char password[4096];
        const size_t length = fread(password, 1, sizeof(password) - 1, stdin);
        password[length] = '\0';
        if (count == 1) {
            SecretValue* value = secret_value_new(password, -1, "text/plain");
            if (!secret_item_set_secret_sync(SECRET_ITEM(items->data), value, NULL, &error)) {
                status = failed(error);
            }
            secret_value_unref(value);
        } else {
            status = create(service, default_collection, argv[2], argv[3], password);
        }
    } else if (count == 0) {
        status = 1;
    } else if (strcmp(op, "delete") == 0) {
        if (!secret_item_delete_sync(SECRET_ITEM(items->data), NULL, &error)) {
            status = failed(error);
        }
    } else {
        SecretItem* item = SECRET_ITEM(items->data);
        if (!secret_item_load_secret_sync(item, NULL, &error)) {
            status = failed(error);
        } else {
            SecretValue* secret = secret_item_get_secret(item);
            gsize length = 0;
            const gchar* bytes = secret != NULL ? secret_value_get(secret, &length) : NULL;
            /* decode_password: the bytes must be UTF-8. */
            if (bytes == NULL || !g_utf8_validate(bytes, (gssize)length, NULL)) {
                fprintf(stderr, "keyring_rs_peer: the secret is not UTF-8\n");
                status = 2;
            } else {
                fwrite(bytes, 1, length, stdout);
            }
            if (secret != NULL) {
                secret_value_unref(secret);
            }
        }
    }
    g_list_free_full(items, g_object_unref);
    if (default_collection != NULL) {
        g_object_unref(default_collection);
    }
    g_object_unref(service);
    return status;
}
