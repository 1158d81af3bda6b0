// node/src/async_operation.hpp — one call of the addon, run on libuv's thread
// pool and settled as a Promise on the main thread.
//
// A subclass holds what it copied out of JavaScript (never a JS handle but
// the store's reference), does its C call in run() on a pool thread, where no
// N-API call is allowed, and turns its outcome into a JavaScript value in
// result() on the main thread. The operation is destroyed on the main thread
// after the promise is settled; a subclass wipes its copies of secret bytes
// in its destructor.
#pragma once

#include <node_api.h>

#include <memory>
#include <string>

#include "node/src/tresor_api.hpp"

namespace tresor::node {

class AsyncOperation {
  public:
    AsyncOperation() = default;
    AsyncOperation(const AsyncOperation&) = delete;
    AsyncOperation& operator=(const AsyncOperation&) = delete;
    virtual ~AsyncOperation() = default;

    // Pool thread: the C call. Sets status (and error) on failure.
    virtual void run() = 0;
    // Main thread, only when status is TRESOR_OK: the promise's value.
    virtual napi_value result(napi_env env) = 0;

    // Keeps the store's JS handle alive while the call is in flight; false
    // with a pending TypeError when `handle` is not a store.
    bool hold_store(napi_env env, napi_value handle);

    // Queues the operation and returns its promise (nullptr with a pending
    // exception when N-API refuses).
    static napi_value start(napi_env env, std::unique_ptr<AsyncOperation> operation,
                            const char* name);

  protected:
    const TresorApi* api = nullptr;
    tresor_store* store = nullptr;
    tresor_status status = TRESOR_OK;
    tresor_error error{};
    // Set instead of a status when libtresor itself could not be loaded.
    std::string library_error;

  private:
    static void execute(napi_env env, void* data);
    static void complete(napi_env env, napi_status work_status, void* data);
    napi_value make_error(napi_env env) const;

    napi_ref store_ref = nullptr;
    napi_deferred deferred = nullptr;
    napi_async_work work = nullptr;
};

}  // namespace tresor::node
