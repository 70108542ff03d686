//! Payment providers behind one trait. The sandbox provider behaves like the
//! real gateways where it matters: the customer confirms on a pay page, then
//! the gateway sends an asynchronous notification signed with a shared key,
//! and only a verified notification books the order.

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The header carrying the notification's signature (hex HMAC-SHA256 of the body).
pub const SIGNATURE_HEADER: &str = "x-daojia-signature";

/// What a gateway tells us once money has moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentNotification {
    pub out_trade_no: String,
    pub transaction_id: String,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    #[error("signature missing or invalid")]
    BadSignature,
    #[error("notification body malformed: {0}")]
    Malformed(String),
}

pub trait PaymentProvider: Send + Sync {
    /// Stored with each payment so refunds go back the way the money came.
    fn name(&self) -> &'static str;
    /// Checks a notification's signature and parses it; anything unverified is refused.
    fn verify_notification(&self, body: &[u8], signature: Option<&str>) -> Result<PaymentNotification, PaymentError>;
}

/// The default provider for development and tests: no real money moves.
pub struct SandboxProvider {
    key: Vec<u8>,
}

impl SandboxProvider {
    pub fn new(key: impl Into<Vec<u8>>) -> Self {
        Self { key: key.into() }
    }

    fn mac(&self) -> Hmac<Sha256> {
        Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC accepts any key length")
    }

    /// What the sandbox gateway sends: the JSON body and its signature.
    pub fn signed_notification(&self, notification: &PaymentNotification) -> (Vec<u8>, String) {
        let body = serde_json::to_vec(notification).expect("notification serialises");
        let mut mac = self.mac();
        mac.update(&body);
        (body, hex::encode(mac.finalize().into_bytes()))
    }
}

impl PaymentProvider for SandboxProvider {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn verify_notification(&self, body: &[u8], signature: Option<&str>) -> Result<PaymentNotification, PaymentError> {
        let signature = signature.and_then(|s| hex::decode(s.trim()).ok()).ok_or(PaymentError::BadSignature)?;
        let mut mac = self.mac();
        mac.update(body);
        // Constant-time comparison.
        mac.verify_slice(&signature).map_err(|_| PaymentError::BadSignature)?;
        serde_json::from_slice(body).map_err(|e| PaymentError::Malformed(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PaymentNotification {
        PaymentNotification { out_trade_no: "PAY1".into(), transaction_id: "TXN1".into(), amount_fen: 9000 }
    }

    #[test]
    fn a_signed_notification_verifies() {
        let provider = SandboxProvider::new("k1");
        let (body, signature) = provider.signed_notification(&sample());
        assert_eq!(provider.verify_notification(&body, Some(&signature)).unwrap(), sample());
    }

    #[test]
    fn a_tampered_body_or_foreign_key_is_refused() {
        let provider = SandboxProvider::new("k1");
        let (body, signature) = provider.signed_notification(&sample());
        let tampered = String::from_utf8(body.clone()).unwrap().replace("9000", "1");
        assert_eq!(provider.verify_notification(tampered.as_bytes(), Some(&signature)), Err(PaymentError::BadSignature));
        let forger = SandboxProvider::new("other");
        let (_, forged) = forger.signed_notification(&sample());
        assert_eq!(provider.verify_notification(&body, Some(&forged)), Err(PaymentError::BadSignature));
        assert_eq!(provider.verify_notification(&body, None), Err(PaymentError::BadSignature));
        assert_eq!(provider.verify_notification(&body, Some("zz")), Err(PaymentError::BadSignature));
    }
}
