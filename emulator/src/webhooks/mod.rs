//! Webhook delivery as Stripe does it: every event POSTed, signed, to each endpoint that asked for
//! its type, in the background, retried with backoff until an endpoint answers 2xx.
//!
//! First attempts reach an endpoint in the order the events happened. A failed attempt is retried
//! from its own task on the retry schedule, so one failing event never holds back the next ones;
//! like Stripe, the emulator therefore promises no order once retries are involved. Test modes can
//! duplicate, delay, shuffle or hold deliveries.

mod signature;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::task::AbortHandle;

pub use signature::sign;

/// One event on its way to one endpoint. The payload is fixed when the event happens, so
/// retries and duplicates carry the same bytes.
#[derive(Clone)]
pub struct Delivery {
    pub event_id: String,
    pub event_type: String,
    pub endpoint_id: String,
    pub url: String,
    pub secret: String,
    pub payload: String,
}

/// How deliveries misbehave, for testing a webhook handler's resilience.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mode {
    /// Send every event twice (same event id, same payload).
    pub duplicate: bool,
    /// Wait this long before each first attempt.
    pub delay_ms: u64,
    /// Let events arrive out of order: each is sent from its own task after a random pause,
    /// and held events are released in shuffled order.
    pub reorder: bool,
    /// Keep events until `flush`.
    pub hold: bool,
}

/// One attempt to deliver one event, as listed by the controls.
#[derive(Debug, Clone, Serialize)]
pub struct Attempt {
    pub event_id: String,
    pub event_type: String,
    pub endpoint_id: String,
    pub url: String,
    pub attempt: u32,
    /// The endpoint's HTTP status, absent when it could not be reached.
    pub status: Option<u16>,
    pub error: Option<String>,
    pub succeeded: bool,
    /// Wall-clock time of the attempt in milliseconds since the Unix epoch.
    pub at_ms: u128,
}

#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    retry_schedule: Vec<Duration>,
    mode: Mutex<Mode>,
    held: Mutex<Vec<Delivery>>,
    attempts: Mutex<Vec<Attempt>>,
    queues: Mutex<HashMap<String, mpsc::UnboundedSender<Delivery>>>,
    tasks: Mutex<Vec<AbortHandle>>,
    /// Deleted endpoints: their queued events and pending retries are dropped.
    retired: Mutex<HashSet<String>>,
}

