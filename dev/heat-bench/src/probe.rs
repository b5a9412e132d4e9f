//! The SDK interceptor installed in the clients the product's code is given: it logs every
//! DynamoDB write request's items (key, kind, transactional or not), counts requests by
//! operation, and measures the critical path's depth in sequential requests.
//!
//! Depth: a request's level is one more than the highest level of the requests that had
//! finished when it started (it may have waited for them); a branch's depth is the highest
//! level reached. Sequential code gets its request count, requests sent side by side share a
//! level. Every client of one run shares one probe, so S3 and DynamoDB requests chain together.

use crate::heat::{number_bytes, Attr, Image};
use aws_sdk_dynamodb::config::interceptors::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::batch_write_item::BatchWriteItemInput;
use aws_sdk_dynamodb::operation::delete_item::DeleteItemInput;
use aws_sdk_dynamodb::operation::put_item::PutItemInput;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsInput;
use aws_sdk_dynamodb::operation::update_item::UpdateItemInput;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_types::config_bag::{Storable, StoreReplace};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteKind {
    Put,
    Update,
    Delete,
    /// A TransactWriteItems ConditionCheck: counted as a transactional write of its item.
    ConditionCheck,
}

/// One item a write request names.
#[derive(Debug, Clone)]
pub struct Write {
    pub pk: String,
    pub sk: String,
    pub kind: WriteKind,
    pub transactional: bool,
    /// A put's item size (the request carries the whole item).
    pub put_bytes: Option<usize>,
}

/// What the probe saw since it was last drained.
#[derive(Debug, Default)]
pub struct Log {
    pub writes: Vec<Write>,
    /// "DynamoDB TransactWriteItems", "S3 GET", "SES POST", ... -> requests sent.
    pub requests: BTreeMap<String, u64>,
}

#[derive(Debug, Default)]
struct Shared {
    log: Mutex<Log>,
    finished_level: AtomicU64,
}

/// One probe per run, installed in each client under its service's name.
#[derive(Debug, Clone, Default)]
pub struct Probe {
    service: &'static str,
    shared: Arc<Shared>,
}

#[derive(Debug, Clone, Copy)]
struct Level(u64);
impl Storable for Level {
    type Storer = StoreReplace<Self>;
}

impl Probe {
    /// The same probe, for a client of `service` ("DynamoDB", "S3", "SES").
    pub fn for_service(&self, service: &'static str) -> Self {
        Self {
            service,
            shared: self.shared.clone(),
        }
    }

    /// Everything logged since the last call.
    pub fn drain(&self) -> Log {
        std::mem::take(&mut *self.shared.log.lock().expect("probe log"))
    }

    /// Starts measuring a branch of the critical path (one invocation).
    pub fn begin_branch(&self) {
        self.shared.finished_level.store(0, Ordering::SeqCst);
    }

    /// The depth of the branch begun last, in sequential requests.
    pub fn branch_depth(&self) -> u64 {
        self.shared.finished_level.load(Ordering::SeqCst)
    }

    fn log_writes(&self, writes: impl IntoIterator<Item = Write>) {
        self.shared
            .log
            .lock()
            .expect("probe log")
            .writes
            .extend(writes);
    }
}

