//! Text messages to phones. Login codes (P1) go through [`SmsSender`]: the
//! default writes them to the server log (development, nothing leaves the
//! machine); a gateway's sender takes its place in production, and tests
//! read what [`RecordedSms`] kept.

use async_trait::async_trait;
use domain::Phone;
use std::sync::Mutex;

#[async_trait]
pub trait SmsSender: Send + Sync {
    /// Sends `text` to `phone`; `Err` with the gateway's reason when it
    /// could not.
    async fn send(&self, phone: &Phone, text: &str) -> Result<(), String>;
}

/// The development sender: the message goes to the server log only.
pub struct LoggedSms;

#[async_trait]
impl SmsSender for LoggedSms {
    async fn send(&self, phone: &Phone, text: &str) -> Result<(), String> {
        tracing::info!(to = %phone.masked(), text, "SMS not sent (development sender: written to this log only)");
        Ok(())
    }
}

/// Keeps every message, for tests to read back.
#[derive(Default)]
pub struct RecordedSms {
    sent: Mutex<Vec<(String, String)>>,
}

impl RecordedSms {
    /// `(phone, text)` of every message so far, oldest first.
    pub fn sent(&self) -> Vec<(String, String)> {
        self.sent.lock().map(|sent| sent.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl SmsSender for RecordedSms {
    async fn send(&self, phone: &Phone, text: &str) -> Result<(), String> {
        self.sent.lock().map_err(|_| "recorder poisoned".to_string())?.push((phone.as_str().to_string(), text.to_string()));
        Ok(())
    }
}
