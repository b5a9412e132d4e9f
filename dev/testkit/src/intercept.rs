//! SDK interceptors a test installs in a client: counting requests, switching an outage on.

use super::*;

/// Counts DynamoDB requests by operation, from the `x-amz-target` header of each request sent.
#[derive(Debug, Default, Clone)]
pub struct RequestCounter(Arc<Mutex<BTreeMap<String, u64>>>);

impl RequestCounter {
    /// Requests so far, by operation ("TransactWriteItems", "BatchGetItem", ...).
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.0.lock().expect("counter").clone()
    }

    pub fn count(&self, operation: &str) -> u64 {
        self.counts().get(operation).copied().unwrap_or(0)
    }

    pub fn reset(&self) {
        self.0.lock().expect("counter").clear();
    }
}

impl Intercept for RequestCounter {
    fn name(&self) -> &'static str {
        "RequestCounter"
    }
    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let target = context
            .request()
            .headers()
            .get("x-amz-target")
            .unwrap_or("unknown")
            .rsplit('.')
            .next()
            .unwrap_or("unknown")
            .to_owned();
        *self.0.lock().expect("counter").entry(target).or_default() += 1;
        Ok(())
    }
}

/// A DynamoDB outage a test switches on and off: while on, the requests of the client it is
/// installed in fail before they are sent, as when the table cannot be reached; all of them,
/// or only those whose body holds a given text (one kind of write).
#[derive(Debug, Default, Clone)]
pub struct Outage {
    on: Arc<std::sync::atomic::AtomicBool>,
    only_with: Option<&'static str>,
}

impl Outage {
    pub fn set(&self, on: bool) {
        self.on.store(on, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Intercept for Outage {
    fn name(&self) -> &'static str {
        "Outage"
    }
    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), aws_sdk_dynamodb::error::BoxError> {
        let affected = self.only_with.is_none_or(|needle| {
            context
                .request()
                .body()
                .bytes()
                .is_some_and(|body| body.windows(needle.len()).any(|w| w == needle.as_bytes()))
        });
        if self.on.load(std::sync::atomic::Ordering::SeqCst) && affected {
            Err("the table cannot be reached (a test's outage)".into())
        } else {
            Ok(())
        }
    }
}

impl TestEnv {
    /// A store on this test's table that a test can cut off: every request, or (`only_with`)
    /// those whose body holds that text.
    pub fn store_with_outage(&self, only_with: Option<&'static str>) -> (DynamoStore, Outage) {
        let outage = Outage {
            only_with,
            ..Outage::default()
        };
        let client = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&self.sdk)
                .interceptor(outage.clone())
                .build(),
        );
        (DynamoStore::new(client, &self.table), outage)
    }

    /// A store on this test's table whose requests are counted.
    pub fn counted_store(&self) -> (DynamoStore, RequestCounter) {
        let counter = RequestCounter::default();
        let client = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(&self.sdk)
                .interceptor(counter.clone())
                .build(),
        );
        (DynamoStore::new(client, &self.table), counter)
    }
}