impl Intercept for Probe {
    fn name(&self) -> &'static str {
        "heat-bench probe"
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let level = self.shared.finished_level.load(Ordering::SeqCst) + 1;
        cfg.interceptor_state().store_put(Level(level));
        let input = context.input();
        let none = HashMap::new();
        if let Some(put) = input.downcast_ref::<PutItemInput>() {
            let item = put.item().unwrap_or(&none);
            self.log_writes([write(item, WriteKind::Put, false, true)]);
        } else if let Some(update) = input.downcast_ref::<UpdateItemInput>() {
            let key = update.key().unwrap_or(&none);
            self.log_writes([write(key, WriteKind::Update, false, false)]);
        } else if let Some(delete) = input.downcast_ref::<DeleteItemInput>() {
            let key = delete.key().unwrap_or(&none);
            self.log_writes([write(key, WriteKind::Delete, false, false)]);
        } else if let Some(batch) = input.downcast_ref::<BatchWriteItemInput>() {
            self.log_writes(batch_writes(batch));
        } else if let Some(transaction) = input.downcast_ref::<TransactWriteItemsInput>() {
            self.log_writes(transaction_writes(transaction));
        }
        Ok(())
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        let operation = match request.headers().get("x-amz-target") {
            Some(target) => target.rsplit('.').next().unwrap_or(target).to_owned(),
            None => request.method().to_owned(),
        };
        let name = format!("{} {operation}", self.service);
        let mut log = self.shared.log.lock().expect("probe log");
        *log.requests.entry(name).or_default() += 1;
        Ok(())
    }

    fn read_after_execution(
        &self,
        _: &FinalizerInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(Level(level)) = cfg.load::<Level>() {
            self.shared
                .finished_level
                .fetch_max(*level, Ordering::SeqCst);
        }
        Ok(())
    }
}

fn text(item: &HashMap<String, AttributeValue>, name: &str) -> String {
    match item.get(name) {
        Some(AttributeValue::S(s)) => s.clone(),
        _ => String::new(),
    }
}

fn write(
    item: &HashMap<String, AttributeValue>,
    kind: WriteKind,
    transactional: bool,
    whole: bool,
) -> Write {
    Write {
        pk: text(item, "pk"),
        sk: text(item, "sk"),
        kind,
        transactional,
        put_bytes: whole.then(|| crate::heat::item_size(&image(item))),
    }
}

fn batch_writes(batch: &BatchWriteItemInput) -> Vec<Write> {
    let requests = batch.request_items().into_iter().flat_map(|m| m.values());
    let mut writes = Vec::new();
    for request in requests.flatten() {
        if let Some(put) = request.put_request() {
            writes.push(write(put.item(), WriteKind::Put, false, true));
        }
        if let Some(delete) = request.delete_request() {
            writes.push(write(delete.key(), WriteKind::Delete, false, false));
        }
    }
    writes
}

fn transaction_writes(transaction: &TransactWriteItemsInput) -> Vec<Write> {
    let mut writes = Vec::new();
    for item in transaction.transact_items() {
        if let Some(put) = item.put() {
            writes.push(write(put.item(), WriteKind::Put, true, true));
        } else if let Some(update) = item.update() {
            writes.push(write(update.key(), WriteKind::Update, true, false));
        } else if let Some(delete) = item.delete() {
            writes.push(write(delete.key(), WriteKind::Delete, true, false));
        } else if let Some(check) = item.condition_check() {
            writes.push(write(check.key(), WriteKind::ConditionCheck, true, false));
        }
    }
    writes
}

/// A request's item as counting sees it.
pub fn image(item: &HashMap<String, AttributeValue>) -> Image {
    item.iter()
        .map(|(name, value)| (name.clone(), attr(value)))
        .collect()
}

fn attr(value: &AttributeValue) -> Attr {
    let (text, bytes) = match value {
        AttributeValue::S(s) => (Some(s.clone()), s.len()),
        AttributeValue::N(n) => (Some(n.clone()), number_bytes(n)),
        AttributeValue::B(b) => (None, b.as_ref().len()),
        AttributeValue::Ss(v) => (None, v.iter().map(String::len).sum()),
        AttributeValue::Ns(v) => (None, v.iter().map(|n| number_bytes(n)).sum()),
        AttributeValue::L(v) => (None, 3 + v.iter().map(|e| attr(e).bytes + 1).sum::<usize>()),
        AttributeValue::M(m) => (None, 3 + crate::heat::item_size(&image(m)) + m.len()),
        _ => (None, 1),
    };
    Attr { text, bytes }
}