/// A poisoned lock only means another delivery task panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Dispatcher {
    pub fn new(retry_schedule: Vec<Duration>, timeout: Duration) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| anyhow::anyhow!("Failed to build the webhook HTTP client: {err}"))?;
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                retry_schedule,
                mode: Mutex::default(),
                held: Mutex::default(),
                attempts: Mutex::default(),
                queues: Mutex::default(),
                tasks: Mutex::default(),
                retired: Mutex::default(),
            }),
        })
    }

    pub fn mode(&self) -> Mode {
        *lock(&self.inner.mode)
    }

    pub fn set_mode(&self, mode: Mode) {
        *lock(&self.inner.mode) = mode;
    }

    pub fn attempts(&self) -> Vec<Attempt> {
        lock(&self.inner.attempts).clone()
    }

    pub fn held_count(&self) -> usize {
        lock(&self.inner.held).len()
    }

    /// Forgets held events, the delivery log and the mode; deliveries in flight still finish.
    pub fn reset(&self) {
        lock(&self.inner.held).clear();
        lock(&self.inner.attempts).clear();
        self.set_mode(Mode::default());
    }

    /// Stops delivering to a deleted endpoint: events still queued for it and retries already
    /// scheduled are dropped instead of sent.
    pub fn retire(&self, endpoint_id: &str) {
        lock(&self.inner.retired).insert(endpoint_id.to_owned());
        lock(&self.inner.queues).remove(endpoint_id);
        lock(&self.inner.held).retain(|delivery| delivery.endpoint_id != endpoint_id);
    }

    fn is_retired(&self, endpoint_id: &str) -> bool {
        lock(&self.inner.retired).contains(endpoint_id)
    }

    /// Stops every delivery task.
    pub fn shutdown(&self) {
        lock(&self.inner.queues).clear();
        for task in lock(&self.inner.tasks).drain(..) {
            task.abort();
        }
    }

    pub fn enqueue(&self, deliveries: Vec<Delivery>) {
        let mode = self.mode();
        for delivery in deliveries {
            let copies = if mode.duplicate { 2 } else { 1 };
            for _ in 0..copies {
                if mode.hold {
                    lock(&self.inner.held).push(delivery.clone());
                } else if mode.reorder {
                    self.send_unordered(delivery.clone(), mode.delay_ms);
                } else {
                    self.send_in_order(delivery.clone());
                }
            }
        }
    }

    /// Releases held events, shuffled when the mode asks for reordering. Returns how many.
    pub fn flush(&self) -> usize {
        let mut held = std::mem::take(&mut *lock(&self.inner.held));
        if self.mode().reorder {
            held.shuffle(&mut rand::rng());
        }
        let count = held.len();
        for delivery in held {
            self.send_in_order(delivery);
        }
        count
    }

    fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        let handle = tokio::spawn(task).abort_handle();
        let mut tasks = lock(&self.inner.tasks);
        tasks.retain(|task| !task.is_finished());
        tasks.push(handle);
    }

    fn send_in_order(&self, delivery: Delivery) {
        let mut queues = lock(&self.inner.queues);
        let sender = queues
            .entry(delivery.endpoint_id.clone())
            .or_insert_with(|| {
                let (sender, receiver) = mpsc::unbounded_channel();
                self.spawn(self.clone().run_queue(receiver));
                sender
            });
        if let Err(rejected) = sender.send(delivery) {
            tracing::warn!(event_id = %rejected.0.event_id, "webhook queue closed, event dropped");
        }
    }

    fn send_unordered(&self, delivery: Delivery, delay_ms: u64) {
        let pause = rand::rng().random_range(0..=delay_ms.max(50));
        let dispatcher = self.clone();
        self.spawn(async move {
            tokio::time::sleep(Duration::from_millis(pause)).await;
            dispatcher.deliver_with_retries(delivery).await;
        });
    }

    async fn run_queue(self, mut receiver: mpsc::UnboundedReceiver<Delivery>) {
        while let Some(delivery) = receiver.recv().await {
            let delay_ms = self.mode().delay_ms;
            if delay_ms > 0 {
                tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            }
            if !self.attempt(&delivery, 1).await {
                let dispatcher = self.clone();
                self.spawn(async move { dispatcher.retry(delivery).await });
            }
        }
    }

    async fn deliver_with_retries(self, delivery: Delivery) {
        if !self.attempt(&delivery, 1).await {
            self.retry(delivery).await;
        }
    }

    async fn retry(&self, delivery: Delivery) {
        for (index, wait) in self.inner.retry_schedule.iter().enumerate() {
            tokio::time::sleep(*wait).await;
            let attempt = u32::try_from(index).unwrap_or(u32::MAX).saturating_add(2);
            if self.attempt(&delivery, attempt).await {
                return;
            }
        }
        tracing::warn!(
            event_id = %delivery.event_id,
            endpoint = %delivery.url,
            "webhook delivery gave up after all retries"
        );
    }

    /// One signed POST. The signature uses wall-clock time, not the emulator's clock, so that
    /// receivers checking the timestamp tolerance accept it after the clock was advanced.
    async fn attempt(&self, delivery: &Delivery, attempt: u32) -> bool {
        if self.is_retired(&delivery.endpoint_id) {
            tracing::info!(
                event_id = %delivery.event_id,
                endpoint_id = %delivery.endpoint_id,
                "webhook endpoint deleted, delivery dropped"
            );
            return true;
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let timestamp = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
        let Ok(signature) = sign(&delivery.payload, &delivery.secret, timestamp) else {
            tracing::error!(endpoint_id = %delivery.endpoint_id, "webhook secret unusable for HMAC");
            return false;
        };
        let result = self
            .inner
            .client
            .post(&delivery.url)
            .header("content-type", "application/json; charset=utf-8")
            .header(
                "user-agent",
                "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            )
            .header("stripe-signature", signature)
            .body(delivery.payload.clone())
            .send()
            .await;
        let (status, error) = match result {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(err) => (None, Some(err.to_string())),
        };
        let succeeded = status.is_some_and(|code| (200..300).contains(&code));
        tracing::info!(
            event_id = %delivery.event_id,
            event_type = %delivery.event_type,
            endpoint = %delivery.url,
            attempt,
            status,
            succeeded,
            "webhook delivery attempt"
        );
        lock(&self.inner.attempts).push(Attempt {
            event_id: delivery.event_id.clone(),
            event_type: delivery.event_type.clone(),
            endpoint_id: delivery.endpoint_id.clone(),
            url: delivery.url.clone(),
            attempt,
            status,
            error,
            succeeded,
            at_ms: now.as_millis(),
        });
        succeeded
    }
}
