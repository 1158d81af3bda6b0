// The thread-pool plumbing shared by every call: queue, run, settle.
#include "node/src/async_operation.hpp"

#include <array>
#include <cstdio>

namespace tresor::node {
namespace {

// Error codes a caller can test (error.code), one per tresor_status.
constexpr std::array<const char*, 12> kErrorCodes = {"ERR_TRESOR_OK",
                                                     "ERR_TRESOR_NOT_FOUND",
                                                     "ERR_TRESOR_UNAVAILABLE",
                                                     "ERR_TRESOR_LOCKED",
                                                     "ERR_TRESOR_AUTH_FAILED",
                                                     "ERR_TRESOR_CORRUPT",
                                                     "ERR_TRESOR_INVALID_ARGUMENT",
                                                     "ERR_TRESOR_IO",
                                                     "ERR_TRESOR_PERMISSION_DENIED",
                                                     "ERR_TRESOR_CONFIG",
                                                     "ERR_TRESOR_PLUGIN_ABI",
                                                     "ERR_TRESOR_INTERNAL"};

napi_value string_value(napi_env env, const std::string& text) {
    napi_value value = nullptr;
    napi_create_string_utf8(env, text.data(), text.size(), &value);
    return value;
}

}  // namespace

bool AsyncOperation::hold_store(napi_env env, napi_value handle) {
    void* data = nullptr;
    if (napi_get_value_external(env, handle, &data) != napi_ok || data == nullptr) {
        napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "not a tresor store handle");
        return false;
    }
    store = static_cast<tresor_store*>(data);
    std::string unused;
    api = load_tresor_api(&unused);  // loaded: the store came from it
    return napi_create_reference(env, handle, 1, &store_ref) == napi_ok;
}

napi_value AsyncOperation::start(napi_env env, std::unique_ptr<AsyncOperation> operation,
                                 const char* name) {
    napi_value promise = nullptr;
    napi_value resource_name = nullptr;
    AsyncOperation* op = operation.get();
    if (napi_create_promise(env, &op->deferred, &promise) != napi_ok ||
        napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &resource_name) != napi_ok ||
        napi_create_async_work(env, nullptr, resource_name, execute, complete, op, &op->work) !=
            napi_ok) {
        return nullptr;
    }
    if (napi_queue_async_work(env, op->work) != napi_ok) {
        napi_delete_async_work(env, op->work);
        return nullptr;
    }
    operation.release();  // complete() owns it now
    return promise;
}

void AsyncOperation::execute(napi_env, void* data) {
    static_cast<AsyncOperation*>(data)->run();
}

void AsyncOperation::complete(napi_env env, napi_status work_status, void* data) {
    std::unique_ptr<AsyncOperation> op(static_cast<AsyncOperation*>(data));
    if (work_status != napi_ok) {
        op->status = TRESOR_INTERNAL;
        std::snprintf(op->error.message, sizeof(op->error.message), "the call was cancelled");
    }
    const bool failed = !op->library_error.empty() || op->status != TRESOR_OK;
    napi_value value = failed ? op->make_error(env) : op->result(env);
    if (value == nullptr) {  // result() could not build its value
        napi_get_and_clear_last_exception(env, &value);
        napi_reject_deferred(env, op->deferred, value);
    } else if (failed) {
        napi_reject_deferred(env, op->deferred, value);
    } else {
        napi_resolve_deferred(env, op->deferred, value);
    }
    if (op->store_ref != nullptr) {
        napi_delete_reference(env, op->store_ref);
    }
    napi_delete_async_work(env, op->work);
}

napi_value AsyncOperation::make_error(napi_env env) const {
    const bool no_library = !library_error.empty();
    const auto index = static_cast<std::size_t>(status);
    const char* code = no_library                   ? "ERR_TRESOR_LIBRARY_NOT_FOUND"
                       : index < kErrorCodes.size() ? kErrorCodes[index]
                                                    : "ERR_TRESOR_INTERNAL";
    napi_value error_value = nullptr;
    napi_value status_value = nullptr;
    napi_create_error(env, string_value(env, code),
                      string_value(env, no_library ? library_error : error.message), &error_value);
    napi_create_int32(env, static_cast<int32_t>(status), &status_value);
    napi_set_named_property(env, error_value, "status", status_value);
    return error_value;
}

}  // namespace tresor::node
