//! Chat (C8): one thread per order between its customer and the worker who
//! holds it, and one support thread per customer with the platform's staff.

use crate::InputError;

/// Which conversation a message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatThread {
    /// The order's customer and the worker holding it.
    Order(i64),
    /// A customer (by user id) and the platform's staff.
    Support(i64),
}

impl ChatThread {
    /// The stored form, `order:12` or `support:5`.
    pub fn key(self) -> String {
        match self {
            ChatThread::Order(id) => format!("order:{id}"),
            ChatThread::Support(customer) => format!("support:{customer}"),
        }
    }

    pub fn parse(key: &str) -> Option<Self> {
        let (kind, id) = key.split_once(':')?;
        let id: i64 = id.parse().ok().filter(|id| *id > 0)?;
        match kind {
            "order" => Some(ChatThread::Order(id)),
            "support" => Some(ChatThread::Support(id)),
            _ => None,
        }
    }
}

/// Who wrote a message, and whose unread count it adds to. Every admin
/// answers support as one team, so they share one read position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChatSide {
    Customer,
    Worker,
    Support,
}

impl ChatSide {
    pub const ALL: [ChatSide; 3] = [ChatSide::Customer, ChatSide::Worker, ChatSide::Support];

    pub fn as_str(self) -> &'static str {
        match self {
            ChatSide::Customer => "customer",
            ChatSide::Worker => "worker",
            ChatSide::Support => "support",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|side| side.as_str() == s)
    }
}

/// How many messages (texts and photos) one person may send within a
/// minute, over all their threads: more than any conversation needs, too
/// few to flood a worker's phone or the support inbox.
pub const CHAT_SENDS_PER_MINUTE: i64 = 30;

/// A chat message's text: trimmed, 1 to 500 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatText(String);

impl ChatText {
    pub const MAX_CHARS: usize = 500;

    pub fn parse(input: &str) -> Result<Self, InputError> {
        let trimmed = input.trim();
        match trimmed.chars().count() {
            0 => Err(InputError::ChatEmpty),
            n if n > Self::MAX_CHARS => Err(InputError::ChatTooLong),
            _ => Ok(Self(trimmed.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_key_reads_back_as_the_same_thread() {
        for thread in [ChatThread::Order(12), ChatThread::Support(5)] {
            assert_eq!(ChatThread::parse(&thread.key()), Some(thread));
        }
    }

    #[test]
    fn a_malformed_thread_key_names_no_thread() {
        for key in ["", "order", "order:", "order:x", "order:0", "order:-3", "orders:1", "support:1:2"] {
            assert_eq!(ChatThread::parse(key), None, "{key}");
        }
    }

    #[test]
    fn chat_text_is_trimmed_and_must_not_be_blank_or_longer_than_500() {
        assert_eq!(ChatText::parse("  您好，几点到？ ").unwrap().as_str(), "您好，几点到？");
        assert_eq!(ChatText::parse(" \n "), Err(InputError::ChatEmpty));
        assert!(ChatText::parse(&"好".repeat(500)).is_ok());
        assert_eq!(ChatText::parse(&"好".repeat(501)), Err(InputError::ChatTooLong));
    }
}
