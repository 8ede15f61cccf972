//! A minimal IndexedDB store for the outbox: one object store of records keyed by their
//! idempotency key, with an index on the attempt. Each call is its own short transaction
//! (nothing is awaited inside a transaction, so none closes under our feet).

use super::js;
use js_sys::Promise;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbObjectStore, IdbObjectStoreParameters, IdbRequest, IdbTransactionMode};

const DB_NAME: &str = "talap-proctor";
const DB_VERSION: u32 = 1;
const STORE: &str = "outbox";
const BY_ATTEMPT: &str = "attempt";

pub struct Idb {
    db: IdbDatabase,
}

/// Waits for a request's success and hands its result.
async fn done(req: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve, reject| {
        req.set_onsuccess(Some(&resolve));
        req.set_onerror(Some(&reject));
    });
    js::wait(promise).await?;
    req.result()
}

impl Idb {
    /// Opens (and on first use creates) the database; Err where the browser has no IndexedDB
    /// (some private modes), and the outbox then keeps items in memory only.
    pub async fn open() -> Result<Idb, JsValue> {
        let factory = js::window().ok_or(JsValue::NULL)?.indexed_db()?.ok_or(JsValue::NULL)?;
        let req = factory.open_with_u32(DB_NAME, DB_VERSION)?;
        let upgrade_req = req.clone();
        let on_upgrade = Closure::once_into_js(move |_: web_sys::Event| {
            let Ok(db) = upgrade_req.result().and_then(|r| r.dyn_into::<IdbDatabase>().map_err(JsValue::from)) else {
                return;
            };
            if db.object_store_names().contains(STORE) {
                return;
            }
            let params = IdbObjectStoreParameters::new();
            params.set_key_path(&JsValue::from_str("key"));
            if let Ok(store) = db.create_object_store_with_optional_parameters(STORE, &params) {
                let _ = store.create_index_with_str(BY_ATTEMPT, "attempt");
            }
        });
        req.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
        let db = done(&req).await?.dyn_into::<IdbDatabase>()?;
        Ok(Idb { db })
    }

    fn store(&self, mode: IdbTransactionMode) -> Result<IdbObjectStore, JsValue> {
        self.db.transaction_with_str_and_mode(STORE, mode)?.object_store(STORE)
    }

    pub async fn put(&self, record: &JsValue) -> Result<(), JsValue> {
        done(&self.store(IdbTransactionMode::Readwrite)?.put(record)?).await.map(|_| ())
    }

    pub async fn delete(&self, key: &str) -> Result<(), JsValue> {
        done(&self.store(IdbTransactionMode::Readwrite)?.delete(&JsValue::from_str(key))?).await.map(|_| ())
    }

    /// Up to `limit` records of an attempt.
    pub async fn of_attempt(&self, attempt: i64, limit: u32) -> Result<Vec<JsValue>, JsValue> {
        let index = self.store(IdbTransactionMode::Readonly)?.index(BY_ATTEMPT)?;
        let all = done(&index.get_all_with_key_and_limit(&JsValue::from_f64(attempt as f64), limit)?).await?;
        Ok(all.dyn_into::<js_sys::Array>()?.iter().collect())
    }

    pub async fn count(&self, attempt: i64) -> Result<u32, JsValue> {
        let index = self.store(IdbTransactionMode::Readonly)?.index(BY_ATTEMPT)?;
        let n = done(&index.count_with_key(&JsValue::from_f64(attempt as f64))?).await?;
        Ok(n.as_f64().unwrap_or(0.0) as u32)
    }
}
